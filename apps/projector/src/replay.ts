import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { PgliteSqlClient, PgSqlClient, PostgresEventStore, SqlClient } from '@keys/event-store';
import { KeyDetailsPgStore, KeyValidationPgStore, KeyVerificationsPgStore, ProjectionSink, RedisKeyValidationStore } from '@keys/projections';
import { validationPrefix } from './projector';
import { replayReadModels } from './read-model.replay';

const READ_MODELS = ['key-details', 'key-validation', 'key-validation-pg', 'key-verifications'] as const;
type ReadModelName = (typeof READ_MODELS)[number];

function usage(): never {
  console.error(
    `usage: replay <${READ_MODELS.join('|')}|all>\n` +
      '  env: DATABASE_URL (else the embedded store under DATA_DIR, default ./data), REDIS_URL and REDIS_KEY_PREFIX for key-validation',
  );
  process.exit(2);
}

/**
 * Rebuilds one read model (or all) from position 0 of the event store. Run it with the projector
 * stopped (distributed) or the service stopped (embedded: PGlite admits one process): a live
 * writer meanwhile would race the reset.
 */
async function main(argv: readonly string[]): Promise<void> {
  const target = argv[0] ?? usage();
  if (target !== 'all' && !(READ_MODELS as readonly string[]).includes(target)) usage();
  const wanted: readonly ReadModelName[] = target === 'all' ? READ_MODELS : [target as ReadModelName];
  const databaseUrl = process.env.DATABASE_URL;
  const sql: SqlClient = databaseUrl
    ? new PgSqlClient({ connectionString: databaseUrl })
    : await PgliteSqlClient.open(join(process.env.DATA_DIR || './data', 'pglite'));
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
    const redisUrl = process.env.REDIS_URL;
    if (wanted.includes('key-validation') && (redisUrl || target !== 'all')) {
      if (!redisUrl) throw new Error('REDIS_URL must be set to rebuild key-validation');
      redis = new Redis(redisUrl);
      sinks.push(new RedisKeyValidationStore(redis, { prefix: validationPrefix(process.env.REDIS_KEY_PREFIX || 'keys:') }));
    }
    if (wanted.includes('key-validation-pg') && (databaseUrl || target !== 'all')) {
      const fallback = new KeyValidationPgStore(sql);
      await fallback.init();
      sinks.push(fallback);
    }
    if (wanted.includes('key-verifications')) {
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
    for (const r of reports) console.log(`${r.readModel}: replayed ${r.events} events of ${r.keys} keys up to position ${r.position}`);
  } finally {
    await redis?.quit();
    await sql.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`replay failed: ${(error as Error).message}`);
  process.exit(1);
});
