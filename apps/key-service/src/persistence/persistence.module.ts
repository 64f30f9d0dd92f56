import { join } from 'node:path';
import { DynamicModule, Global, Inject, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { EVENT_STORE, PgliteSqlClient, PgSqlClient, PostgresEventStore, SqlClient } from '@keys/event-store';
import {
  InMemoryKeyValidationStore,
  KEY_VALIDATION_STORE,
  KeyDetailsPgStore,
  KeyValidationStore,
  PositionFeedRunner,
} from '@keys/projections';
import { APP_CONFIG, AppConfig } from '../config/app.config';
import { READ_MODEL_SYNC } from '../keys/read-model-sync.port';
import { InProcessReadModelSync } from './embedded-read-model.sync';
import { InMemoryUsageLimiter, UsageLimiter, ValidationLookup } from '@keys/verification';
import { POSITION_FEED, SQL_CLIENT, USAGE_LIMITER, VALIDATION_LOOKUP } from './tokens';

class PersistenceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Persistence');

  constructor(
    @Inject(POSITION_FEED) private readonly feed: PositionFeedRunner,
    @Inject(SQL_CLIENT) private readonly sql: SqlClient,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Serve nothing until the read models have caught up with the store.
    await this.feed.catchUp();
    this.feed.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.feed.stop();
    await this.sql.close().catch((e: unknown) => this.logger.warn(`Closing the store: ${String(e)}`));
  }
}

/**
 * The event store, the read models and the feed between them, chosen by configuration alone:
 * PGlite under DATA_DIR unless DATABASE_URL is set.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [
        {
          provide: SQL_CLIENT,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig): Promise<SqlClient> =>
            config.databaseUrl
              ? new PgSqlClient({ connectionString: config.databaseUrl })
              : PgliteSqlClient.open(join(config.dataDir, 'pglite')),
        },
        {
          provide: EVENT_STORE,
          inject: [SQL_CLIENT],
          useFactory: async (sql: SqlClient) => {
            const store = new PostgresEventStore(sql);
            await store.init();
            return store;
          },
        },
        {
          provide: KeyDetailsPgStore,
          inject: [SQL_CLIENT],
          useFactory: async (sql: SqlClient) => {
            const store = new KeyDetailsPgStore(sql);
            await store.init();
            return store;
          },
        },
        { provide: KEY_VALIDATION_STORE, useFactory: (): KeyValidationStore => new InMemoryKeyValidationStore() },
        { provide: VALIDATION_LOOKUP, inject: [KEY_VALIDATION_STORE], useFactory: (store: KeyValidationStore): ValidationLookup => store },
        { provide: USAGE_LIMITER, useFactory: (): UsageLimiter => new InMemoryUsageLimiter() },
        {
          provide: POSITION_FEED,
          inject: [EVENT_STORE, KeyDetailsPgStore, KEY_VALIDATION_STORE],
          useFactory: (store: PostgresEventStore, details: KeyDetailsPgStore, validation: KeyValidationStore) =>
            new PositionFeedRunner(store, [details, validation], {
              onError: (sink, error) => new Logger('Projections').error(`Projection ${sink} failed: ${String(error)}`),
            }),
        },
        { provide: READ_MODEL_SYNC, inject: [POSITION_FEED], useFactory: (feed: PositionFeedRunner) => new InProcessReadModelSync(feed) },
        PersistenceLifecycle,
      ],
      exports: [SQL_CLIENT, EVENT_STORE, KeyDetailsPgStore, KEY_VALIDATION_STORE, VALIDATION_LOOKUP, USAGE_LIMITER, POSITION_FEED, READ_MODEL_SYNC],
    };
  }
}
