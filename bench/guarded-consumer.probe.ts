import autocannon from 'autocannon';
import { BenchProcess, spawnNode, waitForHttp } from './bench-processes';
import { processCpuMicros, ThreadCpu, threadCpuMicros } from './process-cpu';

/**
 * The guard measured where it is used (bench/guarded-consumer.server.ts): the guarded route and
 * the same route unguarded, on a consumer with the module's cache (warm) and one without (cold,
 * every guarded request reads Redis), loaded one after the other in alternating rounds.
 */

export interface GuardRow {
  readonly scenario: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly requests: number;
  /** Errors, timeouts, statuses other than 200 and bodies other than the route's. */
  readonly failed: number;
  /** The consumer process's CPU time (user + system) per request, µs: what the box's other tenants move least. */
  readonly cpuUs: number;
  /** The same time per request, split: the main thread's user and system time, and the other threads' (libuv pool, V8's GC and compiler helpers). */
  readonly threads: ThreadCpu;
}

export interface GuardResult {
  /** Per cache mode, the mean over the rounds of each route's requests/s. */
  readonly warm: { readonly guarded: GuardRow; readonly unguarded: GuardRow; readonly admitted: GuardRow; readonly hashed: GuardRow; readonly spun: GuardRow };
  readonly cold: { readonly guarded: GuardRow; readonly unguarded: GuardRow };
  /** Every run, in the order it ran. */
  readonly runs: readonly GuardRow[];
}

export interface GuardOptions {
  /** REDIS_URL, REDIS_KEY_PREFIX, KEY_PEPPER, DATABASE_URL of the key service. */
  readonly env: Record<string, string>;
  readonly ports: { readonly warm: number; readonly cold: number };
  readonly logDir: string;
  /** Plaintexts of valid keys holding the role `orders:read`. */
  readonly keys: readonly string[];
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Alternating rounds; each round loads every route of both consumers once. */
  readonly rounds?: number;
}

const UNGUARDED_WARM = 'consumer, unguarded route (cache on)';
const ADMITTED = "consumer, route behind a guard that admits every request (Nest's guard machinery alone)";
const HASHED = 'consumer, route behind a guard that only hashes the key (HMAC-SHA-256 under the pepper) and admits: the floor';
const SPUN = "consumer, route behind a guard that spins as long as one HMAC takes in a loop, in pure JavaScript, and admits";
const GUARDED_WARM = 'consumer, route guarded by ApiKeyGuard + role, cache warm';
const UNGUARDED_COLD = 'consumer, unguarded route (cache off)';
const GUARDED_COLD = 'consumer, route guarded by ApiKeyGuard + role, cache cold (every request reads Redis)';

async function load(scenario: string, url: string, pid: number, keys: readonly string[], connections: number, duration: number): Promise<GuardRow> {
  let next = 0;
  const cpuBefore = processCpuMicros(pid);
  const threadsBefore = threadCpuMicros(pid);
  const result = await autocannon({
    url,
    method: 'GET',
    connections,
    duration,
    // One key per connection, round-robin, like the verify rows' bodies.
    setupClient: (client) => client.setHeaders({ 'x-api-key': keys[next++ % keys.length] }),
    verifyBody: (body: string) => body.includes('"orders"'),
  } as autocannon.Options);
  const wrongStatus = Object.entries(result.statusCodeStats ?? {})
    .filter(([status]) => Number(status) !== 200)
    .reduce((n, [, s]) => n + (s as { count: number }).count, 0);
  return {
    scenario,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    requests: result.requests.total,
    failed: result.errors + result.timeouts + wrongStatus + (result.mismatches ?? 0),
    cpuUs: (processCpuMicros(pid) - cpuBefore) / Math.max(1, result.requests.total),
    threads: perRequest(threadsBefore, threadCpuMicros(pid), result.requests.total),
  };
}

function perRequest(before: ThreadCpu, after: ThreadCpu, requests: number): ThreadCpu {
  const each = (micros: number) => micros / Math.max(1, requests);
  return { mainUser: each(after.mainUser - before.mainUser), mainSystem: each(after.mainSystem - before.mainSystem), others: each(after.others - before.others) };
}

export async function measureGuard(options: GuardOptions): Promise<GuardResult> {
  const processes: BenchProcess[] = [
    spawnNode('guarded-consumer-warm', 'bench/guarded-consumer.server.js', { ...options.env, PORT: String(options.ports.warm) }, options.logDir),
    spawnNode('guarded-consumer-cold', 'bench/guarded-consumer.server.js', { ...options.env, PORT: String(options.ports.cold), VERIFY_CACHE_TTL_MS: '0' }, options.logDir),
  ];
  try {
    const warmBase = `http://127.0.0.1:${options.ports.warm}/orders`;
    const coldBase = `http://127.0.0.1:${options.ports.cold}/orders`;
    await Promise.all([waitForHttp(`${warmBase}/unguarded`), waitForHttp(`${coldBase}/unguarded`)]);
    const [warmPid, coldPid] = processes.map((p) => p.child.pid ?? 0);
    const plan: Array<[scenario: string, url: string, pid: number]> = [
      [UNGUARDED_WARM, `${warmBase}/unguarded`, warmPid],
      [ADMITTED, `${warmBase}/admitted`, warmPid],
      [HASHED, `${warmBase}/hashed`, warmPid],
      [SPUN, `${warmBase}/spun`, warmPid],
      [GUARDED_WARM, `${warmBase}/guarded`, warmPid],
      [UNGUARDED_COLD, `${coldBase}/unguarded`, coldPid],
      [GUARDED_COLD, `${coldBase}/guarded`, coldPid],
    ];
    const runs: GuardRow[] = [];
    for (let round = 0; round < (options.rounds ?? 2); round++) {
      for (const [scenario, url, pid] of plan) {
        await load('warm-up', url, pid, options.keys, options.connections, options.warmupSeconds);
        const row = await load(scenario, url, pid, options.keys, options.connections, options.durationSeconds);
        const t = row.threads;
        process.stdout.write(
          `${scenario}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, ${row.cpuUs.toFixed(1)} µs CPU per request (main thread user ${t.mainUser.toFixed(1)}, system ${t.mainSystem.toFixed(1)}, other threads ${t.others.toFixed(1)}), failed ${row.failed}\n`,
        );
        runs.push(row);
      }
    }
    const merged = (scenario: string): GuardRow => {
      const of = runs.filter((r) => r.scenario === scenario);
      const mean = (f: (r: GuardRow) => number) => of.reduce((n, r) => n + f(r), 0) / of.length;
      return {
        scenario,
        rps: mean((r) => r.rps),
        p50: mean((r) => r.p50),
        p99: mean((r) => r.p99),
        p999: mean((r) => r.p999),
        requests: of.reduce((n, r) => n + r.requests, 0),
        failed: of.reduce((n, r) => n + r.failed, 0),
        cpuUs: mean((r) => r.cpuUs),
        threads: { mainUser: mean((r) => r.threads.mainUser), mainSystem: mean((r) => r.threads.mainSystem), others: mean((r) => r.threads.others) },
      };
    };
    return {
      warm: { unguarded: merged(UNGUARDED_WARM), admitted: merged(ADMITTED), hashed: merged(HASHED), spun: merged(SPUN), guarded: merged(GUARDED_WARM) },
      cold: { unguarded: merged(UNGUARDED_COLD), guarded: merged(GUARDED_COLD) },
      runs,
    };
  } finally {
    for (const p of processes.reverse()) await p.stop();
  }
}

export function printGuard(result: GuardResult): void {
  for (const [mode, r] of [
    ['warm', result.warm],
    ['cold', result.cold],
  ] as const)
    process.stdout.write(
      `guard, cache ${mode}: guarded ${r.guarded.rps.toFixed(0)} req/s against unguarded ${r.unguarded.rps.toFixed(0)} req/s: ${(r.guarded.rps / r.unguarded.rps).toFixed(2)}×; CPU per request ${r.guarded.cpuUs.toFixed(1)} against ${r.unguarded.cpuUs.toFixed(1)} µs\n`,
    );
  const { admitted, hashed, spun, unguarded } = result.warm;
  const beside: Array<[label: string, row: GuardRow]> = [
    ["Nest's guard machinery alone", admitted],
    ['the floor (a guard that only hashes the key)', hashed],
    ["a guard spinning one HMAC's loop time", spun],
  ];
  for (const [label, row] of beside)
    process.stdout.write(
      `${label}: ${row.rps.toFixed(0)} req/s, ${(row.rps / unguarded.rps).toFixed(2)}×; CPU per request ${row.cpuUs.toFixed(1)} against ${unguarded.cpuUs.toFixed(1)} µs\n`,
    );
}

/** Keys the guarded route admits: created through the key service, each holding `orders:read`. */
export async function createGuardKeys(keyServiceUrl: string, rootKey: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
        const response = await fetch(`${keyServiceUrl}/v1/keys`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': rootKey },
          body: JSON.stringify({ name: `guard bench ${i + j}`, roles: ['orders:read'] }),
        });
        if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
        return ((await response.json()) as { key: string }).key;
      }),
    );
    keys.push(...batch);
  }
  return keys;
}
