import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { envelopeFromStoredEvent, EVENT_TYPE_HEADER, KafkaKeyEventEnvelope, keyStreamId, parseKeyEventEnvelope, SCHEMA_VERSION_HEADER } from '@key-service/events';
import { PgSqlClient, PostgresEventStore, StoredEvent } from '@keys/event-store';
import { createTestSchema, TEST_DATABASE_URL } from '../../../../test/support/postgres';
import { startDedicatedKafkaBroker } from '../../../../test/support/kafka-broker';
import { freePort } from '../../../../test/support/free-port';
import { KeyEventWriter, writeLifecycles } from '../../../../test/support/key-event.fixtures';
import { CollectedMessage, TopicCollector, waitUntil } from '../../../../test/support/kafka-topic.collector';
import { everyCommittedEvent } from '../../../../test/support/committed-feed';
import { consoleMessagingLogger, silentMessagingLogger } from '../kafka/messaging.logger';
import { KafkaEventRelay, KafkaEventRelayOptions } from './kafka-event.relay';

jest.setTimeout(180_000);

const brokers = () => (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

/** First delivery of each event, as a consumer deduplicating by eventId sees the topic. */
function firstDeliveries(messages: readonly CollectedMessage[]): KafkaKeyEventEnvelope[] {
  const seen = new Set<string>();
  const out: KafkaKeyEventEnvelope[] = [];
  for (const m of messages) {
    const envelope = parseKeyEventEnvelope(m.value);
    if (seen.has(envelope.eventId)) continue;
    seen.add(envelope.eventId);
    out.push(envelope);
  }
  return out;
}

function containsAll(messages: readonly CollectedMessage[], events: readonly StoredEvent[]): boolean {
  const ids = new Set(firstDeliveries(messages).map((e) => e.eventId));
  return events.every((e) => ids.has(e.eventId));
}

/** Per key, the first deliveries come in stream order 1, 2, 3… with nothing skipped. */
function expectPerKeyOrder(messages: readonly CollectedMessage[]): void {
  const byKey = new Map<string, number[]>();
  for (const m of messages) {
    const e = parseKeyEventEnvelope(m.value);
    expect(m.key).toBe(keyStreamId(e.tenant, e.keyId));
  }
  for (const e of firstDeliveries(messages)) byKey.set(keyStreamId(e.tenant, e.keyId), [...(byKey.get(keyStreamId(e.tenant, e.keyId)) ?? []), e.version]);
  for (const versions of byKey.values()) expect(versions).toEqual(versions.map((_, i) => i + 1));
}

describe('Kafka event relay', () => {
  let schema: string;
  let store: PostgresEventStore;
  let drop: () => Promise<void>;
  let sql: Awaited<ReturnType<typeof createTestSchema>>['sql'];
  const running: KafkaEventRelay[] = [];
  const collectors: TopicCollector[] = [];

  beforeAll(async () => {
    ({ schema, sql, drop } = await createTestSchema('relay'));
    store = new PostgresEventStore(sql);
    await store.init();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    await Promise.all(collectors.splice(0).map((c) => c.stop()));
  });

  afterAll(async () => drop());

  async function relay(topic: string, options: Partial<KafkaEventRelayOptions> = {}): Promise<KafkaEventRelay> {
    const r = new KafkaEventRelay({
      store,
      sql,
      lockConnection: { connectionString: TEST_DATABASE_URL, schema },
      brokers: brokers(),
      topic,
      name: `relay-${topic}`,
      pollIntervalMs: 50,
      lockRetryMs: 300,
      batchSize: 50,
      logger: process.env.RELAY_DEBUG ? consoleMessagingLogger : silentMessagingLogger,
      ...options,
    });
    await r.init();
    running.push(r);
    return r;
  }

  async function collect(topic: string): Promise<TopicCollector> {
    const c = new TopicCollector(brokers(), topic);
    collectors.push(c);
    await c.start();
    return c;
  }

  it('publishes created, updated, used and revoked keys in order per key, with the documented envelope and no secret', async () => {
    const topic = `key-events-${randomUUID()}`;
    const before = await everyCommittedEvent(store, sql);
    const writer = new KeyEventWriter(store);
    const issued = await writeLifecycles(writer, 6);
    const stored = (await everyCommittedEvent(store, sql)).slice(before.length);
    expect(new Set(stored.map((e) => e.type))).toEqual(new Set(['KeyCreated', 'KeyUpdated', 'KeyUsed', 'KeyRevoked', 'KeyRotated', 'KeyRevealed']));

    // The relay publishes the whole store; this test looks at its own keys.
    const r = await relay(topic);
    r.start();
    const topicReader = await collect(topic);
    await topicReader.waitFor((m) => containsAll(m, stored));

    const ours = new Set(issued.map((k) => keyStreamId(k.tenant, k.keyId)));
    const mine = topicReader.messages.filter((m) => ours.has(m.key));
    expect(mine).toHaveLength(stored.length);
    for (const message of mine) {
      const envelope = JSON.parse(message.value) as KafkaKeyEventEnvelope;
      const original = stored.find((e) => e.eventId === envelope.eventId);
      expect(original).toBeDefined();
      expect(envelope).toEqual(envelopeFromStoredEvent(original as StoredEvent));
      expect(Object.keys(envelope).sort()).toEqual(
        ['actor', 'correlationId', 'data', 'eventId', 'keyId', 'occurredAt', 'position', 'schemaVersion', 'tenant', 'type', 'version'],
      );
      expect(message.key).toBe(keyStreamId(envelope.tenant, envelope.keyId));
      expect(message.headers[EVENT_TYPE_HEADER]).toBe(envelope.type);
      // As stored: the fixture's events are v1, but for a recoverable key's KeyCreated (v2).
      expect(message.headers[SCHEMA_VERSION_HEADER]).toBe(String((original as StoredEvent).schemaVersion));
      for (const key of issued) expect(message.value).not.toContain(key.plaintext);
    }
    expectPerKeyOrder(mine);
    await waitUntil(async () => (await r.lag()).events === 0, 30_000, () => 'relay lag to reach 0');
    expect(await r.lag()).toEqual(expect.objectContaining({ events: 0, ms: 0, checkpoint: stored[stored.length - 1].position }));
  });

  it('loses no event when the broker is stopped and restarted mid-stream', async () => {
    // Its own broker: taking the shared one down would fail the files running beside this one.
    const broker = await startDedicatedKafkaBroker(await freePort(2), `relay-outage-${process.pid}`);
    try {
      const topic = `key-events-${randomUUID()}`;
      const writer = new KeyEventWriter(store);
      const r = await relay(topic, { brokers: broker.brokers });
      r.start();
      await writeLifecycles(writer, 5);
      await waitUntil(async () => (await r.lag()).events === 0, 60_000, () => 'first events published');

      await broker.stop();
      try {
        // Appends go on while the broker is down; the relay keeps them as lag and retries.
        await writeLifecycles(writer, 5);
        await waitUntil(() => r.lastError !== null, 60_000, () => 'relay to notice the outage');
        expect((await r.lag()).events).toBeGreaterThan(0);
      } finally {
        await broker.start();
      }
      await writeLifecycles(writer, 5);

      const stored = await everyCommittedEvent(store, sql);
      const topicReader = new TopicCollector(broker.brokers, topic);
      collectors.push(topicReader);
      await topicReader.start();
      await topicReader.waitFor((m) => containsAll(m, stored), 120_000);
      // Counted: every stored event is on the topic, at least once, and per key in order.
      expect(new Set(firstDeliveries(topicReader.messages).map((e) => e.eventId))).toEqual(new Set(stored.map((e) => e.eventId)));
      expect(firstDeliveries(topicReader.messages)).toHaveLength(stored.length);
      expectPerKeyOrder(topicReader.messages);
    } finally {
      await Promise.all(running.splice(0).map((x) => x.stop()));
      await Promise.all(collectors.splice(0).map((c) => c.stop()));
      await broker.destroy();
    }
  });

  it('is woken by the NOTIFY of an append made elsewhere, without polling or a poke, and again after a burst it was deaf to', async () => {
    const topic = `key-events-${randomUUID()}`;
    // A poll this rare cannot be what delivers the event within the wait below.
    const r = await relay(topic, { pollIntervalMs: 600_000 });
    r.start();
    await waitUntil(async () => r.active && (await r.lag()).events === 0, 60_000, () => 'relay to lead and catch up');
    const topicReader = await collect(topic);
    // Another pool, as another instance would append: nothing pokes this relay.
    const otherSql = new PgSqlClient({ connectionString: TEST_DATABASE_URL, schema, max: 2 });
    try {
      const otherWriter = new KeyEventWriter(new PostgresEventStore(otherSql));
      // A lifecycle is a burst: the relay publishes its first event, stops listening while it
      // lingers over the rest, and listens again once a pass finds nothing.
      await writeLifecycles(otherWriter, 1);
      const burst = (await everyCommittedEvent(store, sql)).slice(-1);
      await topicReader.waitFor((m) => containsAll(m, burst), 30_000);
      // Counted once the checkpoint is written, a moment after the topic shows the batch.
      await waitUntil(() => r.publishedCount > 0, 10_000, () => 'the woken relay to count what it published');
      await new Promise((resolve) => setTimeout(resolve, 500));
      // Only a notification can deliver this one: the relay must be listening again.
      await writeLifecycles(otherWriter, 1);
      const after = (await everyCommittedEvent(store, sql)).slice(-1);
      await topicReader.waitFor((m) => containsAll(m, after), 30_000);
    } finally {
      await otherSql.close();
    }
  });

  it('resumes from its checkpoint after it went down, publishing what was appended meanwhile', async () => {
    const topic = `key-events-${randomUUID()}`;
    const writer = new KeyEventWriter(store);
    const first = await relay(topic, { instanceId: `first-${randomUUID()}` });
    first.start();
    await writeLifecycles(writer, 3);
    await waitUntil(async () => (await first.lag()).events === 0, 60_000, () => 'first events published');
    const publishedBefore = first.publishedCount;
    await first.stop();

    const headBefore = await everyCommittedEvent(store, sql);
    await writeLifecycles(writer, 3);
    const stored = await everyCommittedEvent(store, sql);
    const appendedWhileDown = stored.length - headBefore.length;
    expect((await first.lag()).events).toBe(appendedWhileDown);

    const second = await relay(topic, { instanceId: `second-${randomUUID()}` });
    second.start();
    const topicReader = await collect(topic);
    await topicReader.waitFor((m) => containsAll(m, stored), 60_000);
    // The relay counts a batch once its checkpoint is written, after the broker acked it: a reader
    // of the topic can see the messages before the count moves.
    await waitUntil(async () => (await second.lag()).events === 0 && second.publishedCount >= appendedWhileDown, 30_000, () => 'second checkpointed');
    // It started from the checkpoint, not from position 0.
    expect(second.publishedCount).toBe(appendedWhileDown);
    expect(topicReader.messages).toHaveLength(publishedBefore + appendedWhileDown);
    expectPerKeyOrder(topicReader.messages);
  });

  it('lets one replica relay at a time and hands over when its database session is terminated', async () => {
    const topic = `key-events-${randomUUID()}`;
    const writer = new KeyEventWriter(store);
    const a = await relay(topic, { instanceId: `a-${randomUUID()}` });
    const b = await relay(topic, { instanceId: `b-${randomUUID()}` });
    let bothActive = 0;
    const sampler = setInterval(() => {
      if (a.active && b.active) bothActive++;
    }, 10);
    try {
      a.start();
      b.start();
      await waitUntil(() => a.active || b.active, 30_000, () => 'a leader');
      await writeLifecycles(writer, 3);
      await waitUntil(async () => (await a.lag()).events === 0, 60_000, () => 'events published by the leader');
      const [leader, standby] = a.active ? [a, b] : [b, a];
      expect(standby.active).toBe(false);
      expect(standby.publishedCount).toBe(0);

      const admin = new Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      const terminated = await admin.query(
        'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1',
        [`key-relay ${leader.instanceId}`],
      );
      await admin.end();
      expect(terminated.rows).toEqual([{ ok: true }]);

      await waitUntil(() => standby.active, 30_000, () => 'the standby to take over');
      await writeLifecycles(writer, 3);
      const stored = await everyCommittedEvent(store, sql);
      const topicReader = await collect(topic);
      await topicReader.waitFor((m) => containsAll(m, stored), 60_000);
      await waitUntil(() => standby.publishedCount > 0, 10_000, () => 'the new leader to count what it published');
      expect(leader.active).toBe(false);
      expectPerKeyOrder(topicReader.messages);
      expect(bothActive).toBe(0);
    } finally {
      clearInterval(sampler);
    }
  });
});
