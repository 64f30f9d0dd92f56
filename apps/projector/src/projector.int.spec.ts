import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { keyStreamId, RecordedKeyEvent } from '@key-service/events';
import { PostgresEventStore } from '@keys/event-store';
import { KafkaEventRelay, KafkaProjectionConsumer, silentMessagingLogger } from '@keys/messaging';
import { KeyDetailsPgStore, KeyDetailsView, ProjectionSink, RedisKeyValidationStore, ValidationRecord } from '@keys/projections';
import { createTestSchema, TEST_DATABASE_URL, urlWithSchema } from '../../../test/support/postgres';
import { IssuedKey, KeyEventWriter, writeLifecycles } from '../../../test/support/key-event.fixtures';
import { waitUntil } from '../../../test/support/kafka-topic.collector';
import { Projector } from './projector';
import { replayReadModels } from './read-model.replay';

jest.setTimeout(180_000);

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const brokers = () => (process.env.KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

interface ReadModels {
  details: KeyDetailsView[];
  validation: Array<[string, ValidationRecord]>;
}

/** A sink that fails once, after applying only the first half of the batch it fails on: a crash mid-batch. */
class CrashingOnceSink implements ProjectionSink {
  readonly name: string;
  crashed = false;

  constructor(
    private readonly inner: ProjectionSink,
    private readonly crashOnBatchWith: (events: readonly RecordedKeyEvent[]) => boolean,
  ) {
    this.name = inner.name;
  }

  checkpoint(): Promise<number> {
    return this.inner.checkpoint();
  }

  async handle(events: readonly RecordedKeyEvent[], checkpoint?: number): Promise<void> {
    if (!this.crashed && this.crashOnBatchWith(events)) {
      this.crashed = true;
      await this.inner.handle(events.slice(0, Math.ceil(events.length / 2)));
      throw new Error('projector killed mid-batch');
    }
    await this.inner.handle(events, checkpoint);
  }

  reset(): Promise<void> {
    return this.inner.reset();
  }
}

describe('Projector', () => {
  let schema: string;
  let sql: Awaited<ReturnType<typeof createTestSchema>>['sql'];
  let drop: () => Promise<void>;
  let store: PostgresEventStore;
  let redis: Redis;
  let topic: string;
  let relay: KafkaEventRelay;
  const prefixes: string[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    ({ schema, sql, drop } = await createTestSchema('projector'));
    store = new PostgresEventStore(sql);
    await store.init();
    redis = new Redis(REDIS_URL);
    topic = `key-events-${randomUUID()}`;
    relay = new KafkaEventRelay({
      store,
      sql,
      lockConnection: { connectionString: TEST_DATABASE_URL, schema },
      brokers: brokers(),
      topic,
      name: `relay-${topic}`,
      pollIntervalMs: 50,
      batchSize: 20,
      logger: silentMessagingLogger,
    });
    await relay.init();
    relay.start();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await relay.stop();
    for (const prefix of prefixes) await new RedisKeyValidationStore(redis, { prefix }).reset();
    redis.disconnect();
    await drop();
  });

  function redisPrefix(): string {
    const prefix = `test:projector:${randomUUID()}:`;
    prefixes.push(prefix);
    return prefix;
  }

  /** What a full replay from position 0 builds, in a fresh schema and a fresh Redis namespace. */
  async function fullReplay(): Promise<ReadModels> {
    const fresh = await createTestSchema('projector_replay');
    try {
      const details = new KeyDetailsPgStore(fresh.sql);
      await details.init();
      const validation = new RedisKeyValidationStore(redis, { prefix: redisPrefix() });
      await replayReadModels(store, [details, validation], { batchSize: 7 });
      return { details: await details.dump(), validation: await validation.dump() };
    } finally {
      await fresh.drop();
    }
  }

  async function live(details: KeyDetailsPgStore, validation: RedisKeyValidationStore): Promise<ReadModels> {
    return { details: await details.dump(), validation: await validation.dump() };
  }

  /** Waits until the live models hold every key's last version, then compares them with a full replay. */
  async function expectConvergedToReplay(details: KeyDetailsPgStore, validation: RedisKeyValidationStore, writer: KeyEventWriter, keys: readonly IssuedKey[]) {
    await waitUntil(
      async () => {
        for (const key of keys) {
          const [doc, view] = await Promise.all([details.get(key.tenant, key.keyId), validation.view(keyStreamId(key.tenant, key.keyId))]);
          if (doc?.version !== writer.versionOf(key.keyId) || view?.version !== writer.versionOf(key.keyId)) return false;
        }
        return true;
      },
      120_000,
      () => 'read models to reach the last version of every key',
    );
    const replayed = await fullReplay();
    const current = await live(details, validation);
    const ours = new Set(keys.map((k) => k.keyId));
    const mineOnly = (m: ReadModels): ReadModels => ({
      details: m.details.filter((d) => ours.has(d.keyId)),
      validation: m.validation.filter(([, r]) => ours.has(r.keyId)),
    });
    expect(mineOnly(current)).toEqual(mineOnly(replayed));
    return current;
  }

  function projectorConfig(groupId: string, prefix: string, redisModelCheckMs = 5000) {
    return {
      databaseUrl: urlWithSchema(schema),
      kafkaBrokers: brokers(),
      kafkaTopic: topic,
      kafkaGroupId: groupId,
      redisUrl: REDIS_URL,
      redisKeyPrefix: prefix,
      redisModelCheckMs,
    };
  }

  it('builds the query model in PostgreSQL and the validation model in Redis equal to a full replay', async () => {
    const projector = await Projector.create(projectorConfig(`projector-${randomUUID()}`, redisPrefix()), silentMessagingLogger);
    cleanups.push(() => projector.stop());
    await projector.start();

    const writer = new KeyEventWriter(store);
    const keys = await writeLifecycles(writer, 8);
    const current = await expectConvergedToReplay(projector.keyDetails, projector.keyValidation, writer, keys);

    // Spot checks of what verify and list will read.
    const revoked = keys[1];
    expect((await projector.keyValidation.lookup(revoked.hash))?.status).toBe('REVOKED');
    expect((await projector.keyDetails.get(revoked.tenant, revoked.keyId))?.status).toBe('REVOKED');
    const rotated = keys[0];
    const graceRecord = await projector.keyValidation.lookup(rotated.hash);
    expect(graceRecord).toEqual(expect.objectContaining({ keyId: rotated.keyId, status: 'ACTIVE' }));
    expect(graceRecord?.validUntil).not.toBeNull();
    for (const [i, key] of keys.entries()) {
      const doc = current.details.find((d) => d.keyId === key.keyId);
      expect(doc).toEqual(expect.objectContaining({ usageCount: i + 1 + 2, name: `renamed ${i}`, roles: ['admin'] }));
    }
  });

  it('resumes after being killed mid-batch with read models equal to a full replay and usage counted once', async () => {
    const groupId = `projector-${randomUUID()}`;
    const pgDetails = new KeyDetailsPgStore(sql);
    await pgDetails.init();
    const validation = new RedisKeyValidationStore(redis, { prefix: redisPrefix() });
    const writer = new KeyEventWriter(store);
    // Crash on a batch carrying usage: re-applying half of it would double count if not idempotent.
    const crashing = new CrashingOnceSink(validation, (events) => events.some((e) => e.type === 'KeyUsed') && events.length > 1);
    const consumer = new KafkaProjectionConsumer({
      brokers: brokers(),
      topic,
      groupId,
      sinks: [pgDetails, crashing],
      logger: silentMessagingLogger,
    });
    cleanups.push(() => consumer.stop());
    await consumer.start();

    const keys = await writeLifecycles(writer, 10);
    const current = await expectConvergedToReplay(pgDetails, validation, writer, keys);
    expect(crashing.crashed).toBe(true);
    for (const [i, key] of keys.entries())
      expect(current.details.find((d) => d.keyId === key.keyId)?.usageCount).toBe(i + 1 + 2);
  });

  it('picks up where a stopped projector left off when another member of its group starts', async () => {
    const groupId = `projector-${randomUUID()}`;
    const prefix = redisPrefix();
    const writer = new KeyEventWriter(store);
    const first = await Projector.create(projectorConfig(groupId, prefix), silentMessagingLogger);
    await first.start();
    const keys = await writeLifecycles(writer, 4);
    // Stopped while events are still flowing in.
    const more = writeLifecycles(writer, 6);
    await waitUntil(() => first.consumer.appliedCount > 0, 60_000, () => 'the first projector to apply something');
    await first.stop();
    keys.push(...(await more));
    const appliedByFirst = first.consumer.appliedCount;

    const second = await Projector.create(projectorConfig(groupId, prefix), silentMessagingLogger);
    cleanups.push(() => second.stop());
    await second.start();
    await expectConvergedToReplay(second.keyDetails, second.keyValidation, writer, keys);
    expect(appliedByFirst).toBeGreaterThan(0);
  });

  it('rebuilds a read model from position 0 with the replay command', async () => {
    const validation = new RedisKeyValidationStore(redis, { prefix: redisPrefix() });
    const writer = new KeyEventWriter(store);
    const [key] = await writeLifecycles(writer, 1);
    await validation.handle([], 0);
    const reports = await replayReadModels(store, [validation]);
    expect(reports).toEqual([expect.objectContaining({ readModel: 'key-validation', position: await store.headPosition() })]);
    expect(reports[0].events).toBeGreaterThanOrEqual(writer.versionOf(key.keyId));
    expect((await validation.view(keyStreamId(key.tenant, key.keyId)))?.version).toBe(writer.versionOf(key.keyId));
    expect(await validation.checkpoint()).toBe(reports[0].position);
  });

  it('rebuilds the validation model by itself when Redis comes back empty', async () => {
    const prefix = redisPrefix();
    const projector = await Projector.create(projectorConfig(`projector-${randomUUID()}`, prefix, 100), silentMessagingLogger);
    cleanups.push(() => projector.stop());
    await projector.start();
    const writer = new KeyEventWriter(store);
    const keys = await writeLifecycles(writer, 2);
    const validation = projector.keyValidation;
    const built = await expectConvergedToReplay(projector.keyDetails, validation, writer, keys);
    await waitUntil(() => validation.isBuilt(), 30_000, () => 'the model to be marked built');

    // What a Redis restarted without persistence holds for this namespace: nothing, marker included.
    await validation.reset();
    expect(await validation.view(keyStreamId(keys[0].tenant, keys[0].keyId))).toBeNull();

    // No event arrives meanwhile: only the watchdog's replay from the event store can bring them back.
    await waitUntil(async () => (await validation.isBuilt()) && (await validation.view(keyStreamId(keys[1].tenant, keys[1].keyId))) !== null, 60_000, () => 'the model to be rebuilt');
    const ours = new Set(keys.map((k) => k.keyId));
    expect((await validation.dump()).filter(([, r]) => ours.has(r.keyId))).toEqual(built.validation.filter(([, r]) => ours.has(r.keyId)));
  });

  it('marks a replayed model built only if nothing emptied it during the replay', async () => {
    const validation = new RedisKeyValidationStore(redis, { prefix: redisPrefix() });
    await validation.beginBuild('first');
    expect(await validation.isBuilt()).toBe(false);
    await validation.reset();
    expect(await validation.finishBuild('first')).toBe(false);
    expect(await validation.isBuilt()).toBe(false);
    await validation.beginBuild('second');
    expect(await validation.finishBuild('second')).toBe(true);
    expect(await validation.isBuilt()).toBe(true);
  });
});
