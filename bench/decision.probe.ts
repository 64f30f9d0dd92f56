import { createHmac, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { constants, performance, PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { CachedValidationLookup, generateSecret, InMemoryUsageLimiter, KeyHasher, KeyVerifier, RedisUsageQueue, ValidationLookup, ValidationRecord, VerifyResult } from '@key-service/verifier';
import type { Redis } from 'ioredis';

/**
 * The decision alone: KeyVerifier over a warm in-process cache, no HTTP, no Redis, timed call by
 * call beside a bare HMAC-SHA-256 of the same keys (node's createHmac under the same pepper), the
 * least any verify of a peppered hash can do. Run in a process of its own (a clean heap: the
 * bench's own autocannon garbage would show in the tail), `BENCH_ONLY=decision` or the full run,
 * where it runs first, before the broker and the services are started (it needs none of them, and
 * their idle polling would preempt it).
 *
 * The probe keeps its own cost out of the tail: one clock read per call (performance.now(), a
 * double, where process.hrtime.bigint() made BigInts), samples written into a Float64Array made
 * before the timed calls, and a call awaited only when it answers with a promise. What it cannot
 * keep out, the process losing its core to another, it counts: the involuntary context switches
 * during the timed calls (getrusage), beside the scavenges.
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
  /**
   * Involuntary context switches during the timed calls: each is a moment the process waited for a
   * core (on a busy box, the other tenants), and usually one sample far above the rest.
   */
  readonly preempted: number;
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

function summarize(scenario: string, samples: Float64Array, scavenges: number, preempted: number): DecisionRow {
  // Sorted in place: the samples are not needed in call order afterwards.
  const sorted = samples.sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { scenario, calls: sorted.length, p50: at(50), p99: at(99), p999: at(99.9), max: sorted[sorted.length - 1], scavenges, preempted };
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
  // Flat strings, as a key arrives from a request's header: generateSecret's concatenation is a
  // cons string, every character of which is read through an indirection.
  const plaintexts = Array.from({ length: KEYS }, () => Buffer.from(generateSecret('sk').plaintext, 'latin1').toString('latin1'));
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

  type Answer = string | VerifyResult;
  const check = (result: Answer) => {
    if (typeof result === 'string') sink += result.length;
    else if (result.valid) sink++;
    else throw new Error(`the probe's key answered ${result.code}`);
  };
  // A call is awaited only when it answers with a promise (a warm verifyEagerly does not): an await
  // of a plain value would add a microtask and a promise of the probe's own to every sample.
  const time = async (scenario: string, call: (plaintext: string) => Answer | Promise<VerifyResult>): Promise<DecisionRow> => {
    for (let i = 0; i < warmupCalls; i++) {
      const result = call(plaintexts[i % KEYS]);
      check(result instanceof Promise ? await result : result);
    }
    const samples = new Float64Array(calls);
    await new Promise((resolve) => setImmediate(resolve));
    const before = gc.count();
    const switchesBefore = process.resourceUsage().involuntaryContextSwitches;
    // One clock read per call: each sample runs from the end of the previous call to the end of this one.
    let last = performance.now();
    for (let i = 0; i < calls; i++) {
      let result = call(plaintexts[i % KEYS]);
      if (result instanceof Promise) result = await result;
      check(result);
      const now = performance.now();
      samples[i] = (now - last) * 1000;
      last = now;
    }
    const preempted = process.resourceUsage().involuntaryContextSwitches - switchesBefore;
    await new Promise((resolve) => setTimeout(resolve, 50));
    return summarize(scenario, samples, gc.count() - before, preempted);
  };

  // verifyEagerly is what ApiKeyGuard and the verify route call: the answer itself over a warm
  // cache, a promise otherwise (awaited above, so a miss would be timed end to end).
  const decide = (plaintext: string) => verifier.verifyEagerly(plaintext);
  const decideWithRole = (plaintext: string) => verifier.verifyEagerly(plaintext, READ);
  const hmac = (plaintext: string) => bareHmac(plaintext);
  const gc = scavengeCounter();
  const rows: DecisionRow[] = [];
  // Interleaved twice, so a drift of the shared box shows as a drift, not as a difference.
  for (let round = 0; round < 2; round++) {
    rows.push(await time('bare HMAC-SHA-256 of the key (createHmac, base64url)', hmac));
    rows.push(await time('KeyVerifier.verifyEagerly, cache warm, no roles required', decide));
    rows.push(await time('KeyVerifier.verifyEagerly, cache warm, one role required', decideWithRole));
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
    process.stdout.write(`${r.scenario}: p50 ${r.p50.toFixed(1)} µs, p99 ${r.p99.toFixed(1)} µs, p99.9 ${r.p999.toFixed(1)} µs, max ${r.max.toFixed(0)} µs (${r.calls} calls, ${r.scavenges} scavenges, ${r.preempted} preempted)\n`);
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
