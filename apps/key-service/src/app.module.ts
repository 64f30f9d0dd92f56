import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { ManagementAuthGuard } from './auth/management-auth.guard';
import { CompatModule } from './compat/compat.module';
import { APP_CONFIG, AppConfig, loadAppConfig } from './config/app.config';
import { resolveSecrets, ResolvedSecrets } from './config/local-secrets';
import { KEY_HASHER, RESOLVED_SECRETS } from './config/secrets.tokens';
import { HttpErrorFilter } from './errors/http-error.filter';
import { HealthController } from './health/health.controller';
import { KeyServiceMetrics } from './metrics/key-service.metrics';
import { MetricsController } from './metrics/metrics.controller';
import { KeysModule } from './keys/keys.module';
import { PersistenceModule } from './persistence/persistence.module';

/** Headers that carry keys: never logged. */
const REDACTED = ['req.headers["x-api-key"]', 'req.headers.apikey', 'req.headers.authorization'];

@Module({})
export class AppModule {
  /** `env` is the process environment in production; tests pass their own. */
  static forRoot(env: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ app: loadAppConfig(env) })] }),
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            pinoHttp: {
              level: config.getOrThrow<AppConfig>('app').logLevel,
              redact: { paths: REDACTED, censor: '[redacted]' },
              // Bodies are never logged: they carry plaintext keys on verify and in create responses.
              serializers: { req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }) },
              autoLogging: { ignore: (req: { url?: string }) => req.url === '/health' || req.url === '/metrics' },
            },
            // Verify is the hot path: request logging would cost more than the verify itself, and
            // the key_verify_duration_seconds histogram already accounts for every call.
            exclude: [{ method: RequestMethod.POST, path: 'v1/keys/verify' }],
          }),
        }),
        TerminusModule,
        PersistenceModule.forRoot(),
        KeysModule,
        CompatModule,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, inject: [ConfigService], useFactory: (c: ConfigService) => c.getOrThrow<AppConfig>('app') },
        {
          provide: RESOLVED_SECRETS,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): ResolvedSecrets => {
            const secrets = resolveSecrets(config);
            if (secrets.generatedRootKey)
              // Printed once, on the first start, to the console only: the service keeps just its hash.
              process.stdout.write(
                `\nGenerated a root API key (shown once, store it now):\n\n  ${secrets.generatedRootKey}\n\n` +
                  `Only its hash is kept, under ${config.dataDir}. Set ROOT_API_KEY to choose your own.\n\n`,
              );
            return secrets;
          },
        },
        { provide: KEY_HASHER, inject: [RESOLVED_SECRETS], useFactory: (s: ResolvedSecrets) => s.hasher },
        { provide: APP_GUARD, useClass: ManagementAuthGuard },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        Logger,
        KeyServiceMetrics,
      ],
      exports: [APP_CONFIG, RESOLVED_SECRETS, KEY_HASHER, KeyServiceMetrics],
      global: true,
    };
  }
}
