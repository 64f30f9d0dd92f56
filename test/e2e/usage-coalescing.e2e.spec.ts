import { UsageFlusher } from '../../apps/key-service/src/keys/using/usage-flusher.service';
import { USAGE_INBOX, UsageInbox } from '../../apps/key-service/src/keys/using/usage-inbox.port';
import { distributedStack, DistributedStack } from '../support/distributed-stack';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(180_000);

/**
 * Usage is coalesced across instances: every instance pools its counts each window and one
 * instance appends the pool, so the log grows with keys × windows, never with the instance count.
 */
describe('Usage of one key verified on three instances (distributed)', () => {
  let stack: DistributedStack;
  let instances: TestApp[] = [];

  beforeAll(async () => {
    // Windows of an hour: within the test, only the flushes it calls run.
    stack = await distributedStack('usage_coalescing', { USAGE_WINDOW_SECONDS: '3600', USAGE_QUOTA_WINDOW_SECONDS: '3600' });
    for (let i = 0; i < 3; i++) instances.push(await startTestApp(stack.env));
    // Quota keys verify once the projector has restored the limit counters.
    await stack.startProjector();
  });

  afterAll(async () => {
    for (const svc of instances) await svc.close();
    instances = [];
    await stack?.stop();
  });

  const flush = (svc: TestApp) => svc.app.get(UsageFlusher).flush();
  const usedEvents = async (id: string) => {
    const history = await instances[0].request('GET', `/v1/keys/${id}/events?limit=500`);
    return (history.body.items as Array<{ type: string; data: { count: number } }>).filter((e) => e.type === 'KeyUsed').map((e) => e.data.count);
  };

  it('appends one KeyUsed per key per window for the deployment, every verify counted once', async () => {
    // The first to ask leads and keeps leading; a window is every instance's flush, the leader's last.
    const leads = [];
    for (const svc of instances) leads.push(await svc.app.get<UsageInbox>(USAGE_INBOX).leads());
    expect(leads).toEqual([true, false, false]);
    const [leader, ...others] = instances;

    const plain = (await leader.request('POST', '/v1/keys', { body: { name: 'plain' } })).body;
    const metered = (await leader.request('POST', '/v1/keys', { body: { name: 'metered', quota: { remaining: 1000 } } })).body;
    const verifyOn = async (svc: TestApp, key: string, times: number) => {
      for (let i = 0; i < times; i++)
        expect((await svc.request('POST', '/v1/keys/verify', { key: null, body: { key } })).body.code).toBe('VALID');
    };

    for (const [window, perInstance] of [
      [1, [3, 4, 5]],
      [2, [1, 0, 2]],
    ] as const) {
      for (const [i, svc] of instances.entries()) {
        await verifyOn(svc, plain.key, perInstance[i]);
        await verifyOn(svc, metered.key, perInstance[i]);
      }
      // The others only pool their counts: nothing reaches the log until the leader's flush.
      for (const svc of others) expect(await flush(svc)).toBe(0);
      expect((await usedEvents(plain.id)).length).toBe(window - 1);
      expect(await flush(leader)).toBe(2);
    }

    const total = [3 + 4 + 5, 1 + 0 + 2];
    expect(await usedEvents(plain.id)).toEqual(total);
    expect(await usedEvents(metered.id)).toEqual(total);
  });
});
