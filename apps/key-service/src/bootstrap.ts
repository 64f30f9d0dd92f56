import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { FastifyReply, FastifyRequest, onRouteHookHandler } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { loadAppConfig } from './config/app.config';
import { COMPAT_ERROR_DIALECTS } from './compat/compat-error-dialects';
import { consoleStaticPlugin } from './console/console-static.plugin';
import { registerFusionCurlBody } from './compat/fusion/fusion-curl-body.hook';
import { httpServerOptions } from './config/http-server.options';
import { BodyValidationPipe } from './errors/body-validation.pipe';
import { ErrorResponseDto } from './errors/error-response.dto';
import { HttpErrorFilter } from './errors/http-error.filter';
import { FrontDoor } from './http/front-door';
import { registerBodyLimits } from './input/body-limits.hook';
import { registerJsonBodyParser } from './input/json-body.parser';
import { TextSafetyPipe } from './input/text-safety.pipe';
import { VerifyKeyRequestDto } from './keys/verifying/verify-key.request.dto';
import { VerifyKeyResponseDto } from './keys/verifying/verify-key.response.dto';
import { documentVerifyRoute } from './keys/verifying/verify-key.route';
import { documentGithubLeakRoute } from './keys/leaks/github-leak-report.route';
import { registerRequestLogging } from './logging/request-logging.hook';
import { createServiceLogger } from './logging/service-logger';
import { declareErrorResponses } from './openapi/error-responses.openapi';

export interface CreateAppOptions {
  /** Where the logs go; stdout unless a test reads them. */
  readonly logDestination?: DestinationStream;
  /** Told of every route as it is added, Nest's and plain Fastify's alike (the route-inventory test). */
  readonly onRoute?: onRouteHookHandler;
}

/** Builds the HTTP application; main.ts listens on it, the e2e tests too. */
export async function createApp(
  env: Record<string, string | undefined> = process.env,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const config = loadAppConfig(env);
  const logger = createServiceLogger(config.logLevel, options.logDestination);
  for (const deprecation of config.deprecations) logger.warn(deprecation);
  // skipMiddie: no Nest middleware is used, and middie's per-request matching alone cost verify a
  // fifth of its throughput. A Nest middleware added later fails at start-up, not silently.
  const errors = new HttpErrorFilter(COMPAT_ERROR_DIALECTS);
  // Verify answers its plain requests before Fastify (http/front-door.ts, verify-key.route.ts).
  const frontDoor = new FrontDoor();
  // Router options go under routerOptions: at the top level Fastify 5 warns (FSTDEP022) on every start.
  const adapter = new FastifyAdapter({
    ...httpServerOptions(config),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: true,
    routerOptions: { maxParamLength: 256 },
    skipMiddie: true,
    serverFactory: frontDoor.serverFactory,
    // Without this Fastify answers these itself, in its own shape, on every dialect's routes.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => errors.send(request.url, reply, error),
  });
  frontDoor.attach(adapter.getInstance());
  // Before anything adds a route: onRoute only sees routes added after it.
  if (options.onRoute) adapter.getInstance().addHook('onRoute', options.onRoute);
  // The bulk routes (@BulkBody()) read bodies up to BULK_BODY_LIMIT_BYTES, every other route BODY_LIMIT_BYTES.
  registerBodyLimits(adapter.getInstance(), config.bulkBodyLimitBytes);
  // JSON in UTF-8 only, depth-limited, no duplicate keys; Nest's own JSON and form parsers stay off (bodyParser: false).
  registerJsonBodyParser(adapter.getInstance(), config.bodyLimitBytes);
  // Fusion's curl bodies (form-labelled JSON) are read as JSON on Fusion's routes only.
  registerFusionCurlBody(adapter.getInstance());
  registerRequestLogging(adapter.getInstance(), logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env, logger, frontDoor), adapter, { bufferLogs: true, bodyParser: false });
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
    { extraModels: [VerifyKeyRequestDto, VerifyKeyResponseDto, ErrorResponseDto, ...COMPAT_ERROR_DIALECTS.map((d) => d.errorBody)] },
  );
  documentVerifyRoute(document);
  documentGithubLeakRoute(document);
  declareErrorResponses(document, {
    byTag: Object.fromEntries(COMPAT_ERROR_DIALECTS.map((d) => [d.tag, d.errorBody.name])),
    fallback: ErrorResponseDto.name,
  });
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
  // The operator console's files (apps/console), in a scope of their own with its CSP.
  await app.register(consoleStaticPlugin, {});
  return app;
}
