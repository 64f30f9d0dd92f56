import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { RedisKeyValidationStore } from '@keys/projections';
import { KeyHasher } from '@keys/secrets';
import { CachedValidationLookup } from '../caching/cached-validation.lookup';
import { RedisInvalidationBus } from '../caching/redis-invalidation.bus';
import { RedisUsageLimiter } from '../limiting/redis-usage.limiter';
import { KeyVerifier } from '../verifying/key-verifier';
import { ApiKeyGuard, KEY_VERIFIER } from './api-key.guard';
import { RedisUsageQueue } from './redis-usage.queue';

export interface KeyVerificationOptions {
  /** The Redis the key service's projector writes the validation model to. */
  readonly redisUrl: string;
  /** The key service's KEY_PEPPER: keys are looked up by their HMAC under it. */
  readonly pepper: string;
  /** Key prefixes, as the key service is configured (defaults match its defaults). */
  readonly validationPrefix?: string;
  readonly limitsPrefix?: string;
  readonly usagePrefix?: string;
  readonly invalidationChannel?: string;
  readonly cacheTtlMs?: number;
}

const CONNECTIONS = Symbol('KEY_VERIFICATION_CONNECTIONS');

interface Connections {
  readonly redis: Redis;
  readonly subscriber: Redis;
  readonly bus: RedisInvalidationBus;
  readonly usage: RedisUsageQueue;
}

class KeyVerificationLifecycle implements OnApplicationShutdown {
  constructor(@Inject(CONNECTIONS) private readonly c: Connections) {}

  async onApplicationShutdown(): Promise<void> {
    await this.c.usage.stop();
    await this.c.bus.close();
    this.c.subscriber.disconnect();
    this.c.redis.disconnect();
  }
}

/**
 * Mount in any NestJS service to authenticate requests with keys of the key service, reading its
 * Redis validation model directly (no call to the key service on the hot path):
 *
 *   imports: [KeyVerificationModule.forRoot({ redisUrl, pepper })]
 *   @UseGuards(ApiKeyGuard) @RequireKeyRoles('orders:write')
 */
@Module({})
export class KeyVerificationModule {
  static forRoot(options: KeyVerificationOptions): DynamicModule {
    return {
      module: KeyVerificationModule,
      providers: [
        {
          provide: CONNECTIONS,
          useFactory: async (): Promise<Connections> => {
            const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableAutoPipelining: true });
            const subscriber = new Redis(options.redisUrl);
            const bus = await RedisInvalidationBus.connect(redis, subscriber, { channel: options.invalidationChannel });
            const usage = new RedisUsageQueue(redis, options.usagePrefix);
            usage.start();
            return { redis, subscriber, bus, usage };
          },
        },
        {
          provide: KEY_VERIFIER,
          inject: [CONNECTIONS],
          useFactory: (c: Connections) => {
            const store = new RedisKeyValidationStore(c.redis, { prefix: options.validationPrefix });
            const cache = new CachedValidationLookup(store, { ttlMs: options.cacheTtlMs });
            c.bus.onInvalidate((streamId, records) => cache.invalidateKey(streamId, records));
            return new KeyVerifier({
              hasher: new KeyHasher(options.pepper),
              lookup: cache,
              limiter: new RedisUsageLimiter(c.redis, options.limitsPrefix),
              // Guards queue successes only (usage); other answers are counted by the key service's own verify.
              onOutcome: (streamId, code) => code === 'VALID' && c.usage.record(streamId),
            });
          },
        },
        KeyVerificationLifecycle,
        ApiKeyGuard,
      ],
      exports: [KEY_VERIFIER, ApiKeyGuard],
    };
  }
}
