import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { generateSecret } from '@key-service/verifier';
import { BenchProcess, kafkaBroker, redisServer, spawnNode, waitForHttp } from './bench-processes';
import { BulkRow, batchLoad, CREATE_BODY, CREATE_CONNECTIONS, floorLoad, importLoad } from './command-loads';
import { commandsReport, CommandRuns, commandTargetRows, cpuReport, printCpu } from './command-report';
import { measureKafkaOutage, OutageResult } from './kafka-outage.probe';
import { CpuSample, fixedPid, microsecondsPerRequest, postgresBackendsOf, ProcessCpuMeter, processCpuMicros } from './process-cpu';
import { pacedLoad } from './paced-load.generator';
import { measureRevocationVisibility, VisibilityResult } from './revocation-visibility.probe';
import { LongHistoryResult, measureLongHistoryLoad } from './long-history-load.probe';
import { HistogramSeries, parseHistogram } from './prometheus-histogram';
import { renderReplaySection, replayProbe, ReplayProbeResult, replayTargetRow } from './replay.probe';
import { DecisionResult, measureDecision, printDecision } from './decision.probe';
import { createGuardKeys, GuardResult, measureGuard, printGuard } from './guarded-consumer.probe';
import { verifySections, verifyTargetRows } from './verify-report';

/**
 * `npm run bench`: the distributed mode on this machine (PostgreSQL, Redis, a Kafka broker of its
 * own, two key-service instances and the projector, each its own process), driven over loopback
 * by autocannon, beside a bare Fastify baseline measured in the same run. Writes BENCHMARKS.md.
 */

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Unset: the bench starts a redis-server of its own (its CPU time is then the bench's alone). */
const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL;
const DURATION = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROOT_KEY = `bench-root-${randomBytes(16).toString('hex')}`;
/**
 * `revocation`: only the revocation probe; `paced`: only the constant-rate runs at BENCH_RATE req/s;
 * `verify`: only the bare route and verify (warm, cold), each twice; `history`: only the hot-key
 * load probe; `replay`: only the replay probe (bench/replay.probe.ts); `decision`: only the decision
 * alone (no services); `guard`: only the consuming service's guarded and unguarded routes.
 * Printed, not written to BENCHMARKS.md: for iterating on one figure.
 */
const ONLY = process.env.BENCH_ONLY;
/** BENCH_PORT_OFFSET moves every port, so two benches (or a bench and the tests) can run side by side. */
const OFFSET = Number(process.env.BENCH_PORT_OFFSET ?? 0);
const PORTS = {
  cached: 3191 + OFFSET,
  uncached: 3192 + OFFSET,
  floorVerify: 3197 + OFFSET,
  floorManage: 3198 + OFFSET,
  baseline: 3199 + OFFSET,
  commandFloor: 3196 + OFFSET,
  redis: 26379 + OFFSET,
  guardWarm: 3193 + OFFSET,
  guardCold: 3194 + OFFSET,
  kafka: 29292 + OFFSET * 10,
};

export interface Row {
  readonly scenario: string;
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly requests: number;
  /** Errors, timeouts, unexpected statuses and wrong answers. */
  readonly failed: number;
  readonly note?: string;
  /** Microseconds of CPU per request of each process group, and `total` (process-cpu.ts). */
  readonly cpu?: ReadonlyMap<string, number>;
}

/** Set once the processes run: every load() then measures their CPU time (process-cpu.ts). */
let meter: ProcessCpuMeter | undefined;

export interface LoadOptions {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  /** One body per connection, taken round-robin. */
  readonly bodies?: readonly string[];
  readonly expect?: (body: string) => boolean;
  readonly expectStatus?: number;
  readonly overallRate?: number;
  readonly connections?: number;
  readonly duration?: number;
  readonly amount?: number;
  readonly requests?: autocannon.Request[];
}

async function load(scenario: string, options: LoadOptions, note?: string): Promise<Row> {
  let next = 0;
  const bodies = options.bodies;
  await meter?.start();
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    connections: options.connections ?? CONNECTIONS,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? DURATION }),
    overallRate: options.overallRate,
    requests: options.requests,
    setupClient: bodies ? (client) => client.setBody(bodies[next++ % bodies.length]) : undefined,
    verifyBody: options.expect,
  } as autocannon.Options);
  const cpuSample = await meter?.stop();
  const expectedStatus = options.expectStatus ?? 200;
  const wrongStatus = Object.entries(result.statusCodeStats ?? {})
    .filter(([status]) => Number(status) !== expectedStatus)
    .reduce((n, [, s]) => n + (s as { count: number }).count, 0);
  const row: Row = {
    scenario,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    p999: result.latency.p99_9,
    requests: result.requests.total,
    failed: result.errors + result.timeouts + wrongStatus + (result.mismatches ?? 0),
    note,
    cpu: cpuSample && microsecondsPerRequest(cpuSample, result.requests.total),
  };
  process.stdout.write(`${scenario}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms, p99.9 ${row.p999} ms, failed ${row.failed}\n`);
  return row;
}

async function paced(scenario: string, options: LoadOptions & { bodies: readonly string[] }, rate: number): Promise<Row> {
  const result = await pacedLoad({
    url: options.url,
    bodies: options.bodies,
    rate,
    durationSeconds: DURATION,
    connections: CONNECTIONS,
    expect: options.expect ?? (() => true),
  });
  const row: Row = {
    scenario,
    rps: result.rps,
    p50: percentile(result.latenciesMs, 50),
    p99: percentile(result.latenciesMs, 99),
    p999: percentile(result.latenciesMs, 99.9),
    requests: result.requests,
    failed: result.failed,
  };
  process.stdout.write(`${scenario}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50.toFixed(2)} ms, p99 ${row.p99.toFixed(2)} ms, p99.9 ${row.p999.toFixed(2)} ms, failed ${row.failed}, generator CPU ${(result.generatorCpu * 100).toFixed(0)}%\n`);
  return row;
}

const warmup = (options: LoadOptions) => load('warm-up', { ...options, duration: WARMUP });

async function createSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `bench_${Date.now()}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

async function createKeys(baseUrl: string, count: number): Promise<{ id: string; key: string }[]> {
  const keys: { id: string; key: string }[] = [];
  for (let i = 0; i < count; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, count - i) }, async (_, j) => {
        const response = await fetch(`${baseUrl}/v1/keys`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': ROOT_KEY },
          body: JSON.stringify({ name: `bench ${i + j}` }),
        });
        if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
        return (await response.json()) as { id: string; key: string };
      }),
    );
    keys.push(...batch);
  }
  return keys;
}

/** Batch create (100 and 1,000 keys per request) and import (1,000 per request): command-loads.ts. */
async function bulkLoads(serviceUrl: string): Promise<BulkRow[]> {
  return [
    await batchLoad(load, serviceUrl, ROOT_KEY, 100, 4),
    await batchLoad(load, serviceUrl, ROOT_KEY, 1000, 2),
    await importLoad(load, serviceUrl, ROOT_KEY, 1000, 2),
  ];
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

/** The hot-key load probe, in a schema of its own so its events never reach the services' relay. */
async function longHistoryLoad(): Promise<LongHistoryResult> {
  process.stdout.write('loading hot keys...\n');
  const own = await createSchema();
  try {
    return await measureLongHistoryLoad({ databaseUrl: own.url, keys: 5, usageEvents: 10_000, loadsPerKey: 20 });
  } finally {
    await own.drop();
  }
}

function printLongHistory(h: LongHistoryResult): void {
  const line = (name: string, values: number[]) => `${name}: p50 ${percentile(values, 50).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(2)} ms\n`;
  process.stdout.write(
    line(`whole stream of ${h.usageEvents + 2} events`, h.wholeStreamMs) +
      line('snapshot and the events after it', h.fromSnapshotMs) +
      line('fresh key', h.freshKeyMs) +
      line('a history page of 100 events near the end', h.historyPageMs) +
      line('the first page of its audit trail', h.auditPageMs),
  );
}

async function main(): Promise<void> {
  if (ONLY === 'history') return printLongHistory(await longHistoryLoad());
  if (ONLY === 'replay') return void process.stdout.write(renderReplaySection(await replayProbe(createSchema, BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379')));
  if (ONLY === 'decision') return printDecision(measureDecision());
  // First, before the broker and the services start: the decision alone needs none of them, and on
  // two cores their idle polling preempted it (its p99.9 was theirs more than the decision's).
  let decision = ONLY ? undefined : measureDecision();
  if (decision) printDecision(decision);
  const logDir = mkdtempSync(join(tmpdir(), 'key-service-bench-'));
  process.stdout.write(`logs of the processes under ${logDir}\n`);
  const prefix = `bench:${Date.now()}:`;
  const schema = await createSchema();
  const kafka = kafkaBroker(PORTS.kafka, join(tmpdir(), `keyservice-bench-kafka-${OFFSET}`));
  const processes: BenchProcess[] = [];
  let postgresBackends: ReturnType<typeof postgresBackendsOf> | undefined;
  try {
    const redis = BENCH_REDIS_URL ? null : await redisServer(PORTS.redis, logDir);
    if (redis) processes.push(redis);
    const REDIS_URL = redis?.url ?? (BENCH_REDIS_URL as string);
    const brokers = kafka.start();
    const env = {
      DATABASE_URL: schema.url,
      REDIS_URL,
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: `bench-key-events-${Date.now()}`,
      REDIS_KEY_PREFIX: prefix,
      ROOT_API_KEY: ROOT_KEY,
      KEY_PEPPER: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
    };
    processes.push(spawnNode('key-service-cached', 'apps/key-service/src/main.js', { ...env, PORT: String(PORTS.cached) }, logDir));
    // The same service with its in-process cache off: every verify reads Redis (the cold path).
    processes.push(
      spawnNode('key-service-uncached', 'apps/key-service/src/main.js', { ...env, PORT: String(PORTS.uncached), VERIFY_CACHE_TTL_MS: '0' }, logDir),
    );
    processes.push(spawnNode('projector', 'apps/projector/src/main.js', env, logDir));
    processes.push(spawnNode('baseline', 'bench/baseline.server.js', { PORT: String(PORTS.baseline), REDIS_URL, REDIS_KEY_PREFIX: prefix }, logDir));
    const floorEnv = { DATABASE_URL: schema.url, REDIS_URL, REDIS_KEY_PREFIX: prefix };
    processes.push(spawnNode('revocation-floor-verify', 'bench/revocation-floor.server.js', { ...floorEnv, PORT: String(PORTS.floorVerify) }, logDir));
    processes.push(spawnNode('revocation-floor-manage', 'bench/revocation-floor.server.js', { ...floorEnv, PORT: String(PORTS.floorManage) }, logDir));
    processes.push(spawnNode('command-floor', 'bench/command-floor.server.js', { DATABASE_URL: schema.url, PORT: String(PORTS.commandFloor) }, logDir));
    const commandFloor = `http://127.0.0.1:${PORTS.commandFloor}`;
    const cached = `http://127.0.0.1:${PORTS.cached}`;
    const uncached = `http://127.0.0.1:${PORTS.uncached}`;
    const baseline = `http://127.0.0.1:${PORTS.baseline}`;
    const floor = { verifyUrl: `http://127.0.0.1:${PORTS.floorVerify}`, manageUrl: `http://127.0.0.1:${PORTS.floorManage}` };
    await Promise.all([
      waitForHttp(`${cached}/health`),
      waitForHttp(`${uncached}/health`),
      waitForHttp(`${baseline}/constant`),
      waitForHttp(floor.verifyUrl),
      waitForHttp(floor.manageUrl),
      waitForHttp(commandFloor),
    ]);
    // CPU time per request of every process a load touches (process-cpu.ts), by group.
    const pidOf = (name: string) => () => processes.find((p) => p.name === name)?.child.pid;
    const nodePids = () => processes.filter((p) => p.name !== 'redis-server').flatMap((p) => (p.child.pid ? [p.child.pid] : []));
    postgresBackends = postgresBackendsOf('PostgreSQL backends', DATABASE_URL, nodePids);
    meter = new ProcessCpuMeter([
      fixedPid('key-service, cache warm', pidOf('key-service-cached')),
      fixedPid('key-service, cache cold', pidOf('key-service-uncached')),
      fixedPid('projector', pidOf('projector')),
      postgresBackends,
      fixedPid('Redis', pidOf('redis-server')),
      fixedPid('Kafka broker', () => kafka.pid()),
      {
        name: 'baseline / floor servers',
        pids: async () => processes.filter((p) => /baseline|floor/.test(p.name)).flatMap((p) => (p.child.pid ? [p.child.pid] : [])),
      },
    ]);

    // What the processes use with no load at all: the background every row's CPU figure includes.
    await meter.start();
    await new Promise((r) => setTimeout(r, 5000));
    const idleCpu = await meter.stop();
    const keys = await createKeys(cached, 200);
    const validBodies = keys.map((k) => JSON.stringify({ key: k.key }));
    const unknownBodies = Array.from({ length: 200 }, () => JSON.stringify({ key: generateSecret('sk').plaintext }));
    const malformedBodies = Array.from({ length: 200 }, () => JSON.stringify({ key: `sk_${randomBytes(24).toString('base64url')}` }));
    const isValid = (body: string) => body.includes('"code":"VALID"');
    const isNotFound = (body: string) => body.includes('"code":"NOT_FOUND"');

    if (ONLY === 'guard') return printGuard(await guard(cached, env, logDir));
    if (ONLY === 'revocation') {
      const verifiers = Number(process.env.BENCH_VERIFIERS ?? 4);
      const before = await revocationsInForce(uncached);
      const visibility = await measureRevocationVisibility({ verifyUrl: cached, manageUrl: uncached, rootKey: ROOT_KEY, trials: 100, warmupTrials: 20, verifiers });
      printVisibility('key service', visibility);
      const own = difference(await revocationsInForce(uncached), before);
      process.stdout.write(
        `key service, its own metric: ${own.count} revokes, mean ${((1000 * own.sum) / Math.max(1, own.count)).toFixed(1)} ms, ${own.buckets.get(0.01) ?? 0} in force within 10 ms\n`,
      );
      printVisibility('floor (commit + Redis publish, bare Fastify)', await measureRevocationVisibility({ ...floor, rootKey: ROOT_KEY, trials: 100, warmupTrials: 20, verifiers }));
      return;
    }
    const createLoad = (scenario: string, created?: string[]) =>
      load(scenario, {
        url: `${cached}/v1/keys`,
        headers: { 'x-api-key': ROOT_KEY },
        connections: CREATE_CONNECTIONS,
        expectStatus: 201,
        requests: [
          {
            method: 'POST',
            body: CREATE_BODY,
            onResponse: (status: number, body: string) => {
              if (created && status === 201) created.push((JSON.parse(body) as { id: string }).id);
            },
          } as autocannon.Request,
        ],
      });
    /** Revokes each of `created` once, loaded as create is: the other single command of issue 16's targets. */
    const revokeLoad = (scenario: string, created: readonly string[]) => {
      let nextRevoke = 0;
      return load(scenario, {
        url: `${cached}/v1/keys`,
        headers: { 'x-api-key': ROOT_KEY },
        connections: CREATE_CONNECTIONS,
        amount: created.length,
        expectStatus: 200,
        requests: [
          {
            method: 'POST',
            body: '{}',
            setupRequest: (request: autocannon.Request) => ({ ...request, path: `/v1/keys/${created[nextRevoke++ % created.length]}/revoke` }),
          } as autocannon.Request,
        ],
      });
    };
    const outage = () =>
      measureKafkaOutage({ createLoad, broker: kafka, databaseUrl: schema.url, brokers, topic: env.KAFKA_TOPIC });
    if (ONLY === 'commands') {
      // Floor and create twice, alternating, so a drift of the shared box shows as a drift.
      const created: string[] = [];
      const paired = [await floorLoad(load, commandFloor), await createLoad('create'), await floorLoad(load, commandFloor), await createLoad('create', created)];
      const revoke = await revokeLoad('revoke (the second run\'s keys, one each)', created);
      const bulk = await bulkLoads(cached);
      printCpu([...paired, revoke, ...bulk]);
      return;
    }
    if (ONLY === 'outage') {
      await createLoad('warm-up');
      const result = await outage();
      printCpu([result.up, result.down]);
      return;
    }
    if (ONLY === 'verify') {
      const pidOf = (name: string) => processes.find((p) => p.name === name)?.child.pid ?? 0;
      // Alternating runs, so a drift of the shared box shows as a drift, not as a difference.
      for (const [scenario, url, pid] of [
        ['bare Fastify, constant', `${baseline}/constant`, pidOf('baseline')],
        ['verify, cache warm', `${cached}/v1/keys/verify`, pidOf('key-service-cached')],
        ['verify, cache cold', `${uncached}/v1/keys/verify`, pidOf('key-service-uncached')],
      ].flatMap((run) => [run, run]) as Array<[string, string, number]>) {
        await warmup({ url, bodies: validBodies, expect: isValid });
        const cpuBefore = processCpuMicros(pid);
        const row = await load(scenario, { url, bodies: validBodies, expect: isValid });
        // The serving process's own CPU per request: what the box's other tenants do not move.
        process.stdout.write(`  ${scenario}: ${((processCpuMicros(pid) - cpuBefore) / row.requests).toFixed(1)} µs CPU per request in the server\n`);
      }
      return;
    }
    if (ONLY === 'paced') {
      const rate = Number(process.env.BENCH_RATE ?? 2500);
      const warmOnly: LoadOptions = { url: `${cached}/v1/keys/verify`, bodies: validBodies, expect: isValid };
      await warmup(warmOnly);
      await paced(`verify, cache warm, ${rate} req/s, paced`, { ...warmOnly, bodies: validBodies }, rate);
      await paced(`baseline: bare Fastify, constant, ${rate} req/s, paced`, { url: `${baseline}/constant`, bodies: validBodies, expect: isValid }, rate);
      return;
    }
    const rows: Row[] = [];
    const constant: LoadOptions = { url: `${baseline}/constant`, bodies: validBodies, expect: isValid };
    const redisGet: LoadOptions = { url: `${baseline}/redis-get`, bodies: validBodies, expect: isValid };
    const warm: LoadOptions = { url: `${cached}/v1/keys/verify`, bodies: validBodies, expect: isValid };
    await warmup(constant);
    rows.push(await load('baseline: bare Fastify, constant', constant));
    await warmup(redisGet);
    rows.push(await load('baseline: bare Fastify + one Redis GET', redisGet));
    await warmup(warm);
    const warmRow = await load('verify, valid key, cache warm', warm);
    rows.push(warmRow);
    const cold: LoadOptions = { url: `${uncached}/v1/keys/verify`, bodies: validBodies, expect: isValid };
    await warmup(cold);
    rows.push(await load('verify, valid key, cache cold (every verify reads Redis)', cold));
    const unknown: LoadOptions = { url: `${uncached}/v1/keys/verify`, bodies: unknownBodies, expect: isNotFound };
    rows.push(await load('verify, unknown well-formed key (Redis miss)', unknown));
    rows.push(
      await load('verify, malformed key (checksum fails, no lookup)', { url: `${cached}/v1/keys/verify`, bodies: malformedBodies, expect: isNotFound }),
    );
    // 80% of the lower peak: since verify is answered before Fastify it can outrun the bare route,
    // and a rate the baseline cannot sustain would measure its queue, not the box's tail.
    const targetRate = Math.floor(Math.min(warmRow.rps, rows[0].rps) * 0.8);
    // Constant-rate runs (see paced-load.generator.ts for why not autocannon's overallRate).
    const atEighty = await paced(`verify, cache warm, at 80% of its peak or the bare route's, the lower (${targetRate} req/s, paced)`, { ...warm, bodies: validBodies }, targetRate);
    rows.push(atEighty);
    // What this machine gives HTTP alone at the same rate: the floor under the row above.
    const baselineAtRate = await paced(`baseline: bare Fastify, constant, at the same ${targetRate} req/s, paced`, { ...constant, bodies: validBodies }, targetRate);
    rows.push(baselineAtRate);
    // Half that rate: where on this box a route, ours or the bare one, keeps its tail short.
    const halfRate = Math.floor(targetRate / 2);
    rows.push(await paced(`verify, cache warm, at half that rate (${halfRate} req/s, paced)`, { ...warm, bodies: validBodies }, halfRate));
    rows.push(await paced(`baseline: bare Fastify, constant, at the same ${halfRate} req/s, paced`, { ...constant, bodies: validBodies }, halfRate));

    // The floor, loaded exactly as create is next: the least a durable command costs on this box now.
    const floorRow = await floorLoad(load, commandFloor);
    const created: string[] = [];
    const createRow = await createLoad('create (append, query-model row and validation view in one PostgreSQL statement, Redis view)', created);
    rows.push(createRow);
    const revokeRow = await revokeLoad('revoke (load, append, the same writes as create, invalidation; one key each)', created);
    rows.push(revokeRow);
    // The outage first: the bulk loads leave the relay tens of thousands of events to publish.
    const outageResult = await outage();
    const commands: CommandRuns = { floor: floorRow, create: createRow, revoke: revokeRow, outage: outageResult, bulk: await bulkLoads(cached) };

    process.stdout.write('revocation visibility...\n');
    const effectiveBefore = await revocationsInForce(uncached);
    const visibility = await measureRevocationVisibility({ verifyUrl: cached, manageUrl: uncached, rootKey: ROOT_KEY, trials: 100, warmupTrials: 20, verifiers: 4 });
    // One verifier: the propagation itself, without the verifiers' own load on the two cores.
    const lightVisibility = await measureRevocationVisibility({ verifyUrl: cached, manageUrl: uncached, rootKey: ROOT_KEY, trials: 100, warmupTrials: 20, verifiers: 1 });
    const serverSide = difference(await revocationsInForce(uncached), effectiveBefore);
    // The same probe against the floor: what this box gives a durable revoke made visible at all.
    const floorVisibility = await measureRevocationVisibility({ ...floor, rootKey: ROOT_KEY, trials: 100, warmupTrials: 20, verifiers: 4 });
    const floorLightVisibility = await measureRevocationVisibility({ ...floor, rootKey: ROOT_KEY, trials: 100, warmupTrials: 20, verifiers: 1 });
    for (const [name, v] of [
      ['key service, 4 verifiers', visibility],
      ['key service, 1 verifier', lightVisibility],
      ['floor, 4 verifiers', floorVisibility],
      ['floor, 1 verifier', floorLightVisibility],
    ] as const)
      printVisibility(name, v);
    process.stdout.write('the guard in a consuming service...\n');
    const guarded = await guard(cached, env, logDir);
    printGuard(guarded);
    const history = await longHistoryLoad();
    printLongHistory(history);
    const replay = await replayProbe(createSchema, REDIS_URL);
    // Only a BENCH_ONLY this file does not know gets here without it.
    decision ??= measureDecision();
    writeReport(rows, atEighty, baselineAtRate, { visibility, lightVisibility, floorVisibility, floorLightVisibility, serverSide }, history, commands, idleCpu, replay, { guard: guarded, decision });
  } finally {
    await postgresBackends?.close();
    for (const p of processes.reverse()) await p.stop();
    try {
      kafka.stop();
    } catch (error) {
      process.stderr.write(`stopping the bench broker: ${String(error)}\n`);
    }
    await schema.drop();
  }
}

/** The guard in a consuming service (bench/guarded-consumer.probe.ts), against this run's key service. */
async function guard(keyServiceUrl: string, env: Record<string, string>, logDir: string): Promise<GuardResult> {
  const keys = await createGuardKeys(keyServiceUrl, ROOT_KEY, 200);
  const { REDIS_URL: redisUrl, REDIS_KEY_PREFIX, KEY_PEPPER, DATABASE_URL: databaseUrl } = env;
  return measureGuard({
    env: { REDIS_URL: redisUrl, REDIS_KEY_PREFIX, KEY_PEPPER, DATABASE_URL: databaseUrl },
    ports: { warm: PORTS.guardWarm, cold: PORTS.guardCold },
    logDir,
    keys,
    durationSeconds: DURATION,
    warmupSeconds: WARMUP,
    connections: CONNECTIONS,
    rounds: Number(process.env.BENCH_GUARD_ROUNDS ?? 2),
  });
}

function printVisibility(name: string, v: VisibilityResult): void {
  const line = (what: string, values: number[]) =>
    `${name}: ${what}: p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms\n`;
  process.stdout.write(line('revoke sent → first REVOKED', v.visibleAfterMs) + line('revoke call', v.revokeCallMs));
  process.stdout.write(`${name}: ${v.verifies} verifies, VALID after a revoke returned: ${v.validAfterRevoke}\n`);
}

interface VisibilityRuns {
  readonly visibility: VisibilityResult;
  readonly lightVisibility: VisibilityResult;
  /** The same probe against bench/revocation-floor.server.ts. */
  readonly floorVisibility: VisibilityResult;
  readonly floorLightVisibility: VisibilityResult;
  /** The revoking instance's own key_change_effective_seconds over both service runs. */
  readonly serverSide: HistogramSeries;
}

/** What the revoking instance's own metric says of its revokes, as an operator would read it. */
async function revocationsInForce(baseUrl: string): Promise<HistogramSeries> {
  const page = await (await fetch(`${baseUrl}/metrics`)).text();
  return parseHistogram(page, 'key_change_effective_seconds', 'change="KeyRevoked"') ?? { count: 0, sum: 0, buckets: new Map() };
}

function difference(after: HistogramSeries, before: HistogramSeries): HistogramSeries {
  return {
    count: after.count - before.count,
    sum: after.sum - before.sum,
    buckets: new Map([...after.buckets].map(([le, n]) => [le, n - (before.buckets.get(le) ?? 0)])),
  };
}

function writeReport(
  rows: Row[],
  atEighty: Row,
  baselineAtRate: Row,
  { visibility, lightVisibility, floorVisibility, floorLightVisibility, serverSide }: VisibilityRuns,
  history: LongHistoryResult,
  commands: CommandRuns,
  idleCpu: CpuSample,
  replay: ReplayProbeResult,
  verifyLimits: { guard: GuardResult; decision: DecisionResult },
): void {
  const [constant, redisGet, warm, cold] = rows;
  const verifyRatios = { constantRps: constant.rps, warmRps: warm.rps, coldRps: cold.rps };
  const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(1));
  const table = rows
    .map(
      (r) =>
        `| ${r.scenario} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.p999)} | ${(r.rps / constant.rps).toFixed(2)} | ${(r.rps / redisGet.rps).toFixed(2)} | ${r.requests} | ${r.failed} |`,
    )
    .join('\n');
  // The service's answers only: a baseline's or a floor's failures say the box ran out, not that we answered wrong.
  const isReference = (r: Row) => r.scenario.startsWith('baseline') || r.scenario.startsWith('command floor');
  const failed = rows.filter((r) => !isReference(r)).reduce((n, r) => n + r.failed, 0) + visibility.validAfterRevoke + lightVisibility.validAfterRevoke;
  const referenceFailed = rows.filter(isReference).reduce((n, r) => n + r.failed, 0);
  const light = lightVisibility.visibleAfterMs;
  const vis = visibility.visibleAfterMs;
  const floorVis = floorVisibility.visibleAfterMs;
  const floorLight = floorLightVisibility.visibleAfterMs;
  const within = (seconds: number) => `${((100 * (serverSide.buckets.get(seconds) ?? 0)) / Math.max(1, serverSide.count)).toFixed(0)}%`;
  const visRow = (name: string, values: number[]) =>
    `| ${name} | ${ms(percentile(values, 50))} | ${ms(percentile(values, 90))} | ${ms(percentile(values, 99))} | ${ms(Math.max(...values))} |`;
  const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
  const cpu = cpus();
  // Targets: issue 16's verify, guard and replay rows sit beside commandTargetRows(commands) below.
  const report = `# Benchmarks

Measured by \`npm run bench\` (bench/run-bench.ts) on ${new Date().toISOString().slice(0, 10)}. Nothing here is asserted by a test:
this machine is shared and noisy, so the figures are measured and written down, each beside the
baselines measured in the same run under the same load.

## Machine

- ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average at the end ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}
- Everything on this one machine: PostgreSQL, Redis, a Kafka broker, two key-service instances, the
  projector, the baseline server and autocannon (one process, ${CONNECTIONS} connections over loopback).
  The load generator competes with the service for the two cores, for the baselines just as much.

## Throughput and latency

Each load runs ${DURATION} s after a ${WARMUP} s warm-up. Latency in milliseconds as autocannon measures
it (client side, loopback included). "× constant" and "× Redis GET" are the ratios of requests/s to
the two baselines. "Failed" counts errors, timeouts, unexpected statuses and wrong answers (every
response body is checked: \`VALID\` for valid keys, \`NOT_FOUND\` for unknown and malformed ones).

| Scenario | req/s | p50 | p99 | p99.9 | × constant | × Redis GET | requests | failed |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
${table}

- Baselines: a bare Fastify 5 route returning a constant, and one doing a single Redis GET (ioredis,
  auto-pipelined), in a separate process (bench/baseline.server.ts).
- "Cache warm" is an instance with its in-process cache (invalidated over Redis pub/sub); "cache
  cold" is a second instance started with \`VERIFY_CACHE_TTL_MS=0\`, so every verify reads Redis.
- Create and revoke each append an event, write the key's query-model row and validation view to
  PostgreSQL in one statement and the view to Redis; a revoke also broadcasts a cache invalidation
  and waits for every instance to confirm it, a create does not (its secret was generated by the
  command: no cache can hold it; docs/verification.md). They no longer wait for Kafka and the
  projector (in the run of 2026-11-23, with that wait, create made 112/s at a p50 of 128 ms on a
  box half as fast).
- The services ran with \`LOG_LEVEL=warn\`: at \`info\` every request is logged (below it the
  request log is not even hooked in).
- Rows marked "paced" are constant-rate runs (bench/paced-load.generator.ts): requests are released
  every millisecond in equal shares over ${CONNECTIONS} keep-alive connections, and each is timed from when it
  was due, so waiting for a free connection counts. autocannon's \`overallRate\` was used before and
  is not a constant rate: it gives each connection a budget per second and sends it back to back
  from the start of each second, so "80%" meant full load for most of every second.

${commandsReport(commands, DURATION)}
${cpuReport([...rows, commands.floor, ...(commands.outage ? [commands.outage.up, commands.outage.down] : []), ...commands.bulk], idleCpu)}
${verifySections(verifyLimits.guard, verifyLimits.decision)}
## Revocation visibility

${visibility.trials} trials: verifiers loop on one instance (cache warm) while another instance
revokes the key. With 4 verifiers the box is near saturation (${visibility.verifies} verifies in all); with 1
(${lightVisibility.verifies} verifies) the figure is mostly the propagation itself. Client-side times, over
keep-alive connections (node:http), from the revoke request being sent.

| | p50 | p90 | p99 | max |
|---|---:|---:|---:|---:|
${visRow('revoke sent → first `REVOKED` seen, 4 verifiers (ms)', vis)}
${visRow('revoke sent → first `REVOKED` seen, 1 verifier (ms)', light)}
${visRow('revoke call duration, 4 verifiers (ms)', visibility.revokeCallMs)}
${visRow('floor: revoke sent → first `REVOKED` seen, 4 verifiers (ms)', floorVis)}
${visRow('floor: revoke sent → first `REVOKED` seen, 1 verifier (ms)', floorLight)}

The floor (bench/revocation-floor.server.ts, two processes like the two instances) is the least a
revoke can do to be durable and then visible elsewhere, on this box, now: a bare Fastify route that
commits one row to PostgreSQL, then writes the deny state and PUBLISHes it in one Redis script; the
other process marks its in-process copy on the message. The key service does on top: authenticate
the caller, load the key (snapshot and tail), decide, append the event with its envelope, its
NOTIFY and the key's PostgreSQL rows in one statement, write the validation view to Redis, and wait until every
instance that got the message confirms its cache is clean. The floor does not wait for that
confirmation, which is why it answers \`VALID\` after its revoke returned: the confirmation is what
closes that window in the service.

\`VALID\` answers to verifies sent after a revoke had returned: **${visibility.validAfterRevoke + lightVisibility.validAfterRevoke}** (the floor: ${floorVisibility.validAfterRevoke + floorLightVisibility.validAfterRevoke}).

What the revoking instance's own metric, \`key_change_effective_seconds{change="KeyRevoked"}\`, says of
the same ${serverSide.count} revokes (both runs, warm-up trials included): from the command starting to load the key to
every instance confirming, so without the HTTP legs and the verifier's next answer. Mean
${ms((1000 * serverSide.sum) / Math.max(1, serverSide.count))} ms; in force within 5 ms: ${within(0.005)}, within 10 ms: ${within(0.01)}, within 25 ms: ${within(0.025)}. This is the
figure to watch on production hardware (docs/verification.md).

## Loading a hot key for a command

The keys above are minutes old. A key in production use gets a \`KeyUsed\` per instance per usage
window (60 s by default) for as long as it lives, and every command on it, a revoke included,
loads it first. ${history.keys} keys with ${history.usageEvents} usage events each (a week of one instance, or
under two days of four), loaded ${history.wholeStreamMs.length} times in all through the service's own \`KeyRepository\` from
the real PostgreSQL, in the same run as a key two events long:

| Load | p50 (ms) | p99 (ms) |
|---|---:|---:|
| whole stream, folded (what every command did before snapshots; \`?at=\` still does) | ${ms(percentile(history.wholeStreamMs, 50))} | ${ms(percentile(history.wholeStreamMs, 99))} |
| newest snapshot and the events after it (what a command does) | ${ms(percentile(history.fromSnapshotMs, 50))} | ${ms(percentile(history.fromSnapshotMs, 99))} |
| a fresh key, two events (the floor) | ${ms(percentile(history.freshKeyMs, 50))} | ${ms(percentile(history.freshKeyMs, 99))} |
| a page of 100 events near the end of its history (\`/v1/keys/:id/events?cursor=\`) | ${ms(percentile(history.historyPageMs, 50))} | ${ms(percentile(history.historyPageMs, 99))} |
| the first page of its audit trail (\`/v1/audit?keyId=\`), its events after the earlier keys' in the log | ${ms(percentile(history.auditPageMs, 50))} | ${ms(percentile(history.auditPageMs, 99))} |

${renderReplaySection(replay)}
## Against the targets (2-core machine)

| Target | Measured | |
|---|---|---|
| verify ≥ half the requests/s of the bare Fastify route | ${(warm.rps / constant.rps).toFixed(2)} × (cache warm) | ${verdict(warm.rps / constant.rps >= 0.5)} |
${verifyTargetRows(verifyRatios, verifyLimits.guard, verifyLimits.decision)}
| verify p99 < 5 ms at 80% of its peak (or of the bare route's, the lower) | ${ms(atEighty.p99)} ms (the bare constant route at the same rate: ${ms(baselineAtRate.p99)} ms) | ${verdict(atEighty.p99 < 5)} |
| revocation visible to a concurrent verifier within 10 ms | p99 ${ms(percentile(vis, 99))} ms with 4 verifiers, ${ms(percentile(light, 99))} ms with 1 (p50 ${ms(percentile(vis, 50))} / ${ms(percentile(light, 50))} ms); the floor: p99 ${ms(percentile(floorVis, 99))} / ${ms(percentile(floorLight, 99))} ms | ${verdict(percentile(vis, 99) <= 10)} |
| zero failed or wrong answers (the service's rows; the baselines' own: ${referenceFailed}) | ${failed} | ${verdict(failed === 0)} |
${commandTargetRows(commands).join('\n')}
${replayTargetRow(replay)}

Where a target is not met, [docs/verification.md](docs/verification.md#performance-known-gaps) says
what the figures point at and what is planned.

## Reproduce

PostgreSQL on 127.0.0.1:5432 (database \`test\`, or \`BENCH_DATABASE_URL\`), \`redis-server\` on the PATH (the
bench starts its own, on port 26379 + \`BENCH_PORT_OFFSET\`; \`BENCH_REDIS_URL\` uses a running one instead, and its
CPU time is then not measured), Java 17 and Maven for the Kafka broker (fetched like the tests'), then:

\`\`\`
npm ci
npm run bench        # BENCH_DURATION_SECONDS, BENCH_WARMUP_SECONDS, BENCH_CONNECTIONS to vary the load
BENCH_ONLY=revocation npm run bench               # only the revocation probe, on the service and its floor (BENCH_VERIFIERS, default 4), printed
BENCH_ONLY=paced BENCH_RATE=2000 npm run bench    # only verify and the bare route at one constant rate, printed
BENCH_ONLY=verify npm run bench                   # only the bare route and verify (warm, cold), each twice, printed
BENCH_ONLY=history npm run bench                  # only the hot-key load probe (no services started), printed
BENCH_ONLY=commands npm run bench                 # only the command floor and create (each twice), revoke, batch create and import, with CPU per request, printed
BENCH_ONLY=outage npm run bench                   # only create with the bench's broker up, then stopped, then the topic checked once it is back, printed
BENCH_ONLY=replay npm run bench                   # only the replay probe (BENCH_REPLAY_KEYS, default 10,000; BENCH_REPLAY_WINDOWS, default 50), printed
BENCH_ONLY=decision npm run bench                 # only the decision alone (KeyVerifier, no HTTP) beside a bare HMAC, printed
BENCH_ONLY=guard npm run bench                    # only the guarded and unguarded routes of a consuming service, warm and cold, printed (BENCH_GUARD_ROUNDS, default 2)
BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' BENCH_ONLY=verify npm run bench   # with CPU profiles of the services
BENCH_PORT_OFFSET=100 npm run bench               # every port moved, to run beside another bench or the tests
\`\`\`
`;
  writeFileSync(join(__dirname, '..', '..', 'BENCHMARKS.md'), report);
  process.stdout.write('wrote BENCHMARKS.md\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
