import { createHash, randomBytes } from 'node:crypto';
import { PostgresEventStore } from '@keys/event-store';
import { KeyDetailsPgStore } from '@keys/projections';
import { replayReadModels } from '../../apps/projector/src/read-model.replay';
import { distributedStack, DistributedStack } from '../support/distributed-stack';
import { waitUntil } from '../support/kafka-topic.collector';
import { createTestSchema } from '../support/postgres';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(300_000);

/**
 * Batch create and import in the distributed mode write every key's query-model row and
 * validation view themselves, a few hundred keys per statement (KeyCommandPgWriter.writeMany),
 * before they answer: with no projector running, every key is readable and verifies on the other
 * instance at once, and once the projector has carried the same events, the query model equals a
 * replay of the log (its writes of the same versions changed nothing).
 */
describe('Bulk create and import, distributed, with the projector not running', () => {
  let stack: DistributedStack;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    stack = await distributedStack('bulk_distributed');
    a = await startTestApp(stack.env);
    b = await startTestApp(stack.env);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await stack?.stop();
  });

  const item = (i: number, owner: string) => ({
    id: `${owner}-${i}`,
    name: `bulk ${i}`,
    owner,
    roles: ['reader', `shard:${i % 7}`],
    annotations: { ticket: `OPS-${i}` },
    rateLimit: { limit: 100 + i, durationMs: 60_000 },
  });

  it('answers a batch of 450 keys (three statements of the writer), each readable and valid on the other instance', async () => {
    const response = await a.request('POST', '/v1/keys/batch', { body: { keys: Array.from({ length: 450 }, (_, i) => item(i, 'batch-dist')) } });
    expect(response.status).toBe(200);
    const results = response.body.results as Array<{ status: number; key: { id: string; key: string } & Record<string, unknown> }>;
    expect(results.filter((r) => r.status === 201)).toHaveLength(450);
    for (const index of [0, 199, 200, 449]) {
      const { key: plaintext, ...record } = results[index].key;
      expect((await b.request('GET', `/v1/keys/${record.id}`)).body).toEqual(record);
      expect((await b.request('POST', '/v1/keys/verify', { key: null, body: { key: plaintext } })).body).toMatchObject({ valid: true, keyId: record.id });
    }
    const listed = await b.request('GET', '/v1/keys?owner=batch-dist&limit=100');
    expect(listed.body.items).toHaveLength(100);
  });

  it('answers an import of 250 keys, each readable on the other instance and verifying with its original plaintext', async () => {
    const plaintexts = Array.from({ length: 250 }, () => `uk_${randomBytes(18).toString('base64url')}`);
    const keys = plaintexts.map((p, i) => ({ ...item(i, 'import-dist'), hash: createHash('sha256').update(p).digest('base64'), hashAlgorithm: 'sha256-base64', prefix: 'uk' }));
    const response = await b.request('POST', '/v1/keys/import', { body: { keys } });
    expect(response.status).toBe(200);
    expect(response.body.failed).toEqual([]);
    expect(response.body.imported).toHaveLength(250);
    for (const index of [0, 249]) {
      expect((await a.request('GET', `/v1/keys/import-dist-${index}`)).body).toMatchObject({ name: `bulk ${index}`, owner: 'import-dist', prefix: 'uk', version: 1 });
      expect((await a.request('POST', '/v1/keys/verify', { key: null, body: { key: plaintexts[index] } })).body).toMatchObject({ valid: true, keyId: `import-dist-${index}` });
    }
  });

  it('ends, once the projector has carried the same events, with a query model equal to a replay of the log', async () => {
    await stack.startProjector();
    const store = new PostgresEventStore(stack.sql);
    const fresh = await createTestSchema('bulk_distributed_replay');
    try {
      const replayed = new KeyDetailsPgStore(fresh.sql);
      await replayed.init();
      await replayReadModels(store, [replayed]);
      const live = new KeyDetailsPgStore(stack.sql);
      const expected = JSON.stringify(await replayed.dump());
      await waitUntil(async () => JSON.stringify(await live.dump()) === expected, 60_000, () => 'the query model to equal a replay').catch(() => undefined);
      expect(await live.dump()).toEqual(await replayed.dump());
    } finally {
      await fresh.drop();
    }
  });
});
