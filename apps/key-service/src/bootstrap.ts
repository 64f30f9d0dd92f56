import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadAppConfig } from './config/app.config';
import { BodyValidationPipe } from './errors/body-validation.pipe';
import { VerifyKeyRequestDto } from './keys/verifying/verify-key.request.dto';
import { VerifyKeyResponseDto } from './keys/verifying/verify-key.response.dto';
import { documentVerifyRoute } from './keys/verifying/verify-key.route';

/** Builds the HTTP application; main.ts listens on it, the e2e tests too. */
export async function createApp(env: Record<string, string | undefined> = process.env): Promise<NestFastifyApplication> {
  const config = loadAppConfig(env);
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, trustProxy: true, maxParamLength: 256 });
  // JSON only: a text/plain body would otherwise arrive as a string and fail validation obscurely (415 instead).
  adapter.getInstance().removeContentTypeParser('text/plain');
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(env), adapter, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(new BodyValidationPipe());
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
