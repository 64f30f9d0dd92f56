import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ApiKey } from '@keys/domain';
import { keyStreamId } from '@key-service/events';
import { NewEvent, PgSqlClient, PostgresEventStore } from '@keys/event-store';
import { KeyChangeSettler } from '../apps/key-service/src/keys/key-change.settler';
import { KeyRepository } from '../apps/key-service/src/keys/key.repository';
import { KeyVaultPgStore } from '../apps/key-service/src/keys/vault/key-vault.pg-store';
import { CommandContext } from '../apps/key-service/src/keys/command-context';
import { KeyServiceMetrics } from '../apps/key-service/src/metrics/key-service.metrics';

export interface LongHistoryOptions {
  /** A connection string whose search_path is a schema of the probe's own. */
  readonly databaseUrl: string;
  readonly keys: number;
  /** KeyUsed events per key: a hot key's usage windows, one per instance per window. */
  readonly usageEvents: number;
  readonly loadsPerKey: number;
}

export interface LongHistoryResult {
  readonly keys: number;
  readonly usageEvents: number;
  /** Loading the whole stream and folding it: what every command did before snapshots (and audits still do). */
  readonly wholeStreamMs: number[];
  /** Loading the newest snapshot and the events after it: what a command does now. */
  readonly fromSnapshotMs: number[];
  /** Loading a key two events long: the floor. */
  readonly freshKeyMs: number[];
  /** A page of 100 events near the end of the key's history (`/v1/keys/:id/events?cursor=`). */
  readonly historyPageMs: number[];
  /** The first page of the key's audit trail (`/v1/audit?keyId=`), whose events come after every earlier key's. */
  readonly auditPageMs: number[];
}

const CONTEXT: CommandContext = {
  principal: { actor: { type: 'root', id: 'bench' }, tenant: null, roles: [], isRoot: true },
  correlationId: 'bench',
};

/**
 * Times the command-side load of hot keys through the service's own KeyRepository against the
 * real PostgreSQL. Usage events are written straight into the store in batches (as usage flushes
 * would have written them over weeks); one usage command through the repository then leaves the
 * snapshot that every later command starts from.
 */
export async function measureLongHistoryLoad(options: LongHistoryOptions): Promise<LongHistoryResult> {
  const sql = new PgSqlClient({ connectionString: options.databaseUrl, max: 4 });
  const store = new PostgresEventStore(sql);
  await store.init();
  // No key of the probe is recoverable: the vault is never written.
  const sync = { rowsWithAppend: () => undefined, afterAppend: async () => undefined, afterAppendMany: async () => undefined };
  const repository = new KeyRepository(store, new KeyVaultPgStore(sql), sync);
  const settler = new KeyChangeSettler(sync, store, new KeyServiceMetrics());
  const create = async (keyId: string) =>
    repository.create(
      { tenant: 'default', keyId },
      ApiKey.empty().create(
        {
          keyId, tenant: 'default', name: 'hot', description: null, hash: randomUUID(), hashAlgorithm: 'hmac-sha256', prefix: 'sk', start: 'sk_…abcd',
          roles: [], owner: null, environment: null, expiresAt: null, annotations: {}, rateLimit: null, quota: null, allowedIps: null, permissions: [],
        },
        new Date(),
      ),
      CONTEXT,
      new Date(),
    );
  const use = (i: number): NewEvent => ({
    eventId: randomUUID(),
    type: 'KeyUsed',
    data: { count: 100, firstUsedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), lastUsedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000 + 59_000).toISOString() },
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    actor: { type: 'system', id: 'usage' },
    correlationId: `usage-${i}`,
  });
  const time = async (load: () => Promise<unknown>, into: number[]) => {
    const started = performance.now();
    await load();
    into.push(performance.now() - started);
  };
  const result = {
    keys: options.keys,
    usageEvents: options.usageEvents,
    wholeStreamMs: [] as number[],
    fromSnapshotMs: [] as number[],
    freshKeyMs: [] as number[],
    historyPageMs: [] as number[],
    auditPageMs: [] as number[],
  };
  try {
    const fresh = `fresh-${randomUUID()}`;
    await create(fresh);
    await repository.execute({ tenant: 'default', keyId: fresh }, ({ key }) => key.recordUsage(1, new Date().toISOString(), new Date().toISOString()), CONTEXT);
    for (let k = 0; k < options.keys; k++) {
      const keyId = `hot-${randomUUID()}`;
      await create(keyId);
      for (let version = 1; version <= options.usageEvents; version += 1000) {
        const batch = Array.from({ length: Math.min(1000, options.usageEvents - version + 1) }, (_, i) => use(version + i));
        await store.appendToStream(keyStreamId('default', keyId), 'default', version, batch);
      }
      // A usage flush as the service runs it: it reads everything once and takes the snapshot.
      await settler.settle(
        await repository.execute({ tenant: 'default', keyId }, ({ key }) => key.recordUsage(1, new Date().toISOString(), new Date().toISOString()), CONTEXT),
      );
      // The planner's statistics as autovacuum keeps them after such a load (a fresh schema has none).
      await sql.exec('ANALYZE events');
      const pageAfter = (await store.readStream(keyStreamId('default', keyId), { afterVersion: options.usageEvents - 100, limit: 1 }))[0];
      // Whole-stream loads in a block of their own, after the others: the megabytes of garbage each
      // leaves would otherwise be collected during whichever timing came next.
      for (let i = 0; i < options.loadsPerKey; i++) {
        await time(() => repository.load({ tenant: 'default', keyId: fresh }), result.freshKeyMs);
        await time(() => repository.load({ tenant: 'default', keyId }), result.fromSnapshotMs);
        await time(() => store.readStream(keyStreamId('default', keyId), { afterVersion: pageAfter.version, limit: 101 }), result.historyPageMs);
        await time(() => store.queryEvents({ tenant: 'default', streamId: keyStreamId('default', keyId), limit: 101 }), result.auditPageMs);
      }
      for (let i = 0; i < options.loadsPerKey; i++) await time(() => repository.loadHistory({ tenant: 'default', keyId }), result.wholeStreamMs);
    }
    return result;
  } finally {
    await sql.pool.end();
  }
}
