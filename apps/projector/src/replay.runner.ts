import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PgliteSqlClient, PgSqlClient, PostgresEventStore, SqlClient } from '@keys/event-store';
import { KeyDetailsPgStore, KeyValidationPgStore, ProjectionSink, RedisKeyValidationStore } from '@keys/projections';
import { validationPrefix } from './projector';
import { replayReadModels, ReplayReport } from './read-model.replay';
import { ReadModelName, READ_MODELS, ReplayTarget } from './replay-target';


/** Where the store and the models live; the same variables the service and projector read. */
export interface ReplayEnvironment {
  readonly DATABASE_URL?: string;
  readonly DATA_DIR?: string;
  readonly REDIS_URL?: string;
  readonly REDIS_KEY_PREFIX?: string;
}

/**
 * Rebuilds one read model (or all) from position 0 of the event store. Run it with the projector
 * stopped (distributed) or the service stopped (embedded: PGlite admits one process): a live
 * writer meanwhile would race the reset. Shared by `npm run replay` and the CLI's `replay`.
 */
export async function runReplay(target: ReplayTarget, env: ReplayEnvironment): Promise<ReplayReport[]> {
  const wanted: readonly ReadModelName[] = target === 'all' ? READ_MODELS : [target];
  const databaseUrl = env.DATABASE_URL;
  const sql: SqlClient = databaseUrl
    ? new PgSqlClient({ connectionString: databaseUrl })
    : await PgliteSqlClient.open(join(env.DATA_DIR || './data', 'pglite'));
  let redis: Redis | null = null;
  try {
    const store = new PostgresEventStore(sql);
    const sinks: ProjectionSink[] = [];
    if (wanted.includes('key-details')) {
      const keyDetails = new KeyDetailsPgStore(sql);
      await keyDetails.init();
      sinks.push(keyDetails);
    }
    // The embedded validation model lives in memory and is rebuilt at every start; nothing to do.
    const redisUrl = env.REDIS_URL;
    if (wanted.includes('key-validation') && (redisUrl || target !== 'all')) {
      if (!redisUrl) throw new Error('REDIS_URL must be set to rebuild key-validation');
      redis = new Redis(redisUrl);
      sinks.push(new RedisKeyValidationStore(redis, { prefix: validationPrefix(env.REDIS_KEY_PREFIX || 'keys:') }));
    }
    if (wanted.includes('key-validation-pg') && (databaseUrl || target !== 'all')) {
      const fallback = new KeyValidationPgStore(sql);
      await fallback.init();
      sinks.push(fallback);
    }
    const reports = await replayReadModels(store, sinks);
    for (const sink of sinks)
      if (sink instanceof RedisKeyValidationStore) {
        // Marked built, so the projector's watchdog does not replay it all over again.
        const token = randomUUID();
        await sink.beginBuild(token);
        await sink.finishBuild(token);
      }
    return reports;
  } finally {
    await redis?.quit();
    await sql.close();
  }
}
