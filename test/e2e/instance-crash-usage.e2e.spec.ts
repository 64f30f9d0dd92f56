import { freePort } from '../support/free-port';
import { DistributedStack, distributedStack } from '../support/distributed-stack';
import { waitUntil } from '../support/kafka-topic.collector';
import { buildService, ServiceBuild, ServiceProcess, spawnService } from '../support/service-process';
import { startTestApp, TEST_ROOT_KEY } from '../support/test-app';

jest.setTimeout(240_000);


/**
 * An instance killed with SIGKILL runs no shutdown flush: what it had buffered is lost. The bound
 * (docs/architecture.md, "Usage"): keys with a quota lose at most the verifies of their last
 * USAGE_QUOTA_WINDOW_SECONDS, other keys at most those of their last USAGE_WINDOW_SECONDS.
 */
describe('Usage an instance had buffered when it is killed (distributed)', () => {
  let build: ServiceBuild;
  let stack: DistributedStack;
  let env: Record<string, string>;
  let svc: ServiceProcess | null = null;

  beforeAll(async () => {
    stack = await distributedStack('instance_crash', {
      // Other keys' usage is flushed once an hour: within this test, only a kill can end it.
      USAGE_WINDOW_SECONDS: '3600',
      USAGE_QUOTA_WINDOW_SECONDS: '1',
    });
    env = { ...stack.env };
    build = await buildService();
    await stack.startProjector();
  });

  afterAll(async () => {
    await svc?.kill('SIGKILL');
    build?.remove();
    await stack?.stop();
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
  const call = async (baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'x-api-key': TEST_ROOT_KEY, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  };

  it('loses at most the quota window of a quota key and the usage window of the others', async () => {
    svc = await spawnService(build, await freePort(), env);
    const { baseUrl } = svc;
    const metered = (await call(baseUrl, 'POST', '/v1/keys', { name: 'metered', quota: { remaining: 1000 } })).body;
    const plain = (await call(baseUrl, 'POST', '/v1/keys', { name: 'plain' })).body;
    const verifyOn = async (url: string, key: string) => (await call(url, 'POST', '/v1/keys/verify', { key })).body;
    for (let i = 0; i < 30; i++) expect((await verifyOn(baseUrl, metered.key)).code).toBe('VALID');
    for (let i = 0; i < 20; i++) expect((await verifyOn(baseUrl, plain.key)).code).toBe('VALID');
    // The quota key's usage reaches the log within its short window, the plain key's does not.
    const usageOf = async (url: string, id: string): Promise<number> => (await call(url, 'GET', `/v1/keys/${id}`)).body.usageCount;
    await waitUntil(async () => (await usageOf(baseUrl, metered.id)) === 30, 60_000, () => 'the quota key\'s usage to be flushed');
    // Verifies answered just before the kill, in the window not flushed yet.
    for (let i = 0; i < 7; i++) expect((await verifyOn(baseUrl, metered.key)).code).toBe('VALID');

    await svc.kill('SIGKILL');
    svc = null;

    const next = await startTestApp(env);
    try {
      const meteredCount = await usageOf(next.baseUrl, metered.id);
      expect(meteredCount).toBeGreaterThanOrEqual(30);
      expect(meteredCount).toBeLessThanOrEqual(37);
      // The plain key's whole window was in memory: lost, as documented, and no more than it.
      expect(await usageOf(next.baseUrl, plain.id)).toBe(0);
      // The quota's counter lives in Redis, not in the instance: nothing admitted is granted again.
      expect((await next.request('POST', '/v1/keys/verify', { key: null, body: { key: metered.key } })).body).toMatchObject({
        code: 'VALID',
        remaining: 1000 - 37 - 1,
      });
    } finally {
      await next.close();
    }
  });
});
