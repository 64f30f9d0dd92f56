import { keyStreamId } from '@key-service/events';
import { EVENT_STORE, EventStore } from '@keys/event-store';
import { KEY_SNAPSHOT_SCHEMA, SNAPSHOT_EVERY } from '../../apps/key-service/src/keys/key-snapshot';
import { startTestApp, TestApp } from '../support/test-app';
import { recordUsageHistory } from '../support/usage-history';

/**
 * A hot key gets a KeyUsed per instance per usage window, for as long as it lives. Commands load
 * it from a snapshot and the events after it, so what they answer must be exactly what the whole
 * stream folds to, while audits still see every event.
 */
describe('A key with a long usage history over HTTP (embedded mode)', () => {
  let svc: TestApp;
  let store: EventStore;
  beforeAll(async () => {
    svc = await startTestApp();
    store = svc.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => svc.close());

  const verify = async (key: string) => (await svc.request('POST', '/v1/keys/verify', { key: null, body: { key } })).body.code;

  it('rotates and revokes it from a snapshot, answering what its whole stream folds to', async () => {
    const created = (await svc.request('POST', '/v1/keys', { body: { name: 'hot', roles: ['read'] } })).body;
    const windows = 3 * SNAPSHOT_EVERY + 5;
    const lastUsedAt = await recordUsageHistory(svc, created, windows, 7);

    // Loading it reads a snapshot and fewer than SNAPSHOT_EVERY events, not its whole stream.
    const tail = await store.readStreamTail(keyStreamId(created.tenant, created.id), KEY_SNAPSHOT_SCHEMA);
    expect(tail.snapshot).not.toBeNull();
    expect(tail.snapshot!.version + tail.events.length).toBe(windows + 1);
    expect(tail.events.length).toBeLessThan(SNAPSHOT_EVERY);

    const rotated = await svc.request('POST', `/v1/keys/${created.id}/rotate`, { body: { gracePeriodSeconds: 3600 } });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ version: windows + 2, usageCount: windows * 7, lastUsedAt, status: 'ACTIVE' });
    expect([await verify(created.key), await verify(rotated.body.key)]).toEqual(['VALID', 'VALID']);

    const revoked = await svc.request('POST', `/v1/keys/${created.id}/revoke`, { body: { reason: 'leaked' } });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ version: windows + 3, usageCount: windows * 7, lastUsedAt, status: 'REVOKED', revokeReason: 'leaked' });
    // The revoke retired the old secret's grace period with the key: it is no longer known at all.
    expect([await verify(created.key), await verify(rotated.body.key)]).toEqual(['NOT_FOUND', 'REVOKED']);
    // The query model folds every event from the first: the same key, field by field.
    expect((await svc.request('GET', `/v1/keys/${created.id}`)).body).toEqual(revoked.body);

    // Its history comes a page at a time, every event exactly once, in stream order.
    const history: { version: number; occurredAt: string }[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await svc.request('GET', `/v1/keys/${created.id}/events?limit=${SNAPSHOT_EVERY}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      history.push(...page.body.items);
      pageSizes.push(page.body.items.length);
      cursor = page.body.nextCursor;
    }
    expect(history.map((e) => e.version)).toEqual(Array.from({ length: windows + 3 }, (_, i) => i + 1));
    expect(pageSizes).toEqual([SNAPSHOT_EVERY, SNAPSHOT_EVERY, SNAPSHOT_EVERY, 8]);
    const unpaged = await svc.request('GET', `/v1/keys/${created.id}/events`);
    expect(unpaged.body.items).toHaveLength(100);
    const midway = await svc.request('GET', `/v1/keys/${created.id}?at=${encodeURIComponent(history[SNAPSHOT_EVERY].occurredAt)}`);
    expect(midway.body).toMatchObject({ status: 'ACTIVE', version: expect.any(Number) });
    expect(midway.body.version).toBeGreaterThanOrEqual(SNAPSHOT_EVERY + 1);
  });

  it('reads the whole stream when its snapshot was taken by other folding code', async () => {
    const created = (await svc.request('POST', '/v1/keys', { body: { name: 'old snapshot' } })).body;
    await recordUsageHistory(svc, created, 3, 2);
    // What an older release of the service might have left: a different shape under another schema.
    await store.saveSnapshot(keyStreamId(created.tenant, created.id), 'api-key:0', { version: 4, state: { key: { status: 'REVOKED' } } });
    const disabled = await svc.request('POST', `/v1/keys/${created.id}/disable`, { body: {} });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ status: 'DISABLED', usageCount: 6, version: 5 });
  });
});
