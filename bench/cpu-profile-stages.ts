import { readFileSync } from 'node:fs';

/**
 * Where a service's CPU went, stage by stage, from a `.cpuprofile` (`BENCH_NODE_ARGS='--cpu-prof
 * --cpu-prof-dir=…'`): each sample is charged to the innermost frame of its stack that names a
 * stage (node's own frames name "node's HTTP…" unless an outer frame is more specific only through
 * them: the innermost wins), from the first HTTP request on, idle left out. The table in
 * BENCHMARKS.md, "Where verify's time goes", is this output.
 *
 *   node dist/bench/cpu-profile-stages.js <file.cpuprofile> [requests served]
 */
interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const NODE_WORK = "node's HTTP parser, sockets, streams, events";

/** Tried in order; the first whose test passes names the frame's stage. */
const STAGES: ReadonlyArray<readonly [string, (f: CallFrame) => boolean]> = [
  ['garbage collection', (f) => f.functionName === '(garbage collector)'],
  ['runtime (V8, outside any JavaScript frame)', (f) => f.functionName === '(program)'],
  [NODE_WORK, (f) => /^(writev|writeUtf8String|writeBuffer|writeLatin1String)$/.test(f.functionName)],
  ["Fastify's body parser AsyncResource", (f) => (/node:util/.test(f.url) && f.functionName === 'deprecate') || /async_hooks/.test(f.url)],
  ['checksum + HMAC', (f) => /node:internal\/crypto|verifier\/src\/secrets/.test(f.url)],
  ['Fastify: routing, hooks, reply, Nest adapter hooks', (f) => /node_modules\/(fastify|find-my-way|toad-cache|avvio|@fastify|@nestjs\/platform-fastify)\//.test(f.url)],
  ['body parse and checks', (f) => /secure-json-parse|src\/input\/|node_modules\/ajv|verify-access|permissions\//.test(f.url) || /^validate\d+$/.test(f.functionName)],
  ['the decision (KeyVerifier)', (f) => /verifier\/src\/verifying/.test(f.url)],
  ['metrics', (f) => /prom-client/.test(f.url)],
  ['Redis client', (f) => /ioredis|redis-parser|standard-as-callback|cluster-key-slot|denque/.test(f.url)],
  ['cache, usage, serialization, route and front door', (f) => /verifier\/src\/(caching|usage|limiting|validation)|fast-json-stringify|keys\/verifying|keys\/using|http\/front-door|src\/errors\//.test(f.url) || f.functionName === 'anonymous0'],
  [NODE_WORK, (f) => /^node:/.test(f.url)],
  ['other', (f) => f.url !== ''],
];

function stageOf(frame: CallFrame): string | null {
  for (const [stage, test] of STAGES) if (test(frame)) return stage;
  return null; // a native frame without a name of its own: its caller decides
}

function main(): void {
  const [file, requestsArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-stages <file.cpuprofile> [requests]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const requests = Number(requestsArg ?? 0);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const stack = function* (id: number): Generator<ProfileNode> {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) yield byId.get(at) as ProfileNode;
  };
  const isRequest = (id: number) => [...stack(id)].some((n) => n.callFrame.functionName === 'parserOnHeadersComplete' || n.callFrame.functionName === 'parserOnIncoming');
  const stages = new Map<number, string>();
  const micros = new Map<string, number>();
  let started = false;
  let total = 0;
  profile.samples.forEach((id, i) => {
    started ||= isRequest(id);
    if (!started || byId.get(id)?.callFrame.functionName === '(idle)') return;
    let stage = stages.get(id);
    if (stage === undefined) {
      stage = 'unattributed';
      for (const n of stack(id)) {
        const named = stageOf(n.callFrame);
        if (named !== null) {
          stage = named;
          break;
        }
      }
      stages.set(id, stage);
    }
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    micros.set(stage, (micros.get(stage) ?? 0) + dt);
  });
  process.stdout.write(`${(total / 1e6).toFixed(2)} s of CPU from the first request on${requests ? `, ${(total / requests).toFixed(1)} µs per request` : ''}\n`);
  for (const [stage, us] of [...micros].sort((a, b) => b[1] - a[1]))
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${requests ? `${(us / requests).toFixed(1).padStart(6)} µs  ` : ''}${stage}\n`);
}

main();
