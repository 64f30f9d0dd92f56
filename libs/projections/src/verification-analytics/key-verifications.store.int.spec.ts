import { PgliteSqlClient, PostgresEventStore, SqlClient } from '@keys/event-store';
import { replayReadModels } from '../../../../apps/projector/src/read-model.replay';
import { KeyEventWriter } from '../../../../test/support/key-event.fixtures';
import { createTestSchema } from '../../../../test/support/postgres';
import { everyCommittedEvent } from '../../../../test/support/committed-feed';
import { PositionFeedRunner } from '../feed/position-feed.runner';
import { upcastKeyEvent } from '@key-service/events';
import { KeyVerificationsPgStore } from './key-verifications.pg-store';

const NOW = Date.UTC(2026, 0, 10, 12);
const range = (granularity: 'minute' | 'hour' | 'day', from: string, to: string) => ({ granularity, from: new Date(from), to: new Date(to) });

function contract(name: string, open: () => Promise<{ sql: SqlClient; close: () => Promise<void> }>) {
  describe(`verification analytics on ${name}`, () => {
    let sql: SqlClient;
    let close: () => Promise<void>;
    let store: PostgresEventStore;
    let model: KeyVerificationsPgStore;
    const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };

    beforeAll(async () => {
      ({ sql, close } = await open());
      store = new PostgresEventStore(sql);
      await store.init();
      model = new KeyVerificationsPgStore(sql, { now: () => NOW });
      await model.init();
      const writer = new KeyEventWriter(store);
      ids.a = (await writer.create('acme')).keyId;
      ids.b = (await writer.create('acme')).keyId;
      ids.c = (await writer.create('globex')).keyId;
      // Written before outcomes existed: 5 successes, counted in the minute of lastUsedAt.
      await writer.use(ids.a, 5, new Date('2026-01-10T00:00:30.000Z'));
      await writer.verified(ids.a, [
        { minute: '2026-01-09T23:59:00.000Z', counts: { VALID: 3, RATE_LIMITED: 2 } },
        { minute: '2026-01-10T00:00:00.000Z', counts: { VALID: 1, INSUFFICIENT_ROLES: 4 } },
      ]);
      // Older than the minute buckets' retention, within the hour and day buckets'.
      await writer.verified(ids.a, [{ minute: '2025-12-01T10:05:00.000Z', counts: { VALID: 2 } }]);
      await writer.revoke(ids.a);
      await writer.verified(ids.a, [{ minute: '2026-01-10T00:01:00.000Z', counts: { REVOKED: 7 } }]);
      await writer.verified(ids.b, [{ minute: '2026-01-10T00:00:00.000Z', counts: { VALID: 100 } }]);
      await writer.update(ids.b, { name: 'search' });
      await writer.verified(ids.c, [{ minute: '2026-01-10T00:00:00.000Z', counts: { EXPIRED: 9 } }]);
      // Small batches: a key's events arrive over several transactions, as they do live.
      await new PositionFeedRunner(store, [model], { batchSize: 2 }).catchUp();
    });
    afterAll(async () => close());

    it("counts every answer of a key exactly, per minute, rolled up to hours and days", async () => {
      expect(await model.keyBuckets('acme', ids.a, range('minute', '2026-01-09T23:00:00Z', '2026-01-10T02:00:00Z'))).toEqual([
        { start: '2026-01-09T23:59:00.000Z', total: 5, counts: { RATE_LIMITED: 2, VALID: 3 } },
        { start: '2026-01-10T00:00:00.000Z', total: 10, counts: { INSUFFICIENT_ROLES: 4, VALID: 6 } },
        { start: '2026-01-10T00:01:00.000Z', total: 7, counts: { REVOKED: 7 } },
      ]);
      expect(await model.keyBuckets('acme', ids.a, range('hour', '2026-01-09T23:30:00Z', '2026-01-10T01:00:00Z'))).toEqual([
        { start: '2026-01-09T23:00:00.000Z', total: 5, counts: { RATE_LIMITED: 2, VALID: 3 } },
        { start: '2026-01-10T00:00:00.000Z', total: 17, counts: { INSUFFICIENT_ROLES: 4, REVOKED: 7, VALID: 6 } },
      ]);
      expect(await model.keyBuckets('acme', ids.a, range('day', '2025-01-01T00:00:00Z', '2026-02-01T00:00:00Z'))).toEqual([
        { start: '2025-12-01T00:00:00.000Z', total: 2, counts: { VALID: 2 } },
        { start: '2026-01-09T00:00:00.000Z', total: 5, counts: { RATE_LIMITED: 2, VALID: 3 } },
        { start: '2026-01-10T00:00:00.000Z', total: 17, counts: { INSUFFICIENT_ROLES: 4, REVOKED: 7, VALID: 6 } },
      ]);
      // Another tenant's key is another key, even to the store.
      expect(await model.keyBuckets('globex', ids.a, range('day', '2025-01-01T00:00:00Z', '2026-02-01T00:00:00Z'))).toEqual([]);
    });

    it('keeps minute buckets only for their retention, hours and days longer', async () => {
      expect(await model.keyBuckets('acme', ids.a, range('minute', '2025-12-01T10:00:00Z', '2025-12-01T11:00:00Z'))).toEqual([]);
      expect(await model.keyBuckets('acme', ids.a, range('hour', '2025-12-01T10:00:00Z', '2025-12-01T11:00:00Z'))).toEqual([
        { start: '2025-12-01T10:00:00.000Z', total: 2, counts: { VALID: 2 } },
      ]);
    });

    it("sums a tenant's keys, or every tenant's, and names the top keys by volume and by rejections", async () => {
      const hours = range('hour', '2026-01-09T23:00:00Z', '2026-01-10T01:00:00Z');
      expect(await model.tenantBuckets('acme', hours)).toEqual([
        { start: '2026-01-09T23:00:00.000Z', total: 5, counts: { RATE_LIMITED: 2, VALID: 3 } },
        { start: '2026-01-10T00:00:00.000Z', total: 117, counts: { INSUFFICIENT_ROLES: 4, REVOKED: 7, VALID: 106 } },
      ]);
      expect((await model.tenantBuckets(undefined, hours))[1]).toEqual({
        start: '2026-01-10T00:00:00.000Z',
        total: 126,
        counts: { EXPIRED: 9, INSUFFICIENT_ROLES: 4, REVOKED: 7, VALID: 106 },
      });
      const acme = await model.topKeys('acme', hours);
      expect(acme.byVolume.map((k) => [k.keyId, k.name, k.total])).toEqual([
        [ids.b, 'search', 100],
        [ids.a, `key ${ids.a.slice(0, 8)}`, 22],
      ]);
      expect(acme.byRejections.map((k) => [k.keyId, k.rejected])).toEqual([[ids.a, 13]]);
      const all = await model.topKeys(undefined, hours);
      expect(all.byRejections.map((k) => [k.tenant, k.keyId, k.rejected])).toEqual([
        ['acme', ids.a, 13],
        ['globex', ids.c, 9],
      ]);
    });

    it('counts a redelivered batch once, and a replay from position 0 builds exactly the live model', async () => {
      const live = await model.dump();
      expect(live.length).toBeGreaterThan(10);
      const everything = (await everyCommittedEvent(store, sql)).map((e) => upcastKeyEvent(e));
      await model.handle(everything);
      expect(await model.dump()).toEqual(live);
      const [report] = await replayReadModels(store, [model], { batchSize: 3 });
      expect(report).toMatchObject({ readModel: 'key-verifications', events: everything.length, keys: 3 });
      expect(await model.dump()).toEqual(live);
      expect(await model.checkpoint()).toBe(everything[everything.length - 1].position);
    });
  });
}

contract('PostgreSQL', async () => {
  const { sql, drop } = await createTestSchema('verifications');
  return { sql, close: drop };
});

contract('PGlite', async () => {
  const sql = await PgliteSqlClient.open();
  return { sql, close: () => sql.close() };
});
