import { randomUUID } from 'node:crypto';
import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { KEY_EVENTS_TOPIC, parseKeyEventEnvelope, RecordedKeyEvent, toRecordedKeyEvent } from '@key-service/events';
import { ProjectionSink } from '@keys/projections';
import { createKafkaClient } from '../kafka/kafka-client.factory';
import { ensureTopic } from '../kafka/kafka-topic.ensure';
import { consoleMessagingLogger, MessagingLogger } from '../kafka/messaging.logger';
import { ProjectionProgress } from './projection.progress';

export interface KafkaProjectionConsumerOptions {
  readonly brokers: readonly string[];
  readonly groupId: string;
  readonly sinks: readonly ProjectionSink[];
  readonly topic?: string;
  readonly clientId?: string;
  /** Where a new group starts; default true, so a fresh read model is built from the whole topic. */
  readonly fromBeginning?: boolean;
  readonly logger?: MessagingLogger;
  /**
   * A fetch returns once this many bytes are waiting, or after `fetchMaxWaitMs`: so under load a
   * batch carries many events (one transaction per model for all of them) instead of the one
   * that happened to be there. Default 64 KiB (about a hundred events): since the relay publishes
   * a busy store's events in 50 ms batches, a smaller minimum returned each produce request as a
   * batch of its own.
   */
  readonly fetchMinBytes?: number;
  /**
   * The longest a fetch waits for `fetchMinBytes`: what batching adds to the projector's lag, and
   * how often an idle consumer fetches. Default 250 ms: at 20 ms the broker's idle fetches alone
   * cost it about 0.1 s of CPU per second (measured with `BENCH_ONLY=commands`, during the floor's
   * runs, when no event flows). No command waits for the projector (commands write their keys'
   * rows themselves), so this lag is seen only in lastUsed, analytics and other consumers' models.
   */
  readonly fetchMaxWaitMs?: number;
}

const DEFAULT_FETCH_MIN_BYTES = 64 * 1024;
const DEFAULT_FETCH_MAX_WAIT_MS = 250;

/**
 * Feeds projection sinks from the key events topic in a consumer group.
 *
 * Offsets are committed only after every sink applied the batch, so a consumer killed mid-batch
 * re-reads it from the last committed offset. Re-applying is harmless: sinks apply an event only
 * when it is the next version of its key, so redeliveries and the relay's duplicates change
 * nothing. A batch that fails is retried, never skipped: skipping would leave a version gap that
 * blocks its key for good.
 */
export class KafkaProjectionConsumer {
  readonly topic: string;
  readonly groupId: string;
  private readonly kafka: Kafka;
  private readonly logger: MessagingLogger;
  private consumer: Consumer | null = null;
  private applied = 0;
  private last: ProjectionProgress | null = null;

  constructor(private readonly options: KafkaProjectionConsumerOptions) {
    this.topic = options.topic ?? KEY_EVENTS_TOPIC;
    this.groupId = options.groupId;
    this.logger = options.logger ?? consoleMessagingLogger;
    this.kafka = createKafkaClient({
      brokers: options.brokers,
      clientId: options.clientId ?? `key-projector-${randomUUID()}`,
      logger: this.logger,
    });
  }

  /** Joins the group and starts consuming in the background; resolves once subscribed. */
  async start(): Promise<void> {
    if (this.consumer) return;
    // A projector may start before anything was relayed; subscribing to a missing topic fails.
    await ensureTopic(this.kafka, this.topic);
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: true,
      // No command waits on the projector, so it can trade a few milliseconds of lag for batches:
      // per event, a fetch of one event cost the broker, the projector and PostgreSQL more than the
      // command that appended it. An idle consumer pays for it with a fetch every fetchMaxWaitMs.
      minBytes: this.options.fetchMinBytes ?? DEFAULT_FETCH_MIN_BYTES,
      maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? DEFAULT_FETCH_MAX_WAIT_MS,
      // kafkajs restarts a crashed consumer only when told so; a projector must always come back.
      retry: { initialRetryTime: 300, maxRetryTime: 5000, retries: 8, restartOnFailure: async () => true },
    });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.applyBatch(payload),
    });
  }

  /** Leaves the group after the batch in flight; what it applied is committed. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    if (consumer) await consumer.disconnect();
  }

  /** Events applied (duplicates included) since start. */
  get appliedCount(): number {
    return this.applied;
  }

  /** The last event applied, for lag: compare its position with the store's head. */
  get progress(): ProjectionProgress | null {
    return this.last;
  }

  private async applyBatch({
    batch,
    resolveOffset,
    heartbeat,
    commitOffsetsIfNecessary,
    uncommittedOffsets,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const events: RecordedKeyEvent[] = batch.messages.map((message) =>
      toRecordedKeyEvent(parseKeyEventEnvelope(message.value, `${batch.topic}/${batch.partition}@${message.offset}`)),
    );
    try {
      for (const sink of this.options.sinks) {
        await sink.handle(events);
        await heartbeat();
      }
    } catch (error) {
      this.logger.error('projection batch failed; it will be retried from the last committed offset', {
        topic: batch.topic,
        partition: batch.partition,
        firstOffset: batch.firstOffset(),
        error: (error as Error).message,
      });
      throw error;
    }
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary(uncommittedOffsets());
    this.applied += events.length;
    const lastEvent = events[events.length - 1];
    this.last = { position: lastEvent.position, occurredAt: lastEvent.occurredAt, appliedAt: new Date().toISOString() };
  }
}
