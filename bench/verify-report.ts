import { DecisionResult } from './decision.probe';
import { GuardResult, GuardRow } from './guarded-consumer.probe';

/**
 * BENCHMARKS.md's sections on verify toward its limit (issue 16): the decision alone, the guard
 * in a consuming service, where verify's time goes, and their rows of the targets table. Kept
 * apart from run-bench.ts's report so each part of the report grows in its own file.
 */

/** The requests/s of the rows the verify targets compare, from the main table of the same run. */
export interface VerifyRatios {
  readonly constantRps: number;
  readonly warmRps: number;
  readonly coldRps: number;
}

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const us = (v: number) => (v < 100 ? v.toFixed(1) : v.toFixed(0));
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

/** The decision probe's rows whose p99.9 the target is about: every round of KeyVerifier.verify. */
const decisionRows = (decision: DecisionResult) => decision.rows.filter((r) => r.scenario.startsWith('KeyVerifier'));

export function verifyTargetRows(ratios: VerifyRatios, guard: GuardResult, decision: DecisionResult): string {
  const warm = ratios.warmRps / ratios.constantRps;
  const cold = ratios.coldRps / ratios.constantRps;
  const guardWarm = guard.warm.guarded.rps / guard.warm.unguarded.rps;
  const guardCold = guard.cold.guarded.rps / guard.cold.unguarded.rps;
  // The hash-only floor beside it: no guard that checks a peppered hash costs less.
  const floor = guard.warm.hashed.rps / guard.warm.unguarded.rps;
  const p999 = decisionRows(decision).map((r) => r.p999);
  return [
    `| verify ≥ 0.8× the bare Fastify route, cache warm | ${warm.toFixed(2)} × | ${verdict(warm >= 0.8)} |`,
    `| verify ≥ 0.8× the bare Fastify route, cache cold | ${cold.toFixed(2)} × | ${verdict(cold >= 0.8)} |`,
    `| the guard ≥ 0.9× the unguarded route's requests/s, cache warm | ${guardWarm.toFixed(2)} × (the hash-only floor ${floor.toFixed(2)} ×; CPU ${us(guard.warm.guarded.cpuUs)}, floor ${us(guard.warm.hashed.cpuUs)}, unguarded ${us(guard.warm.unguarded.cpuUs)} µs) | ${verdict(guardWarm >= 0.9)} |`,
    `| the guard ≥ 0.9× the unguarded route's requests/s, cache cold | ${guardCold.toFixed(2)} × | ${verdict(guardCold >= 0.9)} |`,
    `| the decision's p99.9 < 20 µs (every round) | ${p999.map(us).join(' / ')} µs | ${verdict(p999.every((v) => v < 20))} |`,
  ].join('\n');
}

export function verifySections(guard: GuardResult, decision: DecisionResult): string {
  const guardRow = (r: GuardRow, unguarded: GuardRow) =>
    `| ${r.scenario} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.p999)} | ${(r.rps / unguarded.rps).toFixed(2)} | ${us(r.cpuUs)} | ${us(r.threads.mainUser)} / ${us(r.threads.mainSystem)} / ${us(r.threads.others)} | ${r.requests} | ${r.failed} |`;
  const decisionTable = decision.rows
    .map((r) => `| ${r.scenario} | ${us(r.p50)} | ${us(r.p99)} | ${us(r.p999)} | ${us(r.max)} | ${r.scavenges} | ${r.preempted} | ${r.calls} |`)
    .join('\n');
  return `## The guard in a consuming service

bench/guarded-consumer.server.ts is a service as a team would write one: NestJS 11 on Fastify,
\`KeyVerificationModule\` mounted, \`GET /orders/guarded\` behind \`ApiKeyGuard\` with
\`@RequireKeyRoles('orders:read')\`, and \`GET /orders/unguarded\`, the same handler without it, both
through Nest's own request pipeline. One instance keeps the module's in-process cache (warm),
another runs with \`VERIFY_CACHE_TTL_MS=0\` (cold: every guarded request reads the key service's
Redis). The warm instance has three more routes, each behind a guard that admits every request
after doing one thing:

- \`/orders/admitted\`: nothing. Nest's guard machinery alone (its execution context and async
  guard consumer), so a guarded row's cost splits into Nest's and the guard's own.
- \`/orders/spun\`: a loop of integer multiplies in JavaScript, as many as take one HMAC's time
  when both are timed in a tight loop at the consumer's start. CPU time that touches no memory and
  calls nothing native.
- \`/orders/hashed\`, **the floor**: the presented key read from the headers as ApiKeyGuard reads
  it, and its HMAC-SHA-256 under the pepper computed by the same \`KeyHasher\` \`KeyVerifier\` uses.
  No checksum, no lookup, no decision, no usage count. No guard that checks a peppered hash can
  cost a route less, so ApiKeyGuard's row against this one is what the guard does besides
  hashing, and this row against the unguarded one is what hashing costs the route.

200 keys holding the role, one per connection, round-robin, sent to every route (the unguarded
ones too, so every request is the same bytes but the path); the routes are loaded one after the
other, twice round, and each row is the mean of its two rounds. "Consumer CPU" is the consumer
process's user + system time per request (/proc), split into its main thread's user and system
time and its other threads' (libuv's pool, V8's collector and compiler threads): the figure the
box's other tenants move least, though not by nothing (below).

| Scenario | req/s | p50 | p99 | p99.9 | × unguarded | consumer CPU µs/request | of which main thread user / system / other threads | requests | failed |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${guardRow(guard.warm.unguarded, guard.warm.unguarded)}
${guardRow(guard.warm.admitted, guard.warm.unguarded)}
${guardRow(guard.warm.spun, guard.warm.unguarded)}
${guardRow(guard.warm.hashed, guard.warm.unguarded)}
${guardRow(guard.warm.guarded, guard.warm.unguarded)}
${guardRow(guard.cold.unguarded, guard.cold.unguarded)}
${guardRow(guard.cold.guarded, guard.cold.unguarded)}

**Where the guarded route's CPU goes** (2026-12-04, measured on this box while other work kept
its load average at 9-20, where the unguarded route cost 54-77 µs of CPU per request against 15
on a quiet day; the full run of the same evening, with the box idle, read 60.3, so the box
itself was slow that day: everything below is relative). Two identical warm consumers were loaded at the
same time, one route each, the routes swapped every round (6 rounds of 4 s), so both sides of a
difference saw the same neighbours; medians of the paired differences:

- The requests and responses are the same bytes on every route: the same headers, the key
  included, and the same 36-byte body (\`curl -i\`). Every route makes one \`read\` and one
  \`writev\` per request; the guarded one writes 2-3 bytes more per request, the usage queue's
  once-a-second push to Redis. Voluntary context switches stay near 0.01 per request on every
  route (the process never waits), young-generation collections at 0.84-0.94 per 1,000 requests
  (\`--trace-gc\`; the guarded route 0.1 more), and the threads other than the main one under
  1 µs per request: the difference is the main thread's.
- No extra promise hop: with the cache warm and a key without limits, \`ApiKeyGuard.canActivate\`
  returns a plain \`true\` (\`KeyVerifier.verifyEagerly\`), exactly as the admit-all guard does, and
  Nest's guard consumer awaits nothing for a boolean.
- **The spin guard cost its own time and no more: +2.8 µs per request** over the unguarded route
  (Nest's guard step included; the rounds ranged -4.0 to +9.2). A guard reading the key from the
  headers and nothing else cost the same as the spin guard (-0.4). So a slower route does not by
  itself cost more kernel or other time per request: the earlier explanation here (the response's
  \`writev\` "growing whenever a route is slower") is refuted.
- **The hash-only floor cost +20 µs per request** (10.6 to 25.1; 0.79× the requests/s), against
  the spin guard's +2.8 for the same loop time; in a later pairing under heavier load (the test
  suite running) the floor cost +18 µs more than the spin guard (-9 to +47). A \`perf\` profile (cpu-clock at 2 kHz, \`--perf-basic-prof\`, 5 s of each
  route's load; µs = share of samples × the window's CPU per request: unguarded 59.2, hash-only
  73.5, ApiKeyGuard 79.2) puts the hash-only guard's own inclusive time at 5.3 µs (node's
  \`crypto.hash\` and OpenSSL 2.2, the rest the buffer writes, the fill that wipes the key and the
  digest strings), and the rest of the difference in code the guard does not run: the request's
  parsing and routing +3, the reply's microtask +3, the response's \`writev\` +1.3. A guard that
  touches memory and native code (OpenSSL's digest context, V8's string and buffer paths) leaves
  the rest of the request to run slower after it, where a loop of arithmetic leaves nothing
  behind: what the route pays for the HMAC is its footprint, not its loop time.
- **ApiKeyGuard against the floor: +11.8 µs** (1.0 to 40.8): its inclusive time in the profile is
  8.1 µs (the HMAC 5.1 of it, the checksum, the cache read, the decision and two \`Date.now()\`
  calls the rest), the remainder again spread over the rest of the request.
- Tried against the floor and not kept: SHA-256 written out in JavaScript over the pepper's
  precomputed pad states (no OpenSSL, one compression per half) cost 3.9 µs less in the route
  (-8.7 to +0.9) though 2.5 against 1.4 µs in a loop, but it is a hand-written hash where the
  project takes well-kept libraries; \`KeyHasher\` with JavaScript loops in place of its buffer
  writes and fill cost 2.3-3.2 µs in a loop against 1.4 (worse); \`createHmac\` per call 2.9 and
  \`Hash.copy()\` of pre-keyed hashes 4.0 in a loop. Never tried: anything keyed by the plaintext,
  or a request admitted without its HMAC.

The same day's \`BENCH_ONLY=guard\` run, one route after another as the table is made, read
unguarded 66.4, admit-all 73.3, spin 79.4, hash-only 84.5 and ApiKeyGuard 98.9 µs per request
(0.92×, 0.73×, 0.74×, 0.72× the requests/s), with the unguarded route alone at 59.1 in one round
and 73.7 in the other: on a busy box the rows one after another order the routes but do not
size the differences, which is why the pairing above was used.

**The bar in µs, on a quiet box** (the full run of the evening of 2026-12-04, the table above,
where the box ran about four times faster than that afternoon: the unguarded route 14.8 µs of
CPU per request): 0.9× leaves any guard about 1.6 µs per request. Nest's guard step took 0.1 of
it (admit-all, 1.00×); the spin guard's one HMAC's loop time cost 4.3 (0.81×), the hash-only
floor 2.3 (0.88×), ApiKeyGuard 3.5 (0.82×). The peppered HMAC of the presented key costs 0.7
µs in a loop (\`KeyHasher\`) and 2.2 in the route, more than the whole budget by itself;
ApiKeyGuard's checksum, cache read and decision cost 1.2 beside it, which would fit only next to
an HMAC costing the route under half a microsecond. So the warm guard cannot reach 0.9× of a
route this cheap while it hashes what it is given with node's crypto or any JavaScript hash
tried, and the floor row is the bar any guard of this design meets first; against a route that does
work of its own (tens of µs: a database read, a body to validate) the same 3.5 µs is within 10%.
Tried on this box and not kept: \`@noble/hashes\` 1.8.0 (audited, CommonJS), its HMAC-SHA-256
over pre-keyed states reused without allocation: the same digests at 1.47 µs per call in a loop
against \`KeyHasher\`'s 0.68; \`hash-wasm\` 4.13.0's HMAC, re-initialised per call, 2.25. Cold, every guarded request reads Redis, and that round trip
(ioredis's command, pipeline and timeout timer, the socket write that wakes Redis, the reply's
parse, a record prepared for one verify) costs nearly what the whole unguarded route does
(12.7 against 17.4 µs in that run): cold at 0.9× is out of reach by construction.

## The decision alone

bench/decision.probe.ts, in a process of its own and, in the full run, first, before the broker
and the services are started (it needs none of them): \`KeyVerifier.verifyEagerly\`, what
ApiKeyGuard and the verify route call, over a warm in-process cache (the real
\`CachedValidationLookup\`, 200 keys without limits, usage counted as the guard counts it), no HTTP
and no Redis, timed call by call after a warm-up (a promise, which a warm cache does not give,
would be awaited inside the timed call), beside a bare HMAC-SHA-256 of the same keys under the
same pepper (\`createHmac\`), the least any verify of a peppered hash does. One \`performance.now()\`
per call into a \`Float64Array\` made before the timed calls; keys are flat strings, as a header
gives them. Two interleaved rounds, microseconds; "scavenges" counts the young-generation
collections during the timed calls (what allocation costs the tail), "preempted" the involuntary
context switches (getrusage): each is the process waiting for a core, usually one sample far
above the rest.

| | p50 | p99 | p99.9 | max | scavenges | preempted | calls |
|---|---:|---:|---:|---:|---:|---:|---:|
${decisionTable}

A warm verify of a key without limits allocates about what its HMAC does (\`verify()\` a settled
promise besides; \`verifyEagerly\`, which the probe times, not even that): the checksum is checked in place, the cache is read without a promise
(\`ValidationLookup.peek\`), what verify derives from a record (stream id, parsed expiry, the answers
that depend on the record alone) is prepared once per record object, and a key without limits
does not call the limiter. Before (measured on 2026-12-02 with this probe), a warm verify allocated
about 3 kB (the regex match and Buffer of the checksum, four promises, the answer and its parts):
50 collections in 200,000 calls against 8-10 for the bare HMAC and for verify now; its p50 was
4.3-4.6 µs and its p99 61-131 µs, against 2.6 µs and 11.6-11.9 µs after (the bare HMAC: 1.6 and
9.4-9.9 µs in the same runs; the HMAC inside verify is the cheaper one-shot form). With a collection only every 20,000 calls or so, a p99.9
far above the p99 is the process waiting for a core on a busy box (the bare HMAC's shows the same),
not the decision.

Measured 2026-12-02 on this box (load average 8-12 from other work, \`BENCH_ONLY=decision\`): before
this round, with \`process.hrtime.bigint()\` and every call awaited, verify's p50 was 2.2 µs, its
p99.9 27-38 µs, 16 scavenges per 200,000 calls (the bare HMAC's: 1.3 µs, 8.5-25 µs, 15-17); after,
verifyEagerly's p50 is 1.4-1.6 µs (the checksum reads each character once, over an integer CRC
table), 6-7 scavenges like the bare HMAC's, and its p99.9 11.7-15.6 µs in the rounds preempted
fewer than 200 times, 34-49 µs in those preempted 219-340 times. A p99.9 is the 200th slowest of
200,000 samples, so it can stay under 20 µs only while the process loses its core fewer than
about 200 times during the calls: on this box that is the other tenants' doing, which the preempted
column shows beside each row; the decision itself is the p99 (about 2 µs).

## Where verify's time goes

${WHERE_VERIFY_TIME_GOES}
`;
}

/**
 * From CPU profiles of the warm instance and the bare route under BENCH_ONLY=verify
 * (BENCH_NODE_ARGS='--cpu-prof'), summed by bench/cpu-profile-stages.ts. Prose, measured by hand:
 * a profile is not part of every run.
 */
const WHERE_VERIFY_TIME_GOES = `CPU profiles under \`BENCH_ONLY=verify\` (2026-12-02, on this box busy with other helpers' work, load
average 10 to 17; \`BENCH_NODE_ARGS='--cpu-prof'\`), summed by \`bench/cpu-profile-stages.ts\`: each
sample charged to the innermost frame that names a stage, from the first request on, idle left
out. The µs are the stage's share of the CPU the process spent per request in that run (from
/proc): the warm verify 44.5 µs, the bare route 56.1 µs; before the front door (below), profiled the
same way: the warm verify 88.7 µs, the bare route 56.4 µs. Profiling inflates every figure; the
shares and the ratios are what carries over.

| Stage | share | µs per request | before the front door | the bare route |
|---|---:|---:|---:|---:|
| node's HTTP parser, sockets, streams, events (reading the request, writing the answer) | 63% | 28.1 | 50.9 | 33.8 |
| garbage collection | 17% | 7.5 | 14.1 | 14.2 |
| Fastify: routing, hooks, reply, Nest's adapter hooks (now: start-up requests and \`/health\` only) | 1% | 0.3 | 5.1 | 3.0 |
| Fastify's body parser binding an \`AsyncResource\` per request (node 20's \`deprecate\` wrappers) | 0% | 0.1 | 3.1 | 1.8 |
| runtime (V8, outside any JavaScript frame) | 3% | 1.4 | 3.2 | 2.4 |
| checksum + HMAC | 2% | 1.1 | 3.0 | 0 |
| body parse and checks: JSON, depth and duplicate keys, ajv, the text rule | 2% | 0.8 | 2.3 | 0.8 |
| the decision (\`KeyVerifier\`) | 1% | 0.5 | 0.7 | 0 |
| metrics (the duration histogram, the lookup counter) | 2% | 0.7 | 1.3 | 0 |
| Redis client (the invalidation bus, usage flushes: not on the request) | 1% | 0.3 | 0.4 | 0 |
| cache lookup, usage counting, serialization (fast-json-stringify), the front door's reading and writing | 4% | 1.7 | 2.2 | 0 |
| other: the start-up's key creation (Nest, class-validator), Kafka and PostgreSQL clients | 5% | 2.1 | 2.4 | 0.1 |

Fastify's own frames were never the bulk (about 8 µs before, parser included), but what it makes
node do and allocate per request was: its request and reply objects, the body read through a
stream decoder behind an \`AsyncResource\`, listeners on the response for its \`onResponse\` hooks,
the async handler's promise. The innermost-frame rule charges those to node and to the collector,
which is where the saving shows: 51 to 28 µs of node's work, 14 to 7.5 µs of collection. Verify
now answers its plain requests before Fastify (\`apps/key-service/src/http/front-door.ts\`,
Fastify's \`serverFactory\`): a POST to exactly \`/v1/keys/verify\` with content-type
\`application/json\` (or with \`; charset=utf-8\`) and a content-length within
\`BODY_LIMIT_BYTES\` is read from node's request, put through every check Fastify's route
applies (the same JSON parser, depth and duplicate keys, ajv, the text rule, the access context),
verified, and written with the same serializer and headers; any other request, and any body a
check refuses, goes to the Fastify route with its body replayed, so every refusal is Fastify's, word for word (\`test/e2e/verify-front-door.e2e.spec.ts\`
compares the two answers, headers included). Verify's own work, checksum to serialization, is
about 11% of its process's time, and the process now spends less per request than the bare
Fastify route's. Unprofiled, \`BENCH_ONLY=verify\` with 5 s loads, each figure the mean of the
bench's two loads, the same day: before, the warm verify 69.5 µs against the bare route's 48.0
(1.45×), cold 82.9 (1.73×), 0.75× and 0.60× its requests/s; after, in five runs, warm 0.72× to
0.89× the bare route's CPU, cold 0.82× to 1.03×, and 0.96× to 1.3× its requests/s warm, 0.81× to
1.4× cold. Done before (the decision probe above shows the first three):
the checksum without a regex or a Buffer, a warm cache read without a promise, the record's
derivations and answers made once per record; the HMAC over node's one-shot hash (1.0 against
2.2 µs of CPU per call, 160 against 270 bytes); the histogram's and counter's labelled children
taken once; the reply not awaited; Fusion's \`preParsing\` hook callback-style.`;
