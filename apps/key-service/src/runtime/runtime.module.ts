import { DynamicModule, Global, Inject, InjectionToken, Module, OnApplicationBootstrap, OnApplicationShutdown, Provider } from '@nestjs/common';
import { EVENT_STORE } from '@keys/event-store';
import { KeyDetailsPgStore, KeyVerificationsPgStore } from '@keys/projections';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { RELAY_STATUS } from '../health/relay-status.port';
import { READ_MODEL_SYNC } from '../keys/read-model-sync.port';
import { USAGE_INBOX } from '../keys/using/usage-inbox.port';
import { KEY_VAULT_STORE } from '../keys/vault/key-vault.tokens';
import { LAG_SOURCES } from '../metrics/lag-source';
import { distributedRuntime } from './distributed.runtime';
import { embeddedRuntime } from './embedded.runtime';
import { KEY_SERVICE_RUNTIME, KeyServiceRuntime } from './key-service.runtime';
import { IMPORTED_HASHES, USAGE_LIMITER, VALIDATION_LOOKUP } from './runtime.tokens';

class RuntimeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(KEY_SERVICE_RUNTIME) private readonly runtime: KeyServiceRuntime) {}

  onApplicationBootstrap(): Promise<void> {
    return this.runtime.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.runtime.stop();
  }
}

const ALIASES: ReadonlyArray<readonly [InjectionToken, keyof KeyServiceRuntime]> = [
  [EVENT_STORE, 'eventStore'],
  [KeyDetailsPgStore, 'queryStore'],
  [KeyVerificationsPgStore, 'verificationsStore'],
  [KEY_VAULT_STORE, 'vault'],
  [VALIDATION_LOOKUP, 'validationLookup'],
  [IMPORTED_HASHES, 'importedHashes'],
  [USAGE_LIMITER, 'usageLimiter'],
  [USAGE_INBOX, 'usageInbox'],
  [READ_MODEL_SYNC, 'readModelSync'],
  [LAG_SOURCES, 'lagSources'],
  [RELAY_STATUS, 'relayStatus'],
];

/**
 * The runtime of the configured topology (docs/architecture.md, "Topologies"), built by one
 * function, and each of its parts under the token its users inject.
 */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(): DynamicModule {
    const aliases: Provider[] = ALIASES.map(([provide, part]) => ({
      provide,
      inject: [KEY_SERVICE_RUNTIME],
      useFactory: (runtime: KeyServiceRuntime) => runtime[part],
    }));
    return {
      module: RuntimeModule,
      providers: [
        {
          provide: KEY_SERVICE_RUNTIME,
          inject: [APP_CONFIG],
          useFactory: ({ topology, verifyCacheTtlMs }: AppConfig): Promise<KeyServiceRuntime> =>
            topology.kind === 'embedded'
              ? embeddedRuntime(topology)
              : distributedRuntime(topology, { verifyCacheTtlMs }),
        },
        ...aliases,
        RuntimeLifecycle,
      ],
      exports: ALIASES.map(([token]) => token),
    };
  }
}
