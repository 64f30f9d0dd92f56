import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { connect } from 'node:net';
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
    /** Stops the broker and keeps its data: an outage of the bus, the topic intact. */
    pause: () => void run('stop'),
    /** Starts it again on the same data and ports, after pause(). */
    resume: () => void run('start', '--keep-data'),
    /** The broker's JVM, for its CPU time (kafka.sh writes the pid of the java process). */
    pid: (): number | undefined => {
      try {
        return Number(readFileSync(join(dataDir, 'kafka.pid'), 'utf8').trim()) || undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * A redis-server of the bench's own, on its own port: the services, the projector and the
 * baselines all use it, so its CPU time is the bench's alone, not the shared Redis's other tenants'.
 * Nothing is kept on disk.
 */
export async function redisServer(port: number, logDir: string): Promise<BenchProcess & { url: string }> {
  const log = createWriteStream(join(logDir, 'redis-server.log'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server did not come up on port ${port} (log: ${logDir}/redis-server.log)`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    name: 'redis-server',
    child,
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
