import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, PostgresEventStore } from '@keys/event-store';
import { KeyDetailsPgStore, PositionFeedRunner } from '@keys/projections';
import { startTestApp } from '../support/test-app';

// Three starts of the embedded service (PGlite loads its WASM each time): on a loaded two-core box
// that alone has taken over a minute. A limit on how long a test may hang, not an assertion of speed.
jest.setTimeout(180_000);

describe('Embedded mode across restarts', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'key-service-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every key and its history across a restart, and a rebuild from position 0 equals the live read model', async () => {
    const first = await startTestApp({ DATA_DIR: dataDir });
    const kept = (await first.request('POST', '/v1/keys', { body: { name: 'kept', roles: ['r'] } })).body;
    const revoked = (await first.request('POST', '/v1/keys', { body: { name: 'revoked' } })).body;
    const rotated = (await first.request('POST', '/v1/keys', { body: { name: 'rotated' } })).body;
    await first.request('PATCH', `/v1/keys/${kept.id}`, { body: { description: 'survives' } });
    await first.request('POST', `/v1/keys/${revoked.id}/revoke`, { body: { reason: 'gone' } });
    const newSecret = (await first.request('POST', `/v1/keys/${rotated.id}/rotate`, { body: {} })).body.key;
    await first.request('POST', '/v1/keys/verify', { key: null, body: { key: kept.key } });
    const historyBefore = (await first.request('GET', `/v1/keys/${kept.id}/events`)).body.items;
    // Closing flushes pending usage, so the verify above is not lost either.
    await first.close({ keepData: true });

    const second = await startTestApp({ DATA_DIR: dataDir });
    try {
      const keptAfter = await second.request('GET', `/v1/keys/${kept.id}`);
      expect(keptAfter.body).toMatchObject({ name: 'kept', description: 'survives', status: 'ACTIVE', usageCount: 1 });
      const historyAfter = (await second.request('GET', `/v1/keys/${kept.id}/events`)).body.items;
      expect(historyAfter.slice(0, historyBefore.length)).toEqual(historyBefore);
      expect(historyAfter.map((e: { type: string }) => e.type)).toEqual(['KeyCreated', 'KeyUpdated', 'KeyUsed']);

      const verify = async (key: string) => (await second.request('POST', '/v1/keys/verify', { key: null, body: { key } })).body.code;
      expect(await verify(kept.key)).toBe('VALID');
      expect(await verify(revoked.key)).toBe('REVOKED');
      expect(await verify(rotated.key)).toBe('NOT_FOUND');
      expect(await verify(newSecret)).toBe('VALID');

      const details = second.app.get(KeyDetailsPgStore);
      const live = await details.dump();
      expect(live).toHaveLength(3);
      await details.reset();
      expect(await details.dump()).toEqual([]);
      await new PositionFeedRunner(second.app.get<PostgresEventStore>(EVENT_STORE), [details]).catchUp();
      expect(await details.dump()).toEqual(live);
    } finally {
      await second.close({ keepData: true });
    }
  });
});
