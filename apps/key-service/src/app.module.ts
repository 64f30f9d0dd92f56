import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { Logger as PinoLogger } from 'pino';
import { ManagementAuthGuard } from './auth/management-auth.guard';
import { COMPAT_ERROR_DIALECTS } from './compat/compat-error-dialects';
import { CompatModule } from './compat/compat.module';
import { APP_CONFIG, AppConfig, loadAppConfig } from './config/app.config';
import { resolveSecrets, ResolvedSecrets } from './config/local-secrets';
import { KEY_ENCRYPTION_KEYS, KEY_HASHER, RESOLVED_SECRETS } from './config/secrets.tokens';
import { HttpErrorFilter } from './errors/http-error.filter';
import { HealthController } from './health/health.controller';
import { KeyServiceMetrics } from './metrics/key-service.metrics';
import { MetricsController } from './metrics/metrics.controller';
import { FrontDoor } from './http/front-door';
import { KeysModule } from './keys/keys.module';
import { RuntimeModule } from './runtime/runtime.module';

@Module({})
export class AppModule {
  /** `env` is the process environment in production; tests pass their own. `logger` is the process's one pino logger. */
  static forRoot(env: Record<string, string | undefined>, logger: PinoLogger, frontDoor: FrontDoor): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ app: loadAppConfig(env) })] }),
        // nestjs-pino serves Nest's Logger from the service's pino logger. Its request-logging
        // middleware is not mounted (no routes): Nest middleware would put @fastify/middie in front
        // of every request; requests are logged from a Fastify hook instead (request-logging.hook.ts).
        LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] }),
        TerminusModule,
        RuntimeModule.forRoot(),
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
        { provide: KEY_ENCRYPTION_KEYS, inject: [RESOLVED_SECRETS], useFactory: (s: ResolvedSecrets) => s.keyEncryptionKeys },
        { provide: APP_GUARD, useClass: ManagementAuthGuard },
        { provide: APP_FILTER, useFactory: () => new HttpErrorFilter(COMPAT_ERROR_DIALECTS) },
        Logger,
        KeyServiceMetrics,
        { provide: FrontDoor, useValue: frontDoor },
      ],
      exports: [APP_CONFIG, RESOLVED_SECRETS, KEY_HASHER, KEY_ENCRYPTION_KEYS, KeyServiceMetrics, FrontDoor],
      global: true,
    };
  }
}
