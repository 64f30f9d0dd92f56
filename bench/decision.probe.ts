import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { constants, PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { CachedValidationLookup, generateSecret, InMemoryUsageLimiter, KeyHasher, KeyVerifier, RedisUsageQueue, ValidationLookup, ValidationRecord, VerifyResult } from '@key-service/verifier';
import type { Redis } from 'ioredis';

/**
 * The decision alone: KeyVerifier over a warm in-process cache, no HTTP, no Redis, timed call by
 * call beside a bare HMAC-SHA-256 of the same keys (node's createHmac under the same pepper), the
 * least any verify of a peppered hash can do. Run in a process of its own (a clean heap: the
 * bench's own autocannon garbage would show in the tail), `BENCH_ONLY=decision` or the full run.
 */

export interface DecisionRow {
  readonly scenario: string;
  readonly calls: number;
  /** Microseconds. */
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
  /** Young-generation collections (scavenges) during the timed calls: what allocation costs the tail. */
  readonly scavenges: number;
}

export interface DecisionResult {
  readonly rows: readonly DecisionRow[];
}

const KEYS = 200;
const READ = ['read'];

/** The validation model as a map: the cache in front of it is warm, so it is read once per key. */
class MapLookup implements ValidationLookup {
  constructor(private readonly records: ReadonlyMap<string, ValidationRecord>) {}
  async lookup(hash: string): Promise<ValidationRecord | null> {
    return this.records.get(hash) ?? null;
  }
}

const record = (i: number): ValidationRecord => ({
  keyId: `key_${i.toString().padStart(8, '0')}`,
  tenant: 'default',
  name: `decision probe ${i}`,
  status: 'ACTIVE',
  roles: ['read', 'write'],
  expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  validUntil: null,
  rateLimit: null,
  quota: null,
  quotaSetAt: null,
  version: 1,
});

function summarize(scenario: string, samples: Float64Array, scavenges: number): DecisionRow {
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { scenario, calls: sorted.length, p50: at(50), p99: at(99), p999: at(99.9), max: sorted[sorted.length - 1], scavenges };
}

/** Counts scavenges as the GC reports them; entries arrive after the fact, so read it after a turn of the event loop. */
function scavengeCounter(): { count: () => number; stop: () => void } {
  let scavenges = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
  });
  observer.observe({ entryTypes: ['gc'] });
  return { count: () => scavenges, stop: () => observer.disconnect() };
}

/** Runs in this process; what `decision.probe.js` does when run as a script. */
export async function measureDecisionHere(calls = 200_000, warmupCalls = 50_000): Promise<DecisionResult> {
  const pepper = randomBytes(32).toString('hex');
  const hasher = new KeyHasher(pepper);
  const plaintexts = Array.from({ length: KEYS }, () => generateSecret('sk').plaintext);
  const records = new Map(plaintexts.map((p, i) => [hasher.hash(p), record(i)]));
  // What ApiKeyGuard's module reports to: usage counted in memory, pushed to Redis by a timer that never runs here.
  const usage = new RedisUsageQueue({} as Redis, 'decision:usage:');
  const verifier = new KeyVerifier({
    hasher,
    lookup: new CachedValidationLookup(new MapLookup(records)),
    limiter: new InMemoryUsageLimiter(),
    onOutcome: (streamId, code) => code === 'VALID' && usage.record(streamId),
  });
  const pepperBytes = Buffer.from(pepper, 'utf8');
  let sink = 0;
  const bareHmac = (plaintext: string) => createHmac('sha256', pepperBytes).update(plaintext, 'utf8').digest('base64url');

  // Each call is awaited, the bare HMAC's too, so both pay the same await; nothing else runs in the timed span.
  const time = async (scenario: string, call: (plaintext: string) => string | Promise<VerifyResult>): Promise<DecisionRow> => {
    for (let i = 0; i < warmupCalls; i++) await call(plaintexts[i % KEYS]);
    const samples = new Float64Array(calls);
    await new Promise((resolve) => setImmediate(resolve));
    const before = gc.count();
    for (let i = 0; i < calls; i++) {
      const plaintext = plaintexts[i % KEYS];
      const start = process.hrtime.bigint();
      const result = await call(plaintext);
      samples[i] = Number(process.hrtime.bigint() - start) / 1000;
      if (typeof result === 'string') sink += result.length;
      else if (result.valid) sink++;
      else throw new Error(`the probe's key answered ${result.code}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    return summarize(scenario, samples, gc.count() - before);
  };

  const decide = (plaintext: string) => verifier.verify(plaintext);
  const decideWithRole = (plaintext: string) => verifier.verify(plaintext, READ);
  const hmac = (plaintext: string) => bareHmac(plaintext);
  const gc = scavengeCounter();
  const rows: DecisionRow[] = [];
  // Interleaved twice, so a drift of the shared box shows as a drift, not as a difference.
  for (let round = 0; round < 2; round++) {
    rows.push(await time('bare HMAC-SHA-256 of the key (createHmac, base64url)', hmac));
    rows.push(await time('KeyVerifier.verify, cache warm, no roles required', decide));
    rows.push(await time('KeyVerifier.verify, cache warm, one role required', decideWithRole));
  }
  gc.stop();
  if (sink === 0) throw new Error('unreachable: keeps the calls from being optimised away');
  return { rows };
}

/** Runs the probe in a fresh node process (dist/bench/decision.probe.js) and returns what it measured. */
export function measureDecision(): DecisionResult {
  const out = execFileSync(process.execPath, ['-r', join(__dirname, '..', '..', 'tools/register-paths.js'), join(__dirname, 'decision.probe.js')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out) as DecisionResult;
}

export function printDecision(result: DecisionResult): void {
  for (const r of result.rows)
    process.stdout.write(`${r.scenario}: p50 ${r.p50.toFixed(1)} µs, p99 ${r.p99.toFixed(1)} µs, p99.9 ${r.p999.toFixed(1)} µs, max ${r.max.toFixed(0)} µs (${r.calls} calls, ${r.scavenges} scavenges)\n`);
}

if (require.main === module) {
  measureDecisionHere().then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error: unknown) => {
      process.stderr.write(`decision probe failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
