import type { BulkRow, LoadRow } from './command-loads';
import type { OutageResult } from './kafka-outage.probe';
import { CLOCK_TICKS_PER_SECOND, CpuSample } from './process-cpu';

/** The command rows of one run: the floor, single create and revoke, the bulk loads, the outage. */
export interface CommandRuns {
  readonly floor: LoadRow;
  readonly create: LoadRow;
  readonly revoke: LoadRow | undefined;
  readonly bulk: readonly BulkRow[];
  readonly outage?: OutageResult;
}

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
const isBulk = (row: LoadRow | BulkRow): row is BulkRow => 'itemsPerRequest' in row;

/** Single create and revoke against the floor: ≥ 0.5× its requests/s, p50 within 3× its p50. */
function againstFloor(row: LoadRow, floor: LoadRow): { rps: number; p50: number; ok: boolean } {
  const rps = row.rps / floor.rps;
  const p50 = row.p50 / Math.max(floor.p50, 0.01);
  return { rps, p50, ok: rps >= 0.5 && p50 <= 3 };
}

/** An outage leaves latency unchanged when its p50 stays within 1.5× the same load's with Kafka up (this box's run-to-run noise). */
function outageHolds(o: OutageResult): boolean {
  return o.down.failed === 0 && o.eventsOnTopic === o.eventsInStore && o.down.p50 <= 1.5 * Math.max(o.up.p50, 1);
}

/** The "Commands" section of BENCHMARKS.md. */
export function commandsReport(c: CommandRuns, durationSeconds: number): string {
  const line = (row: LoadRow | BulkRow) => {
    const keys = isBulk(row) ? row.keysPerSecond.toFixed(0) : row === c.floor ? '–' : row.rps.toFixed(0);
    // A bulk request is not one command: its ratios to the floor would compare unlike things.
    const f = isBulk(row) ? { rps: '–', p50: '–' } : { rps: againstFloor(row, c.floor).rps.toFixed(2), p50: againstFloor(row, c.floor).p50.toFixed(2) };
    const rps = row.rps < 10 ? row.rps.toFixed(1) : row.rps.toFixed(0);
    return `| ${row.scenario} | ${rps} | ${keys} | ${ms(row.p50)} | ${ms(row.p99)} | ${f.rps} | ${f.p50} | ${row.requests} | ${row.failed} |`;
  };
  const rows = [c.floor, c.create, ...(c.revoke ? [c.revoke] : []), ...c.bulk].map(line).join('\n');
  const o = c.outage;
  const outage = o
    ? `
## Commands during a Kafka outage

The create load above, run again with the bench's own broker up, then with it stopped
(\`tools/kafka/kafka.sh stop\`, its data kept), then the broker started again
(\`start --keep-data\`) and the topic read from the beginning by a consumer of its own until every
event of the store was on it (each event id counted once: the relay publishes at least once).

| Create, ${durationSeconds} s | req/s | p50 | p99 | p99.9 | requests | failed |
|---|---:|---:|---:|---:|---:|---:|
| Kafka up | ${o.up.rps.toFixed(0)} | ${ms(o.up.p50)} | ${ms(o.up.p99)} | ${ms(o.up.p999)} | ${o.up.requests} | ${o.up.failed} |
| Kafka broker stopped | ${o.down.rps.toFixed(0)} | ${ms(o.down.p50)} | ${ms(o.down.p99)} | ${ms(o.down.p999)} | ${o.down.requests} | ${o.down.failed} |

Events on the topic after it came back: **${o.eventsOnTopic} of ${o.eventsInStore}** (every event of
the store, the outage's included), ${o.catchUpSeconds.toFixed(1)} s after the restart began, of which
${o.brokerStartSeconds.toFixed(1)} s were the broker starting.
`
    : '';
  return `## Commands against their floor

The command floor (bench/command-floor.server.ts) is a bare Fastify route committing one row to
PostgreSQL in one transaction (\`BEGIN; INSERT; COMMIT\` over \`pg\`, a pool of 10 as the
service's), loaded exactly as create is: the same body, connections and duration, in the same
run. "× floor" is requests/s over the floor's; "p50 ÷ floor" the p50 over its p50. Latency in
milliseconds, client side.

For the bulk rows a request carries many keys: keys/s is what a migration waits on, and every key
of every request must be created (a request with one item failed counts as failed). A bulk load
is a fixed 6,000 keys (60 requests of 100, or 6 of 1,000), its rates taken over the wall time of
the whole load: a request of 1,000 keys can take seconds here, longer than a duration-bound load
would wait for. Bulk items carry a name, a description, two roles, an owner, an environment, two
annotations and a rate limit; imports also a SHA-256 hash (base64) and a prefix.

| Scenario | req/s | keys/s | p50 | p99 | × floor | p50 ÷ floor | requests | failed |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${rows}
${outage}`;
}

/** The rows of the targets table that are about commands (issue 16). */
export function commandTargetRows(c: CommandRuns): string[] {
  const out: string[] = [];
  for (const [name, row] of [
    ['create', c.create],
    ['revoke', c.revoke],
  ] as const) {
    if (!row) continue;
    const f = againstFloor(row, c.floor);
    out.push(
      `| single ${name} ≥ 0.5× the command floor's requests/s, p50 ≤ 3× its p50 | ${f.rps.toFixed(2)}×, p50 ${ms(row.p50)} ms = ${f.p50.toFixed(2)}× the floor's ${ms(c.floor.p50)} ms | ${verdict(f.ok)} |`,
    );
  }
  const batches = c.bulk.filter((b) => b.scenario.startsWith('batch'));
  const imports = c.bulk.filter((b) => b.scenario.startsWith('import'));
  const best = (rows: readonly BulkRow[]) => rows.reduce<BulkRow | undefined>((a, b) => (a && a.keysPerSecond >= b.keysPerSecond ? a : b), undefined);
  const bulkTarget = (name: string, rows: readonly BulkRow[], target: number) => {
    const top = best(rows);
    if (!top) return;
    const failed = rows.reduce((n, r) => n + r.failed, 0);
    out.push(
      `| ${name} ≥ ${target.toLocaleString('en')} keys/s end to end, every item succeeding | ${top.keysPerSecond.toFixed(0)} keys/s (${top.itemsPerRequest} per request); failed requests ${failed} | ${verdict(top.keysPerSecond >= target && failed === 0)} |`,
    );
  };
  bulkTarget('batch create', batches, 1000);
  bulkTarget('import', imports, 2000);
  const o = c.outage;
  if (o)
    out.push(
      `| commands during a Kafka outage: latency unchanged, zero failures, every event on the topic after it comes back | create p50 ${ms(o.down.p50)} / p99 ${ms(o.down.p99)} ms with the broker stopped, ${ms(o.up.p50)} / ${ms(o.up.p99)} ms with it up; failed ${o.down.failed}; ${o.eventsOnTopic} of ${o.eventsInStore} events on the topic | ${verdict(outageHolds(o))} |`,
    );
  return out;
}

/** The "CPU time per request" section: every process group's microseconds, per request (per key for bulk rows). */
export function cpuReport(rows: readonly (LoadRow | BulkRow)[], idle?: CpuSample): string {
  const measured = rows.filter((r) => r.cpu);
  if (measured.length === 0) return '';
  const groups = [...(measured[0].cpu as ReadonlyMap<string, number>).keys()];
  const header = `| Scenario | ${groups.join(' | ')} |\n|---|${groups.map(() => '---:').join('|')}|`;
  const body = measured
    .map((r) => {
      const per = isBulk(r) ? r.itemsPerRequest : 1;
      const cells = groups.map((g) => ((r.cpu?.get(g) ?? 0) / per).toFixed(1));
      return `| ${r.scenario}${per > 1 ? ' (per key)' : ''} | ${cells.join(' | ')} |`;
    })
    .join('\n');
  return `## CPU time per request

Microseconds of CPU (user + system, from \`/proc/<pid>/stat\`, clock ticks of ${(1000 / CLOCK_TICKS_PER_SECOND).toFixed(0)} ms) each
process used during a load, divided by the requests it served (by the keys, for batch and import).
Unlike requests/s this hardly moves with the box's other tenants. Every process is read over
every load, so a process off a scenario's path still shows its idle time (the Kafka broker and the
projector poll; the services flush usage), spread over that load's requests.

- "PostgreSQL backends": the server processes of every connection the bench's processes hold
  (found by their client ports in \`pg_stat_activity\`), the leader-lock sessions included. Not
  counted: PostgreSQL's shared processes (checkpointer, background and WAL writers, autovacuum),
  which serve the other databases on this shared server as well.
- "Redis": the bench's own redis-server (the services, the projector and the baselines all use it).
- "baseline / floor servers": the bare Fastify baseline, the revocation floor pair and the command
  floor, in their separate processes.
- Not counted: the load generator (autocannon, in the bench's own process), which competes for the
  same two cores.
- The two create rows of the outage probe tell the command's own CPU from the pipeline's behind
  it: with the broker stopped, the relay publishes nothing and the projector applies nothing, so
  what create costs with the broker up and not with it down is the relay, the broker, the
  projector and their PostgreSQL reads and writes, per event, later.

${header}
${body}
${idle ? `\nIdle, before the first load, the same processes used (milliseconds of CPU per second): ${[...idle.seconds].map(([g, sec]) => `${g} ${((1000 * sec) / idle.wallSeconds).toFixed(1)}`).join(', ')}.\n` : ''}`;
}

/** Prints the CPU columns of `rows`, for the BENCH_ONLY modes. */
export function printCpu(rows: readonly (LoadRow | BulkRow)[]): void {
  for (const r of rows) {
    if (!r.cpu) continue;
    const per = isBulk(r) ? r.itemsPerRequest : 1;
    const cells = [...r.cpu].map(([g, v]) => `${g} ${(v / per).toFixed(1)}`).join(', ');
    process.stdout.write(`CPU µs per ${per > 1 ? 'key' : 'request'}, ${r.scenario}: ${cells}\n`);
  }
}
