import { ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { waitUntil } from '../support/kafka-topic.collector';
import { DistributedStack, distributedStack } from '../support/distributed-stack';
import { startTestApp, TEST_PEPPER, TEST_ROOT_KEY, TestApp } from '../support/test-app';

jest.setTimeout(900_000);

const execFileAsync = promisify(execFile);
/** execFile, failing with the command's stdout too: tsc and npm print their errors there. */
async function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
  try {
    await execFileAsync(file, args, options);
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}
const ROOT = path.resolve(__dirname, '../..');
/** In the order they depend on each other: each package builds against the one before. */
const PACKAGES = ['events', 'verifier', 'nestjs', 'client'];

/** The environment of a process outside this repo: no jest, ts-jest or path mapping leaks into it. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, npm_config_cache: process.env.npm_config_cache };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return { ...env, ...extra };
}

/**
 * A consuming team's service, built from the published artefacts only: the packages are packed
 * with `npm pack`, and examples/orders-service is copied to an empty temporary directory (no
 * node_modules of this repo above it), installs those tarballs and its own dependencies, is
 * type-checked by its own tsc, and runs against the real key service, Redis and Kafka.
 */
describe('examples/orders-service, installed from the packages\' tarballs', () => {
  let work: string;
  let stack: DistributedStack;
  let keyService: TestApp;
  let example: ChildProcess | null = null;
  let exampleUrl: string;
  let exampleOutput = '';

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'orders-example-'));
    const tarballs = path.join(work, 'tarballs');
    mkdirSync(tarballs);
    for (const name of PACKAGES)
      await run('npm', ['pack', '--silent', '--pack-destination', tarballs], { cwd: path.join(ROOT, 'packages', name), env: cleanEnv() });
    const app = path.join(work, 'orders-service');
    for (const part of ['package.json', 'tsconfig.json', 'src']) cpSync(path.join(ROOT, 'examples', 'orders-service', part), path.join(app, part), { recursive: true });
    // Nothing of this repo is reachable from there by Node's module resolution.
    for (let dir = app; path.dirname(dir) !== dir; dir = path.dirname(dir)) expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);

    const files = readdirSync(tarballs).map((f) => path.join(tarballs, f));
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...files], { cwd: app, env: cleanEnv() });
    await run(process.execPath, [path.join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, env: cleanEnv() });

    stack = await distributedStack('packages_example');
    keyService = await startTestApp(stack.env);
    await stack.startProjector();

    example = spawn(process.execPath, ['dist/main.js'], {
      cwd: app,
      env: cleanEnv({
        PORT: '0',
        KEY_SERVICE_URL: keyService.baseUrl,
        KEY_SERVICE_ADMIN_KEY: TEST_ROOT_KEY,
        KEY_SERVICE_REDIS_URL: stack.env.REDIS_URL,
        KEY_SERVICE_REDIS_KEY_PREFIX: stack.redisKeyPrefix,
        KEY_PEPPER: TEST_PEPPER,
        KAFKA_BROKERS: stack.env.KAFKA_BROKERS,
        KAFKA_TOPIC: stack.env.KAFKA_TOPIC,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    example.stdout?.on('data', (chunk: Buffer) => (exampleOutput += chunk.toString()));
    example.stderr?.on('data', (chunk: Buffer) => (exampleOutput += chunk.toString()));
    await waitUntil(
      () => /listening on (http:\/\/\S+)/.test(exampleOutput) || example?.exitCode !== null,
      120_000,
      () => `the example to listen: ${exampleOutput}`,
    );
    const listening = /listening on (http:\/\/\S+)/.exec(exampleOutput);
    if (!listening) throw new Error(`The example did not start: ${exampleOutput}`);
    exampleUrl = listening[1].replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    if (example && example.exitCode === null) {
      const exited = new Promise((resolve) => example?.once('exit', resolve));
      example.kill('SIGTERM');
      await exited;
    }
    await keyService?.close();
    await stack?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const get = async (route: string, key?: string) => {
    const response = await fetch(`${exampleUrl}${route}`, { headers: key ? { 'x-api-key': key } : {} });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> & { message?: string } };
  };

  it('created a key for itself with the client, which the key service knows and verifies', async () => {
    const own = await get('/own-key');
    expect(own).toEqual({ status: 200, body: { id: expect.stringMatching(/^orders-service-/), valid: true, roles: ['orders:read'] } });
    const record = await keyService.request('GET', `/v1/keys/${String(own.body.id)}`);
    expect(record.status).toBe(200);
    expect(record.body.annotations).toEqual({ owner: 'orders-service' });
  });

  it('admits a key with the role on its guarded route, refuses one without it, and refuses a revoked key at once', async () => {
    const caller = (await keyService.request('POST', '/v1/keys', { body: { name: 'checkout', roles: ['orders:read'] } })).body;
    const other = (await keyService.request('POST', '/v1/keys', { body: { name: 'billing', roles: ['billing:read'] } })).body;

    expect(await get('/orders', caller.key)).toEqual({ status: 200, body: { caller: caller.id, tenant: caller.tenant, orders: ['order-1', 'order-2'] } });
    expect((await get('/orders', other.key)).status).toBe(403);
    expect((await get('/orders')).status).toBe(401);

    expect((await keyService.request('POST', `/v1/keys/${caller.id}/revoke`, { body: { reason: 'leaked' } })).status).toBe(200);
    // No wait: the revoke is in force in Redis, and the guard's cache dropped it, when it returned.
    expect(await get('/orders', caller.key)).toEqual({ status: 401, body: expect.objectContaining({ message: 'API key rejected: REVOKED' }) });

    // The example's consumer follows the topic and records the revoke in its own table.
    await waitUntil(
      async () => ((await get('/revoked-keys')).body as unknown as { keyId: string }[]).some((r) => r.keyId === caller.id),
      60_000,
      () => `the example's consumer to see the revoke: ${exampleOutput}`,
    );
    const table = (await get('/revoked-keys')).body as unknown as { keyId: string; tenant: string; reason: string | null }[];
    expect(table).toEqual([{ keyId: caller.id, tenant: caller.tenant, reason: 'leaked', revokedAt: expect.any(String) }]);
  });
});
