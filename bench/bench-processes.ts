import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** A process the bench started, with its output kept in a log file for when it fails. */
export interface BenchProcess {
  readonly name: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export function spawnNode(name: string, script: string, env: Record<string, string>, logDir: string): BenchProcess {
  const log = createWriteStream(join(logDir, `${name}.log`));
  // BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, to profile the services under load.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '-r', join(ROOT, 'tools/register-paths.js'), join(ROOT, 'dist', script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return {
    name,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export async function waitForHttp(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The bench's own Kafka broker (tools/kafka/kafka.sh), on ports apart from the tests' broker. */
export function kafkaBroker(port: number, dataDir: string) {
  const env = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(port + 1), KAFKA_DATA_DIR: dataDir };
  const run = (...args: string[]) => execFileSync('bash', [join(ROOT, 'tools/kafka/kafka.sh'), ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return {
    start: (): string => {
      run('fetch');
      const out = run('start');
      const brokers = /^KAFKA_BROKERS=(.+)$/m.exec(out)?.[1];
      if (!brokers) throw new Error(`kafka.sh start printed no KAFKA_BROKERS:\n${out}`);
      return brokers.trim();
    },
    stop: () => void run('clean'),
  };
}
