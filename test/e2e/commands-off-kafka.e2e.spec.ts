import { PostgresEventStore } from '@keys/event-store';
import { silentMessagingLogger } from '@keys/messaging';
import { KeyDetailsPgStore } from '@keys/projections';
import { Projector } from '../../apps/projector/src/projector';
import { loadProjectorConfig } from '../../apps/projector/src/projector.config';
import { replayReadModels } from '../../apps/projector/src/read-model.replay';
import { UsageFlusher } from '../../apps/key-service/src/keys/using/usage-flusher.service';
import { distributedStack, DistributedStack } from '../support/distributed-stack';
import { everyCommittedEvent } from '../support/committed-feed';
import { freePort } from '../support/free-port';
import { DedicatedKafkaBroker, startDedicatedKafkaBroker } from '../support/kafka-broker';
import { TopicCollector, waitUntil } from '../support/kafka-topic.collector';
import { createTestSchema } from '../support/postgres';
import { startTestApp, TestApp } from '../support/test-app';

jest.setTimeout(300_000);

/** Its own broker, so stopping it leaves every other test file's broker alone. */

/**
 * A management command needs PostgreSQL (and Redis for the deny state), nothing else: it writes
 * its key's query-model row itself, so it answers, and a GET on another instance shows it, while
 * the projector or the Kafka broker is down. Once they are back the relay and the projector carry
 * the same events, and the query model equals a replay of the log.
 */
describe('Distributed commands with Kafka and the projector off their path', () => {
  let broker: DedicatedKafkaBroker;
  let stack: DistributedStack;
  let collector: TopicCollector;
  let projector: Projector | null = null;
  let a: TestApp;
  let b: TestApp;

  const startProjector = async () => {
    // The projector's first replay reads the event store, which the services have created.
    const started = await Projector.create(loadProjectorConfig(stack.env), silentMessagingLogger);
    await started.start();
    await waitUntil(() => started.keyValidation.isBuilt(), 60_000, () => 'the projector to build the validation model');
    projector = started;
  };
  const stopProjector = async () => {
    const stopping = projector;
    projector = null;
    await stopping?.stop();
  };

  beforeAll(async () => {
    broker = await startDedicatedKafkaBroker(await freePort(2), `commands-off-kafka-${process.pid}`);
    stack = await distributedStack('commands_off_kafka', { KAFKA_BROKERS: broker.brokers.join(','), USAGE_WINDOW_SECONDS: '3600' });
    a = await startTestApp(stack.env);
    b = await startTestApp(stack.env);
    await startProjector();
    collector = new TopicCollector(broker.brokers, stack.env.KAFKA_TOPIC);
    await collector.start();
  });

  afterAll(async () => {
    await collector?.stop();
    await stopProjector();
    await a?.close();
    await b?.close();
    await stack?.stop();
    await broker?.destroy();
  });

  const verify = async (svc: TestApp, key: string): Promise<string> =>
    (await svc.request('POST', '/v1/keys/verify', { key: null, body: { key } })).body.code;

  /** Asserts the instance that did not run the command reads exactly what the command answered. */
  const seenOn = async (svc: TestApp, answer: { id: string; owner: string; key?: string }) => {
    const { key: _plaintext, ...record } = answer;
    const got = await svc.request('GET', `/v1/keys/${answer.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(record);
    const listed = await svc.request('GET', `/v1/keys?owner=${encodeURIComponent(String(record.owner))}`);
    expect(listed.body.items).toContainEqual(record);
  };

  /** A key's life across both instances: each command answers, and the other instance reads it. */
  const lifeOfAKey = async (owner: string) => {
    const created = await a.request('POST', '/v1/keys', { body: { name: 'made', owner, roles: ['reader'] } });
    expect(created.status).toBe(201);
    await seenOn(b, created.body);
    expect(await verify(b, created.body.key)).toBe('VALID');
    const updated = await b.request('PATCH', `/v1/keys/${created.body.id}`, { body: { description: 'changed on B' } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ description: 'changed on B', version: 2 });
    await seenOn(a, updated.body);
    const disabled = await a.request('POST', `/v1/keys/${created.body.id}/disable`, { body: {} });
    expect(disabled.status).toBe(200);
    await seenOn(b, disabled.body);
    expect(await verify(b, created.body.key)).toBe('DISABLED');
    const revoked = (await b.request('POST', '/v1/keys', { body: { name: 'to revoke', owner } })).body;
    const revoke = await a.request('POST', `/v1/keys/${revoked.id}/revoke`, { body: { reason: 'leaked' } });
    expect(revoke.body).toMatchObject({ status: 'REVOKED', version: 2 });
    await seenOn(b, revoke.body);
    expect(await verify(a, revoked.key)).toBe('REVOKED');
    return { kept: created.body as { id: string; key: string } };
  };

  /**
   * Back to normal: every event in the log reaches the topic, the projector carries what only it
   * writes (usage), and the query model equals a replay of the log from position 0.
   */
  const caughtUp = async (key: { id: string; key: string }) => {
    const store = new PostgresEventStore(stack.sql);
    const logged = (await everyCommittedEvent(store, stack.sql)).map((e) => e.eventId);
    await collector.waitFor((messages) => {
      const published = new Set(messages.map((m) => (JSON.parse(m.value) as { eventId: string }).eventId));
      return logged.every((id) => published.has(id));
    }, 120_000);
    // Re-enabled, then used (its second VALID verify): the KeyUsed reaches the query model through
    // Kafka and the projector alone.
    expect((await b.request('POST', `/v1/keys/${key.id}/enable`, { body: {} })).status).toBe(200);
    expect(await verify(b, key.key)).toBe('VALID');
    // One instance appends the deployment's usage: whichever leads, b's pooled counts are in the log after this.
    for (const svc of [b, a, b]) await svc.app.get(UsageFlusher).flush();
    await waitUntil(
      async () => (await a.request('GET', `/v1/keys/${key.id}`)).body.usageCount === 2,
      120_000,
      () => 'the projector to carry the usage to the query model',
    );
    const fresh = await createTestSchema('commands_off_kafka_replay');
    try {
      const replayed = new KeyDetailsPgStore(fresh.sql);
      await replayed.init();
      // The replay reads the feed: let it show every flush's KeyUsed first.
      await everyCommittedEvent(store, stack.sql);
      await replayReadModels(store, [replayed]);
      const expected = JSON.stringify(await replayed.dump());
      // The flushes appended a KeyUsed for every key verified, the revoked one too (its refusals):
      // wait until the projector has applied them all, then the query model must equal the replay.
      const live = new KeyDetailsPgStore(stack.sql);
      await waitUntil(async () => JSON.stringify(await live.dump()) === expected, 60_000, () => 'the query model to equal a replay').catch(() => undefined);
      expect(await live.dump()).toEqual(await replayed.dump());
    } finally {
      await fresh.drop();
    }
  };

  it('answers, and shows each change on the other instance, with the projector stopped', async () => {
    await stopProjector();
    const { kept } = await lifeOfAKey('projector-down');
    await startProjector();
    await caughtUp(kept);
  });

  it('answers, and shows each change on the other instance, with the Kafka broker stopped', async () => {
    await broker.stop();
    let kept: { id: string; key: string };
    try {
      ({ kept } = await lifeOfAKey('kafka-down'));
    } finally {
      await broker.start();
    }
    await caughtUp(kept);
  });
});
