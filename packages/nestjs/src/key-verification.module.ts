import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { KeyHasher, KeyVerifier, openRedisVerification, PgValidationReader, RedisUsageQueue, RedisVerification, redisKeyspace } from '@key-service/verifier';
import { ApiKeyGuard, KEY_VERIFIER, TRUSTED_PROXY_RANGES } from './api-key.guard';
import { trustedProxyRanges } from './client-address';
import { openSqlReader, SqlReaderConnection } from './sql-reader.connection';

export interface KeyVerificationOptions {
  /** The Redis the key service's projector writes the validation model to. */
  readonly redisUrl: string;
  /** The key service's KEY_PEPPER: keys are looked up by their HMAC under it. */
  readonly pepper: string;
  /** The key service's REDIS_KEY_PREFIX (default `keys:`): every name in Redis derives from it. */
  readonly redisKeyPrefix?: string;
  /**
   * The key service's DATABASE_URL: verify then reads the PostgreSQL copy of the validation model
   * while Redis is down, as the key service does. Without it such a verify is a 503.
   */
  readonly databaseUrl?: string;
  readonly cacheTtlMs?: number;
  /**
   * Proxies (IP addresses or CIDR ranges) in front of this service whose `X-Forwarded-For` names
   * the caller, for keys with an IP allowlist. Defaults to the `TRUSTED_PROXIES` environment
   * variable (comma-separated); without either the socket's peer is the caller and the header is
   * ignored. A bad entry fails the module at start.
   */
  readonly trustedProxies?: readonly string[];
}

/** What the module opened, for its shutdown (and for tests that cut a connection on purpose). */
export interface KeyVerificationConnections {
  readonly verification: RedisVerification;
  readonly usage: RedisUsageQueue;
  readonly sql: SqlReaderConnection | null;
}

export const KEY_VERIFICATION_CONNECTIONS = Symbol('KEY_VERIFICATION_CONNECTIONS');

class KeyVerificationLifecycle implements OnApplicationShutdown {
  constructor(@Inject(KEY_VERIFICATION_CONNECTIONS) private readonly c: KeyVerificationConnections) {}

  async onApplicationShutdown(): Promise<void> {
    await this.c.usage.stop();
    await this.c.verification.close();
    await this.c.sql?.close();
  }
}

/**
 * Mount in any NestJS service to authenticate requests with keys of the key service, reading its
 * Redis validation model directly (no call to the key service on the hot path), through the same
 * chain the key service verifies with (openRedisVerification):
 *
 *   imports: [KeyVerificationModule.forRoot({ redisUrl, pepper })]
 *   @UseGuards(ApiKeyGuard) @RequireKeyRoles('orders:write')
 *   @RequireKeyPermissions('(orders.read OR orders.write) AND billing.read')
 */
@Module({})
export class KeyVerificationModule {
  static forRoot(options: KeyVerificationOptions): DynamicModule {
    // Checked now, so a bad entry stops the start instead of refusing every request later.
    const trusted = options.trustedProxies
      ? trustedProxyRanges(options.trustedProxies, 'trustedProxies')
      : trustedProxyRanges(process.env.TRUSTED_PROXIES, 'TRUSTED_PROXIES');
    return {
      module: KeyVerificationModule,
      providers: [
        { provide: TRUSTED_PROXY_RANGES, useValue: trusted },
        {
          provide: KEY_VERIFICATION_CONNECTIONS,
          useFactory: async (): Promise<KeyVerificationConnections> => {
            const logger = new Logger('KeyVerification');
            const keyspace = redisKeyspace(options.redisKeyPrefix);
            const sql = options.databaseUrl ? await openSqlReader(options.databaseUrl) : null;
            const verification = await openRedisVerification({
              redisUrl: options.redisUrl,
              keyspace,
              connectionName: 'key-verification',
              cacheTtlMs: options.cacheTtlMs,
              // Read only: the key service creates and feeds these tables.
              fallback: sql ? new PgValidationReader(sql) : undefined,
              onFallback: (e) => logger.warn(`Redis unreachable, verifying from ${sql ? 'PostgreSQL' : 'nothing (503)'}: ${String(e)}`),
            }).catch(async (error: unknown) => {
              await sql?.close();
              throw error;
            });
            const usage = new RedisUsageQueue(verification.redis, keyspace.usage);
            usage.start();
            return { verification, usage, sql };
          },
        },
        {
          provide: KEY_VERIFIER,
          inject: [KEY_VERIFICATION_CONNECTIONS],
          useFactory: ({ verification, usage }: KeyVerificationConnections) =>
            new KeyVerifier({
              hasher: new KeyHasher(options.pepper),
              lookup: verification.lookup,
              limiter: verification.limiter,
              // Guards queue successes only (usage); other answers are counted by the key service's own verify.
              onOutcome: (streamId, code) => code === 'VALID' && usage.record(streamId),
            }),
        },
        KeyVerificationLifecycle,
        ApiKeyGuard,
      ],
      exports: [KEY_VERIFIER, KEY_VERIFICATION_CONNECTIONS, TRUSTED_PROXY_RANGES, ApiKeyGuard],
    };
  }
}
