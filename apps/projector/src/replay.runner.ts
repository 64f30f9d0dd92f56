import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PgliteSqlClient, PgSqlClient, PostgresEventStore, SqlClient } from '@keys/event-store';
import { KeyDetailsPgStore, KeyValidationPgStore, KeyVerificationsPgStore, ProjectionSink, RedisKeyValidationStore } from '@keys/projections';
import { redisKeyspace } from '@key-service/verifier';
import { replayReadModels, ReplayReport } from './read-model.replay';
import { ReplayConfig } from './replay.config';

/**
 * Rebuilds one read model (or all) from position 0 of the event store. Run it with the projector
 * stopped (distributed) or the service stopped (embedded: PGlite admits one process): a live
 * writer meanwhile would race the reset. Shared by `npm run replay` and the CLI's `replay`.
 */
export async function runReplay({ topology, readModels }: ReplayConfig): Promise<ReplayReport[]> {
  const sql: SqlClient =
    topology.kind === 'distributed'
      ? new PgSqlClient({ connectionString: topology.databaseUrl })
      : await PgliteSqlClient.open(join(topology.dataDir, 'pglite'));
  let redis: Redis | null = null;
  try {
    const store = new PostgresEventStore(sql);
    const sinks: ProjectionSink[] = [];
    if (readModels.includes('key-details')) {
      const keyDetails = new KeyDetailsPgStore(sql);
      await keyDetails.init();
      sinks.push(keyDetails);
    }
    if (topology.kind === 'distributed' && readModels.includes('key-validation')) {
      redis = new Redis(topology.redisUrl);
      sinks.push(new RedisKeyValidationStore(redis, { prefix: redisKeyspace(topology.redisKeyPrefix).validation }));
    }
    if (readModels.includes('key-validation-pg')) {
      const fallback = new KeyValidationPgStore(sql);
      await fallback.init();
      sinks.push(fallback);
    }
    if (readModels.includes('key-verifications')) {
      const verifications = new KeyVerificationsPgStore(sql);
      await verifications.init();
      sinks.push(verifications);
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
