import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { reachable } from './local-services';
import { TEST_PEPPER, TEST_ROOT_KEY } from './test-app';

const ROOT = resolve(__dirname, '..', '..');

export interface ServiceBuild {
  readonly dir: string;
  remove(): void;
}

/**
 * Compiles the service into a directory of the test's own (as `npm run build` does into dist/,
 * which a developer may be running from), with a path-alias hook pointing there.
 */
export async function buildService(): Promise<ServiceBuild> {
  const dir = mkdtempSync(join(tmpdir(), 'key-service-build-'));
  await promisify(execFile)(join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dir], { cwd: ROOT });
  writeFileSync(
    join(dir, 'register-paths.js'),
    `require(${JSON.stringify(require.resolve('tsconfig-paths'))}).register({ baseUrl: ${JSON.stringify(dir)}, paths: require(${JSON.stringify(join(ROOT, 'tsconfig.json'))}).compilerOptions.paths });`,
  );
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ServiceProcess {
  readonly baseUrl: string;
  /** Sends the signal and waits for the process to exit; SIGKILL is a crash: no shutdown hook runs. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** The key service as its own OS process (`node dist/apps/key-service/src/main.js`), on `port`. */
export async function spawnService(build: ServiceBuild, port: number, env: Record<string, string>): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ['-r', join(build.dir, 'register-paths.js'), join(build.dir, 'apps/key-service/src/main.js')], {
    cwd: ROOT,
    // The build is outside the repository: its packages are found through NODE_PATH.
    env: { PATH: process.env.PATH ?? '', NODE_PATH: join(ROOT, 'node_modules'), ROOT_API_KEY: TEST_ROOT_KEY, KEY_PEPPER: TEST_PEPPER, LOG_LEVEL: 'silent', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  while (!(await reachable(port))) {
    if (child.exitCode !== null) throw new Error(`The key service exited with ${child.exitCode} before listening`);
    if (Date.now() > deadline) throw new Error(`The key service did not listen on port ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
