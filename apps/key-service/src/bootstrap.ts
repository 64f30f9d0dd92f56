import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { loadAppConfig } from './config/app.config';
import { httpServerOptions } from './config/http-server.options';
import { BodyValidationPipe } from './errors/body-validation.pipe';
import { registerJsonBodyParser } from './input/json-body.parser';
import { TextSafetyPipe } from './input/text-safety.pipe';
import { VerifyKeyRequestDto } from './keys/verifying/verify-key.request.dto';
import { VerifyKeyResponseDto } from './keys/verifying/verify-key.response.dto';
import { documentVerifyRoute } from './keys/verifying/verify-key.route';
import { registerRequestLogging } from './logging/request-logging.hook';
import { createServiceLogger } from './logging/service-logger';

export interface CreateAppOptions {
  /** Where the logs go; stdout unless a test reads them. */
  readonly logDestination?: DestinationStream;
}

/** Builds the HTTP application; main.ts listens on it, the e2e tests too. */
export async function createApp(
  env: Record<string, string | undefined> = process.env,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const config = loadAppConfig(env);
  const logger = createServiceLogger(config.logLevel, options.logDestination);
  // skipMiddie: no Nest middleware is used, and middie's per-request matching alone cost verify a
  // fifth of its throughput. A Nest middleware added later fails at start-up, not silently.
  // Router options go under routerOptions: at the top level Fastify 5 warns (FSTDEP022) on every start.
  const adapter = new FastifyAdapter({
    ...httpServerOptions(config),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: true,
    routerOptions: { maxParamLength: 256 },
    skipMiddie: true,
  });
  // JSON in UTF-8 only, depth-limited, no duplicate keys; Nest's own JSON and form parsers stay off (bodyParser: false).
  registerJsonBodyParser(adapter.getInstance(), config.bodyLimitBytes);
  registerRequestLogging(adapter.getInstance(), logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env, logger), adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new TextSafetyPipe(), new BodyValidationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Key service')
      .setDescription('Event-sourced API key lifecycle: create, verify, rotate, revoke, audit.')
      .setVersion('1.0')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'apiKey')
      .addBearerAuth({ type: 'http', scheme: 'bearer' }, 'bearer')
      .build(),
    { extraModels: [VerifyKeyRequestDto, VerifyKeyResponseDto] },
  );
  documentVerifyRoute(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  return app;
}
