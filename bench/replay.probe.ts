import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { PgSqlClient, PostgresEventStore, SqlClient } from '@keys/event-store';
import { KeyDetailsPgStore, KeyValidationPgStore, KeyVerificationsPgStore, ProjectionSink, RedisKeyValidationStore } from '@keys/projections';
import { replayReadModels } from '../apps/projector/src/read-model.replay';
import { appendReplayLog, replayLog } from './replay-log.generator';

export interface ReplayProbeOptions {
  /** A connection string whose search_path is a schema of the probe's own. */
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** A Redis namespace of the probe's own; emptied at the end. */
  readonly redisPrefix: string;
  readonly keys: number;
  /** Usage windows per key (60 s each): about one event per key per window. */
  readonly windows: number;
}

export interface ReplayModelResult {
  readonly model: string;
  readonly events: number;
  readonly seconds: number;
  /** User + system CPU of this process (the replay's) over the replay. */
  readonly cpuSeconds: number;
  /** User + system CPU of the PostgreSQL backends serving the replay (/proc/<pid>/stat), null where unreadable. */
  readonly pgCpuSeconds: number | null;
  /** Rows (PostgreSQL) or keys (Redis) the model ends with. */
  readonly rows: number;
  /** The floor: the same rows loaded in bulk into empty copies of the model's tables, indexes built after, in the same run. */
  readonly floorSeconds: number;
}

export interface ReplayProbeResult {
  readonly keys: number;
  readonly windows: number;
  readonly events: number;
  readonly keyUsedEvents: number;
  readonly appendSeconds: number;
  /** Average row size of a KeyUsed in the events table (pg_column_size: header, envelope and JSONB data). */
  readonly keyUsedRowBytes: number;
  /** The events table with its indexes and TOAST, per event. */
  readonly totalBytesPerEvent: number;
  readonly models: ReplayModelResult[];
  /** The machine's 1, 5 and 15 minute load averages when the probe ended. */
  readonly loadAverage: number[];
}

/** The tables each PostgreSQL model ends with: what its floor writes again. */
const MODEL_TABLES: Readonly<Record<string, readonly string[]>> = {
  'key-details': ['key_details'],
  'key-validation-pg': ['key_validation_views', 'key_validation_hashes'],
  'key-verifications': ['key_verification_keys', 'key_verification_buckets'],
};

/**
 * Replay at production scale: a log of `keys` keys × `windows` usage windows written straight into
 * a fresh schema, then each read model replayed from position 0 by itself (`npm run replay`'s
 * code), timed, beside its floor: the rows the model ended with, read back untimed, then inserted
 * in bulk (COPY, 5,000 rows a statement) into empty tables made LIKE the model's without
 * indexes, the model's indexes built after, all in one transaction (pgFloor); for Redis, the same
 * keys and values SET in one pipeline under another prefix.
 */
export async function measureReplay(options: ReplayProbeOptions): Promise<ReplayProbeResult> {
  // Named, so the PostgreSQL backends serving the probe can be found and their CPU time read.
  const application = `replay-probe-${process.pid}`;
  const url = new URL(options.databaseUrl);
  url.searchParams.set('application_name', application);
  const sql = new PgSqlClient({ connectionString: url.toString(), max: 4 });
  const redis = new Redis(options.redisUrl);
  try {
    const store = new PostgresEventStore(sql);
    await store.init();
    const endAt = Date.now() - (Date.now() % 60_000);
    const appendStart = performance.now();
    const events = await appendReplayLog(sql, replayLog({ keys: options.keys, windows: options.windows, endAt, label: 'bench' }));
    const appendSeconds = (performance.now() - appendStart) / 1000;
    await sql.query('ANALYZE events');
    const sizes = await sql.query<{ row_bytes: string; total: string; used: string }>(
      `SELECT (SELECT avg(pg_column_size(e.*)) FROM events e WHERE type = 'KeyUsed') AS row_bytes,
              pg_total_relation_size('events') AS total,
              (SELECT count(*) FROM events WHERE type = 'KeyUsed') AS used`,
    );
    const models: ReplayModelResult[] = [];
    const details = new KeyDetailsPgStore(sql);
    const validationPg = new KeyValidationPgStore(sql);
    const verifications = new KeyVerificationsPgStore(sql);
    const validationRedis = new RedisKeyValidationStore(redis, { prefix: `${options.redisPrefix}model:` });
    for (const sink of [details, validationPg, verifications, validationRedis] as Array<ProjectionSink & { init?: () => Promise<void> }>) {
      await sink.init?.();
      process.stdout.write(`replaying ${sink.name}...\n`);
      const pgBefore = await backendCpu(sql, application);
      const cpu = process.cpuUsage();
      const start = performance.now();
      const [report] = await replayReadModels(store, [sink]);
      const seconds = (performance.now() - start) / 1000;
      const used = process.cpuUsage(cpu);
      const pgAfter = await backendCpu(sql, application);
      const pgCpuSeconds = pgBefore && pgAfter ? [...pgAfter].reduce((sum, [pid, after]) => sum + after - (pgBefore.get(pid) ?? 0), 0) : null;
      const floor =
        sink === validationRedis ? await redisFloor(redis, validationRedis.prefix, `${options.redisPrefix}floor:`) : await pgFloor(sql, MODEL_TABLES[sink.name]);
      const result = { model: sink.name, events: report.events, seconds, cpuSeconds: (used.user + used.system) / 1e6, pgCpuSeconds, ...floor };
      models.push(result);
      process.stdout.write(`${formatModel(result)}\n`);
    }
    return {
      keys: options.keys,
      windows: options.windows,
      events,
      keyUsedEvents: Number(sizes.rows[0].used),
      appendSeconds,
      keyUsedRowBytes: Number(sizes.rows[0].row_bytes),
      totalBytesPerEvent: Number(sizes.rows[0].total) / events,
      models,
      loadAverage: loadavg(),
    };
  } finally {
    await emptyPrefix(redis, options.redisPrefix);
    redis.disconnect();
    await sql.close();
  }
}

export function formatModel(m: ReplayModelResult): string {
  return (
    `${m.model}: ${m.events} events in ${m.seconds.toFixed(2)} s = ${Math.round(m.events / m.seconds)} events/s (CPU ${m.cpuSeconds.toFixed(2)} s, PostgreSQL ${m.pgCpuSeconds?.toFixed(2) ?? '?'} s); ` +
    `floor: ${m.rows} rows in ${m.floorSeconds.toFixed(2)} s = ${Math.round(m.rows / m.floorSeconds)} rows/s`
  );
}

/** CPU seconds (user + system) so far of each backend serving `application`; null when /proc cannot tell (PostgreSQL elsewhere). */
async function backendCpu(sql: SqlClient, application: string): Promise<Map<number, number> | null> {
  const r = await sql.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [application]);
  const cpu = new Map<number, number>();
  try {
    for (const { pid } of r.rows) {
      // Fields after the command's closing parenthesis: state is the 3rd field, utime the 14th, stime the 15th.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
    }
  } catch {
    return null;
  }
  return cpu;
}

/** USER_HZ: the unit of /proc/<pid>/stat's times, 100 on Linux. */
const CLOCK_TICKS = 100;

/**
 * The rows of `tables` written again as fast as PostgreSQL takes them in bulk, the way the analytics'
 * replay loads its empty table: into copies without indexes, with `COPY … FROM STDIN` (5,000 rows
 * a statement), then the model's indexes built once the rows are in, all in one transaction. A
 * floor that inserted more slowly or maintained the indexes row by row would be slower than the
 * replay it bounds.
 */
async function pgFloor(sql: SqlClient, tables: readonly string[]): Promise<{ rows: number; floorSeconds: number }> {
  const contents: Array<{ table: string; columns: Array<{ name: string; type: string }>; values: unknown[][]; indexes: string[] }> = [];
  for (const table of tables) {
    await sql.query(`DROP TABLE IF EXISTS floor_${table}`);
    await sql.query(`CREATE TABLE floor_${table} (LIKE ${table} INCLUDING ALL EXCLUDING INDEXES)`);
    const columns = (
      await sql.query<{ name: string; type: string }>(
        `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
         WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
        [table],
      )
    ).rows;
    const r = await sql.query<Record<string, string | null>>(`SELECT ${columns.map((c) => `"${c.name}"::text AS "${c.name}"`).join(', ')} FROM ${table}`);
    const indexes = await sql.query<{ indexname: string; indexdef: string }>(
      'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1',
      [table],
    );
    contents.push({
      table,
      columns,
      values: columns.map((c) => r.rows.map((row) => row[c.name])),
      indexes: indexes.rows.map((i) => i.indexdef.replace(/ INDEX \S+ ON \S+ /, ` INDEX floor_${i.indexname} ON floor_${table} `)),
    });
  }
  const start = performance.now();
  await sql.transaction(async (tx) => {
    await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const { table, columns, values, indexes } of contents) {
      // COPY, as the analytics' replay loads: each value as the text PostgreSQL gave it, NULL as \N.
      const copy = tx.copyFrom?.bind(tx);
      if (!copy) throw new Error('the floor needs a client that speaks COPY');
      for (let i = 0; i < values[0].length; i += 5_000) {
        let text = '';
        for (let row = i; row < Math.min(i + 5_000, values[0].length); row++)
          text += `${values.map((column) => (column[row] === null ? '\\N' : copyValue(column[row] as string))).join('\t')}\n`;
        await copy(`COPY floor_${table} (${columns.map((c) => `"${c.name}"`).join(', ')}) FROM STDIN`, text);
      }
      for (const index of indexes) await tx.query(index);
    }
  });
  const floorSeconds = (performance.now() - start) / 1000;
  for (const table of tables) await sql.query(`DROP TABLE floor_${table}`);
  return { rows: contents.reduce((n, c) => n + c.values[0].length, 0), floorSeconds };
}

async function redisFloor(redis: Redis, modelPrefix: string, floorPrefix: string): Promise<{ rows: number; floorSeconds: number }> {
  const keys = (await scan(redis, `${modelPrefix}*`)).filter((k) => k.startsWith(`${modelPrefix}key:`) || k.startsWith(`${modelPrefix}hash:`));
  const values: string[] = [];
  for (let i = 0; i < keys.length; i += 1000) values.push(...((await redis.mget(...keys.slice(i, i + 1000))) as string[]));
  const start = performance.now();
  const pipeline = redis.pipeline();
  keys.forEach((key, i) => pipeline.set(floorPrefix + key.slice(modelPrefix.length), values[i]));
  await pipeline.exec();
  return { rows: keys.length, floorSeconds: (performance.now() - start) / 1000 };
}

async function scan(redis: Redis, pattern: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const k of keys) found.add(k);
  } while (cursor !== '0');
  return [...found];
}

async function emptyPrefix(redis: Redis, prefix: string): Promise<void> {
  const keys = await scan(redis, `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
}

/** The probe in a schema and a Redis namespace of its own, sized by BENCH_REPLAY_KEYS and BENCH_REPLAY_WINDOWS. */
export async function replayProbe(createSchema: () => Promise<{ url: string; drop: () => Promise<void> }>, redisUrl: string): Promise<ReplayProbeResult> {
  process.stdout.write('replay: writing the log...\n');
  const own = await createSchema();
  try {
    const result = await measureReplay({
      databaseUrl: own.url,
      redisUrl,
      redisPrefix: `bench-replay:${Date.now()}:`,
      keys: Number(process.env.BENCH_REPLAY_KEYS ?? 10_000),
      windows: Number(process.env.BENCH_REPLAY_WINDOWS ?? 50),
    });
    process.stdout.write(
      `replay: ${result.events} events of ${result.keys} keys written in ${result.appendSeconds.toFixed(1)} s; a KeyUsed row ${Math.round(result.keyUsedRowBytes)} bytes, ` +
        `${Math.round(result.totalBytesPerEvent)} bytes per event with the indexes\n`,
    );
    return result;
  } finally {
    await own.drop();
  }
}

const perSecond = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en-US');

/** The BENCHMARKS.md section of the probe. */
export function renderReplaySection(r: ReplayProbeResult): string {
  const rows = r.models
    .map(
      (m) =>
        `| ${m.model} | ${m.events.toLocaleString('en-US')} | ${m.seconds.toFixed(2)} | **${perSecond(m.events, m.seconds)}** | ${m.cpuSeconds.toFixed(2)} | ${m.pgCpuSeconds?.toFixed(2) ?? '?'} | ${perSecond(m.events, m.cpuSeconds + (m.pgCpuSeconds ?? 0))} | ${m.rows.toLocaleString('en-US')} | ${m.floorSeconds.toFixed(2)} | ${perSecond(m.rows, m.floorSeconds)} | ${(m.seconds / m.floorSeconds).toFixed(1)} |`,
    )
    .join('\n');
  const slowest = Math.min(...r.models.map((m) => m.events / m.seconds));
  const dayEvents = r.keys * 1_440;
  return `## Replay

\`npm run replay\`'s code (apps/projector/src/read-model.replay.ts → rebuildReadModel) on a log of
${r.keys.toLocaleString('en-US')} keys over ${r.windows} usage windows of 60 s, written straight into a fresh schema
(bench/replay-log.generator.ts: ${r.events.toLocaleString('en-US')} events, ${r.keyUsedEvents.toLocaleString('en-US')} of them \`KeyUsed\`, the first tenth of schema 1,
the rest with per-minute outcomes; imported keys, updates, rotations, disables and revokes among
the rest), each model replayed from position 0 by itself. Beside each, **the floor measured in the
same run**: the rows the model ended with, read back untimed, then written again as fast as
PostgreSQL takes them in bulk, the way the analytics' replay loads its empty table: into empty
tables made \`LIKE\` the model's without indexes with \`COPY … FROM STDIN\` (5,000 rows a
statement), then the model's indexes built once the rows are in, all in one transaction;
or for Redis the same keys and values \`SET\` in one pipeline. CPU times do not move
with the machine's other tenants as much as seconds do: the replay process's own user + system time
(\`process.cpuUsage\`) and that of the PostgreSQL backends serving it (\`/proc/<pid>/stat\`, found by
their \`application_name\`); Redis's is not counted (one server, shared with everything else).
Load average when the probe ended: ${r.loadAverage.map((l) => l.toFixed(1)).join(' / ')} (2 cores).

| Model | events | s | events/s | replay CPU s | PostgreSQL CPU s | events per CPU s (both) | rows at the end | floor s | floor rows/s | × floor time |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows}

- The log as stored: a \`KeyUsed\` row averages ${Math.round(r.keyUsedRowBytes)} bytes (\`pg_column_size\`: envelope and JSONB
  data); with the table's indexes, ${Math.round(r.totalBytesPerEvent)} bytes per event. Writing it took ${r.appendSeconds.toFixed(1)} s.
- A day of ${r.keys.toLocaleString('en-US')} keys each verified in every 60 s window is ${dayEvents.toLocaleString('en-US')} \`KeyUsed\`; at the
  slowest model's rate here (${perSecond(slowest, 1)} events/s) its replay takes about ${Math.round(dayEvents / slowest / 60).toLocaleString('en-US')} minutes per model
  (docs/architecture.md#replay).
`;
}

/** The row of the targets table. */
export function replayTargetRow(r: ReplayProbeResult): string {
  const slowest = r.models.reduce((a, b) => (a.events / a.seconds <= b.events / b.seconds ? a : b));
  const rate = slowest.events / slowest.seconds;
  return `| replay ≥ 50,000 events/s per read model, beside the bulk-insert floor | slowest: ${slowest.model} ${perSecond(slowest.events, slowest.seconds)} events/s (${r.models.map((m) => `${m.model} ${perSecond(m.events, m.seconds)}`).join(', ')}) | ${rate >= 50_000 ? 'met' : '**not met**'} |`;
}

const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text value as COPY's text format reads it back unchanged. */
function copyValue(value: string): string {
  return value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c]);
}
