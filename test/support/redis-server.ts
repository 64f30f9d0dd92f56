import { ChildProcess, spawn } from 'node:child_process';
import { reachable } from './local-services';

export interface DedicatedRedis {
  readonly url: string;
  /** Kills it at once, as a crash: Redis keeps nothing on disk here, so it comes back empty. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

/**
 * A Redis server of the test's own, for outage tests: killing the machine's shared Redis would
 * fail every test file running beside it. The same redis-server binary, on its own port.
 */
export async function startDedicatedRedis(port: number): Promise<DedicatedRedis> {
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await reachable(port))) {
      if (Date.now() > deadline) throw new Error(`redis-server did not come up on port ${port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, kill, start };
}
