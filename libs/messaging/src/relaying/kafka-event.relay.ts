import { randomUUID } from 'node:crypto';
import { Kafka, Producer } from 'kafkajs';
import { EventStore, EVENTS_APPENDED_CHANNEL_SQL, EVENTS_APPENDED_LISTENER_LOCK_SQL, migrate, SqlClient } from '@keys/event-store';
import { envelopeFromStoredEvent, KEY_EVENTS_TOPIC, toKafkaMessage } from '@key-service/events';
import { createKafkaClient } from '../kafka/kafka-client.factory';
import { ensureTopic } from '../kafka/kafka-topic.ensure';
import { consoleMessagingLogger, MessagingLogger } from '../kafka/messaging.logger';
import { Murmur2Partitioner } from '../kafka/murmur2.partitioner';
import { PgAdvisoryLeaderLock, PgConnectionOptions } from './pg-advisory.leader-lock';
import { RELAY_CHECKPOINT_SCHEMA } from './relay-checkpoint.schema';
import { RelayLag } from './relay.lag';

export interface KafkaEventRelayOptions {
  /** The event store to read by position feed. */
  readonly store: EventStore;
  /** A client of the event store's database: the checkpoint table lives there. */
  readonly sql: SqlClient;
  /** The same database, for the dedicated leadership session. */
  readonly lockConnection: PgConnectionOptions;
  readonly brokers: readonly string[];
  readonly topic?: string;
  /** Identifies the relay's checkpoint and leadership; replicas of one deployment share it. Default `kafka:<topic>`. */
  readonly name?: string;
  /** This replica, in logs and in pg_stat_activity. Default: a random id. */
  readonly instanceId?: string;
  readonly batchSize?: number;
  /**
   * After a pass that published something (the store is busy), how long to let appends gather
   * before the next pass, so one read, one produce request and one checkpoint write carry many
   * events instead of one each. While it lingers the leader does not listen for appends (a
   * notification per append cost PostgreSQL and this process more than the pass it would trigger);
   * it listens again once a pass finds nothing. No command waits for the relay, so the linger only
   * delays consumers. Default 50 ms; 0 publishes each notification at once and always listens.
   */
  readonly lingerMs?: number;
  /** How often to look for new events when no notification arrives: the safety net. */
  readonly pollIntervalMs?: number;
  /** How often a standby replica tries to take over. */
  readonly lockRetryMs?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly logger?: MessagingLogger;
}

const RECENTLY_PUBLISHED_KEPT = 4096;
/** How often a listening relay without the listener lock looks for events (and tries for the lock). */
const UNGATED_POLL_MS = 50;

/**
 * Publishes every event of the event store to Kafka, in feed order, at least once.
 *
 * The checkpoint (last position the broker acknowledged) moves only after `acks: all`, so a crash
 * or an outage re-publishes from the last acknowledged event instead of losing any: consumers
 * dedupe by eventId or version. Among replicas only the holder of the advisory lock publishes; the
 * checkpoint is written on the lock's own session, so a replica that lost the lock mid-batch can
 * no longer move it.
 */
export class KafkaEventRelay {
  readonly topic: string;
  readonly name: string;
  readonly instanceId: string;
  private readonly kafka: Kafka;
  private readonly lock: PgAdvisoryLeaderLock;
  private readonly logger: MessagingLogger;
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private readonly pollIntervalMs: number;
  private readonly lockRetryMs: number;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private producer: Producer | null = null;
  private topicReady = false;
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wake: (() => void) | null = null;
  private poked = false;
  /** While true a poke only marks work as waiting: the linger runs its course (stop still ends it). */
  private lingering = false;
  /** Positions announced by NOTIFY and not yet published, with when they were announced. */
  private readonly announced = new Map<number, number>();
  /** The last positions this replica published: a pass can publish an event before its notification is read. */
  private readonly recentlyPublished = new Set<number>();
  private retryPause = 0;
  private leading = false;
  /** The channel the leader's session LISTENs to, null until leadership; `listening`: whether it does now. */
  private channel: string | null = null;
  private listening = false;
  /**
   * Whether this session holds the listener lock, without which appends do not announce
   * themselves (EVENTS_APPENDED_LISTENER_LOCK_SQL). Another relay of the same store may hold it
   * (one per schema at a time); this one then hears what that one makes appends announce, and
   * polls every UNGATED_POLL_MS, trying for the lock, until it holds it.
   */
  private gated = false;
  private published = 0;
  private failure: unknown = null;

  constructor(private readonly options: KafkaEventRelayOptions) {
    this.topic = options.topic ?? KEY_EVENTS_TOPIC;
    this.name = options.name ?? `kafka:${this.topic}`;
    this.instanceId = options.instanceId ?? randomUUID();
    this.logger = options.logger ?? consoleMessagingLogger;
    this.batchSize = options.batchSize ?? 500;
    this.lingerMs = options.lingerMs ?? 50;
    // Appends NOTIFY the leader, so polling only catches what a reconnecting session missed.
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.lockRetryMs = options.lockRetryMs ?? 2000;
    this.initialBackoffMs = options.initialBackoffMs ?? 200;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.kafka = createKafkaClient({ brokers: options.brokers, clientId: `key-relay-${this.instanceId}`, logger: this.logger });
    this.lock = new PgAdvisoryLeaderLock({
      ...options.lockConnection,
      name: this.name,
      applicationName: `key-relay ${this.instanceId}`,
    });
  }

  /** Creates the checkpoint table; call once before `start`. */
  async init(): Promise<void> {
    await migrate(this.options.sql, RELAY_CHECKPOINT_SCHEMA);
  }

  /** Starts competing for leadership and relaying in the background; returns at once. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run().finally(() => {
      this.loop = null;
    });
  }

  /** Stops after the batch in flight, then gives up leadership. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.disconnectProducer();
    await this.lock.release();
    this.leading = false;
    this.gated = false;
  }

  /** Runs a pass now instead of at the next poll: a NOTIFY of an append arrived. */
  private poke(): void {
    this.poked = true;
    if (!this.lingering) this.wake?.();
  }

  /** True while this replica holds leadership and so is the one publishing. */
  get active(): boolean {
    return this.lock.held;
  }

  /** Events this instance has published (with the broker's acknowledgement) since it started. */
  get publishedCount(): number {
    return this.published;
  }

  /** The last error of the relay loop, null once a pass succeeds again. */
  get lastError(): unknown {
    return this.failure;
  }

  /** Events stored but not yet acknowledged by the broker, from any replica's point of view. */
  async lag(now: Date = new Date()): Promise<RelayLag> {
    const { rows } = await this.options.sql.query<{ checkpoint: string | number; events: string | number; oldest: Date | string | null }>(
      `WITH cp AS (
         SELECT COALESCE((SELECT position FROM relay_checkpoints WHERE name = $1), 0) AS position
       ), cp_tx AS (
         SELECT cp.position, COALESCE((SELECT transaction_id FROM events WHERE global_position = cp.position), '0'::xid8) AS tx
         FROM cp
       )
       SELECT cp_tx.position AS checkpoint, count(e.global_position) AS events, min(e.occurred_at) AS oldest
       FROM cp_tx LEFT JOIN events e ON (e.transaction_id, e.global_position) > (cp_tx.tx, cp_tx.position)
       GROUP BY cp_tx.position`,
      [this.name],
    );
    const row = rows[0];
    const oldest = row?.oldest ? new Date(row.oldest).getTime() : null;
    return {
      checkpoint: Number(row?.checkpoint ?? 0),
      events: Number(row?.events ?? 0),
      ms: oldest === null ? 0 : Math.max(0, now.getTime() - oldest),
    };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        if (!this.lock.held) {
          if (this.leading) {
            // Deposed (our session died): let a healthy standby, which retries every lockRetryMs, take over first.
            this.leading = false;
            this.gated = false;
            this.logger.warn('relay leadership lost', { relay: this.name, instance: this.instanceId });
            await this.sleep(this.lockRetryMs * 2);
            continue;
          }
          if (!(await this.lock.tryAcquire())) {
            await this.sleep(this.lockRetryMs);
            continue;
          }
          this.leading = true;
          this.channel = await this.lock.listen(EVENTS_APPENDED_CHANNEL_SQL, (payload) => this.onAnnounced(payload));
          this.listening = true;
          this.gated = false;
          await this.tryGate();
          this.logger.info('relay leadership acquired', { relay: this.name, instance: this.instanceId });
        }
        const count = await this.relayBatch();
        failures = 0;
        this.failure = null;
        // A full batch: more is waiting, go on. Some events: appends are arriving, so let the next
        // few milliseconds' worth gather into one pass (each pass costs three PostgreSQL round
        // trips and a produce request however few events it carries), deaf to their notifications,
        // which would only wake this process to learn what the next pass reads anyway. None: listen
        // again, read once more what was appended while not listening, then wait for a notification.
        if (count > 0 && this.lingerMs > 0) await this.setListening(false);
        if (count >= this.batchSize) continue;
        if (count > 0 && this.lingerMs > 0) await this.linger(this.lingerMs);
        else if (!this.listening) await this.setListening(true);
        // The lock just taken: appends that did not announce themselves have committed; read them.
        else if (!this.gated && (await this.tryGate())) continue;
        else await this.sleep(this.gated ? this.nextPause() : Math.min(this.nextPause(), UNGATED_POLL_MS));
      } catch (error) {
        failures++;
        this.failure = error;
        const delay = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** Math.min(failures - 1, 10));
        this.logger.warn('relay pass failed; retrying', {
          relay: this.name,
          instance: this.instanceId,
          error: (error as Error).message,
          retryInMs: delay,
        });
        // A producer that saw the broker go away is rebuilt rather than trusted to recover.
        await this.disconnectProducer();
        await this.sleep(delay * (0.8 + Math.random() * 0.4));
      }
    }
  }

  /**
   * LISTEN or UNLISTEN on the leader's session, taking or dropping the listener lock with it. Once
   * the lock is held every append committed after is announced; one committed before is read by
   * the pass that follows, which starts later (tryGate).
   */
  private async setListening(on: boolean): Promise<void> {
    if (this.listening === on || this.channel === null) return;
    await this.lock.query(`${on ? 'LISTEN' : 'UNLISTEN'} "${this.channel.replace(/"/g, '""')}"`);
    this.listening = on;
    if (on) await this.tryGate();
    else if (this.gated) {
      this.gated = false;
      await this.lock.query(`SELECT pg_advisory_unlock(${EVENTS_APPENDED_LISTENER_LOCK_SQL})`);
    }
  }

  /**
   * Takes the listener lock if it is free: after LISTEN, so an append that sees it held announces
   * itself to a session already listening. Not free while an append that did not announce itself
   * is uncommitted (it holds the lock shared), or while another relay of the store listens.
   */
  private async tryGate(): Promise<boolean> {
    if (this.gated || !this.listening) return this.gated;
    const rows = await this.lock.query<{ held: boolean }>(`SELECT pg_try_advisory_lock(${EVENTS_APPENDED_LISTENER_LOCK_SQL}) AS held`);
    this.gated = rows[0]?.held === true;
    return this.gated;
  }

  private onAnnounced(payload: string): void {
    const position = Number(payload);
    if (!Number.isSafeInteger(position)) return this.poke();
    if (this.recentlyPublished.has(position)) return;
    this.announced.set(position, Date.now());
    this.poke();
  }

  /**
   * The feed holds back a committed event while an older transaction is still in flight anywhere
   * in the cluster, so a pass woken by a notification may find nothing yet: retry soon (2, 4, 8…
   * ms) while an announced position is unpublished, for at most a second, then rely on the poll.
   */
  private nextPause(): number {
    const now = Date.now();
    for (const [position, at] of this.announced) if (now - at > 1000) this.announced.delete(position);
    if (this.announced.size === 0) {
      this.retryPause = 0;
      return this.pollIntervalMs;
    }
    this.retryPause = Math.min(this.pollIntervalMs, this.retryPause ? this.retryPause * 2 : 2);
    return this.retryPause;
  }

  /** One read–publish–checkpoint step; returns how many events it published. */
  private async relayBatch(): Promise<number> {
    const checkpoint = await this.readCheckpoint();
    const events = await this.options.store.readAll({ after: checkpoint, limit: this.batchSize });
    if (events.length === 0) return 0;
    const messages = events.map((e) => toKafkaMessage(envelopeFromStoredEvent(e)));
    const producer = await this.connectedProducer();
    if (!this.lock.held) return 0;
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: messages.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
    });
    await this.lock.query(
      `INSERT INTO relay_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
      [this.name, events[events.length - 1].position],
    );
    this.published += events.length;
    for (const e of events) {
      this.announced.delete(e.position);
      this.recentlyPublished.add(e.position);
    }
    // Insertion order: the oldest go first.
    for (const position of this.recentlyPublished) {
      if (this.recentlyPublished.size <= RECENTLY_PUBLISHED_KEPT) break;
      this.recentlyPublished.delete(position);
    }
    return events.length;
  }

  private async readCheckpoint(): Promise<number> {
    // Read on the leadership session: it doubles as a heartbeat that notices a dead connection.
    const rows = await this.lock.query<{ position: string | number }>('SELECT position FROM relay_checkpoints WHERE name = $1', [
      this.name,
    ]);
    return Number(rows[0]?.position ?? 0);
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.topicReady) {
      await ensureTopic(this.kafka, this.topic, 1);
      this.topicReady = true;
    }
    if (this.producer) return this.producer;
    // Idempotent with one request in flight: broker-side retries neither duplicate nor reorder a batch.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      // murmur2 on the key, as Java clients partition: consumers in any language agree on key → partition.
      // kafkajs's DefaultPartitioner's answers, computed in 32-bit arithmetic (murmur2.partitioner.ts).
      createPartitioner: Murmur2Partitioner,
    });
    await producer.connect();
    this.producer = producer;
    return producer;
  }

  private async disconnectProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    if (producer) await producer.disconnect().catch(() => undefined);
  }

  /** Waits `ms` whatever notifications arrive meanwhile (they are kept: the next pass reads their events); stop ends it. */
  private async linger(ms: number): Promise<void> {
    if (this.stopping) return;
    this.lingering = true;
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = () => {
          this.wake = null;
          done();
        };
      });
    } finally {
      this.lingering = false;
      this.wake = null;
      // The pass that follows reads everything committed so far: pokes of the linger are served by it.
      this.poked = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    // A poke during the pass means events may be waiting that the pass did not see.
    if (this.stopping || this.poked) {
      this.poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
