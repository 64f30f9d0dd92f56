import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { ApiKey } from '@keys/domain';
import { KEY_EVENT_SCHEMA_VERSION, KeyEvent, keyStreamId } from '@key-service/events';
import { PgSqlClient, PostgresEventStore } from '@keys/event-store';
import { detailsOf, KeyCommandPgWriter, KeyDetailsPgStore, KeyValidationPgStore, validationViewOf } from '@keys/projections';
import { CLOCK_TICKS_PER_SECOND, cpuTicks } from './process-cpu';

/** The two ways a command's PostgreSQL rows have been written. */
type Way = 'rows after the append' | 'rows in the append';

export interface StatementCostRow {
  readonly way: Way;
  readonly command: 'create' | 'revoke';
  /** The backend's CPU per command, median of the rounds. */
  readonly backendMicros: number;
  /** Wall time per command on the one connection, median of the rounds. */
  readonly wallMicros: number;
}

const KEYS_PER_ROUND = 400;
const ROUNDS = 6;

/**
 * What a single command costs PostgreSQL, alone: the append and the key's read-model rows, from
 * `concurrency` connections at once (each one backend, whose CPU /proc gives; with several,
 * commits that meet share their WAL flush), for KEYS_PER_ROUND creates then as many revokes,
 * alternating the two ways round by round (the first round warms up and is not counted).
 * The full bench's CPU per request carries the relay, the projector and the box's other tenants,
 * too much to resolve the tenth of a millisecond this is about. `BENCH_DATABASE_URL`, else the
 * machine's test database; the probe works in a schema of its own and drops it.
 */
export async function measureCommandStatementCost(databaseUrl: string, concurrency = 1): Promise<StatementCostRow[]> {
  const schema = `bench_statement_cost_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const clients = Array.from({ length: concurrency }, () => new PgSqlClient({ connectionString: url.toString(), max: 1 }));
  try {
    const [sql] = clients;
    await new PostgresEventStore(sql).init();
    await new KeyDetailsPgStore(sql).init();
    await new KeyValidationPgStore(sql).init();
    const workers = clients.map((client) => ({ store: new PostgresEventStore(client), writer: new KeyCommandPgWriter(client) }));
    const pids = await Promise.all(clients.map(async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid));
    const ticksNow = () => pids.reduce((sum, pid) => sum + (cpuTicks(pid) ?? 0), 0);

    // As KeyRepository's append and the distributed sync's PostgreSQL part, without the service around them.
    const command = async (worker: number, way: Way, key: ApiKey, events: readonly KeyEvent[]): Promise<ApiKey> => {
      const { store, writer } = workers[worker];
      const occurredAt = new Date().toISOString();
      const after = ApiKey.restore(key.snapshot);
      for (const event of events) after.apply({ ...event, occurredAt });
      const { tenant, keyId } = after.state;
      const details = detailsOf(after.state, after.version);
      const view = validationViewOf(after.state, after.version);
      const created = events.findIndex((e) => e.type === 'KeyCreated');
      const appended = events.map((e) => ({
        eventId: randomUUID(),
        type: e.type,
        data: e.data,
        schemaVersion: KEY_EVENT_SCHEMA_VERSION[e.type],
        occurredAt,
        actor: { type: 'root', id: 'bench' },
        correlationId: 'bench',
      }));
      const streamId = keyStreamId(tenant, keyId);
      if (way === 'rows in the append')
        await store.appendToStream(streamId, tenant, key.version, appended, { alongside: writer.withAppend(details, view, created === -1 ? null : created) });
      else {
        await store.appendToStream(streamId, tenant, key.version, appended);
        await writer.write(details, view);
      }
      return after;
    };

    let n = 0;
    const create = (worker: number, way: Way) =>
      command(
        worker,
        way,
        ApiKey.empty(),
        ApiKey.empty().create(
          {
            keyId: `key-${n++}`,
            tenant: 'bench',
            name: 'statement cost',
            description: null,
            hash: randomBytes(32).toString('base64url'),
            hashAlgorithm: 'hmac-sha256',
            prefix: 'sk',
            start: 'sk_…abcd',
            roles: ['reader'],
            owner: 'bench',
            environment: null,
            expiresAt: null,
            annotations: {},
            rateLimit: null,
            quota: null,
            allowedIps: null,
            permissions: [],
          },
          new Date(),
        ),
      );

    const samples = new Map<string, Array<{ backend: number; wall: number }>>();
    const measure = async <T>(way: Way, name: 'create' | 'revoke', counted: boolean, work: () => Promise<T>): Promise<T> => {
      const ticks = ticksNow();
      const started = performance.now();
      const result = await work();
      const wall = ((performance.now() - started) * 1000) / KEYS_PER_ROUND;
      const backend = (((ticksNow() - ticks) / CLOCK_TICKS_PER_SECOND) * 1e6) / KEYS_PER_ROUND;
      if (counted) samples.set(`${way}/${name}`, [...(samples.get(`${way}/${name}`) ?? []), { backend, wall }]);
      return result;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const ways: Way[] = round % 2 === 0 ? ['rows after the append', 'rows in the append'] : ['rows in the append', 'rows after the append'];
      for (const way of ways) {
        const perWorker = Math.ceil(KEYS_PER_ROUND / concurrency);
        const keys = await measure(way, 'create', round > 0, () =>
          Promise.all(
            workers.map(async (_, w) => {
              const made: ApiKey[] = [];
              for (let i = 0; i < perWorker; i++) made.push(await create(w, way));
              return made;
            }),
          ),
        );
        await measure(way, 'revoke', round > 0, () =>
          Promise.all(
            keys.map(async (made, w) => {
              for (const key of made) await command(w, way, key, key.revoke('bench'));
            }),
          ),
        );
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return [...samples].map(([name, s]) => {
      const [way, cmd] = name.split('/') as [Way, 'create' | 'revoke'];
      return { way, command: cmd, backendMicros: median(s.map((x) => x.backend)), wallMicros: median(s.map((x) => x.wall)) };
    });
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

if (require.main === module) {
  const concurrency = Number(process.argv[2] ?? 1);
  measureCommandStatementCost(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', concurrency).then(
    (rows) => {
      for (const r of rows)
        process.stdout.write(
          `${r.command}, ${r.way}, ${concurrency} connection(s): PostgreSQL backends ${r.backendMicros.toFixed(0)} µs CPU, ${r.wallMicros.toFixed(0)} µs wall per command\n`,
        );
    },
    (error: unknown) => {
      process.stderr.write(`command statement cost probe failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
