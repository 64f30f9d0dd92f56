import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ValidationRecord } from '../validation/validation-record';

/** A key's records by hash as of the change that caused an invalidation (what Redis now holds). */
export type RecordsByHash = ReadonlyArray<readonly [hash: string, record: ValidationRecord]>;
export type InvalidationHandler = (streamId: string, records?: RecordsByHash) => void;

export interface InvalidationBusOptions {
  /** RedisKeyspace.invalidationChannel */
  readonly channel: string;
  /** How long `publish` waits for every subscribed instance to confirm. */
  readonly ackTimeoutMs?: number;
  readonly onTimeout?: (streamId: string, acked: number, expected: number) => void;
}

/** An invalidation whose message the caller publishes; see `RedisInvalidationBus.announce`. */
export interface InvalidationAnnouncement {
  readonly channel: string;
  readonly message: string;
  confirmed(receivers: number): Promise<void>;
}

interface Message {
  readonly streamId: string;
  readonly nonce: string;
  readonly records?: RecordsByHash;
}

/**
 * Tells every instance sharing a Redis to drop a key from its in-process cache, and waits until
 * each one that received the message has done so: PUBLISH returns how many subscribers got it, and
 * each answers on an ack channel once its cache is clean. So when a revoke returns, no instance
 * that was reachable can still answer VALID from its cache.
 */
export class RedisInvalidationBus {
  private readonly channel: string;
  private readonly ackChannel: string;
  private readonly ackTimeoutMs: number;
  private readonly pending = new Map<string, { expected: number; acked: number; done: () => void }>();
  private readonly handlers: InvalidationHandler[] = [];

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly options: InvalidationBusOptions,
  ) {
    this.channel = options.channel;
    this.ackChannel = `${this.channel}:ack`;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 250;
  }

  /** `subscriber` must be a connection of its own: a subscribed connection can do nothing else. */
  static async connect(publisher: Redis, subscriber: Redis, options: InvalidationBusOptions): Promise<RedisInvalidationBus> {
    const bus = new RedisInvalidationBus(publisher, subscriber, options);
    subscriber.on('message', (channel: string, payload: string) => bus.onMessage(channel, payload));
    await subscriber.subscribe(bus.channel, bus.ackChannel);
    return bus;
  }

  /** `records`, when the publisher sent them, let a cache refresh the hashes it holds instead of dropping them. */
  onInvalidate(handler: InvalidationHandler): void {
    this.handlers.push(handler);
  }

  /** Resolves once every instance that received the message confirmed, or after the ack timeout. */
  async publish(streamId: string): Promise<void> {
    const announcement = this.announce(streamId);
    let receivers = 0;
    try {
      receivers = await this.publisher.publish(announcement.channel, announcement.message);
    } finally {
      await announcement.confirmed(receivers);
    }
  }

  /**
   * `publish` in two halves, for a caller that sends the message itself in a round trip it makes
   * anyway (the validation model's write script): this instance's cache is cleaned at once, and
   * `confirmed` is given what the PUBLISH returned and waits for that many acks (0 releases it).
   * `records` (the key's state at the change, which must already be committed) travel with the
   * message, so a verifier's next answer for a hash it had cached needs no Redis read.
   */
  announce(streamId: string, records?: RecordsByHash): InvalidationAnnouncement {
    // This instance first, synchronously: its own answers must not wait for a round trip.
    for (const handler of this.handlers) handler(streamId, records);
    const nonce = randomUUID();
    let done!: () => void;
    const acknowledged = new Promise<void>((resolve) => (done = resolve));
    // Acks can arrive before PUBLISH's reply says how many to expect: count them meanwhile.
    const entry = { expected: Number.POSITIVE_INFINITY, acked: 0, done };
    this.pending.set(nonce, entry);
    return {
      channel: this.channel,
      message: JSON.stringify({ streamId, nonce, records } satisfies Message),
      confirmed: async (receivers: number) => {
        entry.expected = receivers;
        let timer: NodeJS.Timeout | undefined;
        try {
          if (entry.acked >= entry.expected) return;
          const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.ackTimeoutMs)));
          if ((await Promise.race([acknowledged, timedOut])) === 'timeout') this.options.onTimeout?.(streamId, entry.acked, entry.expected);
        } finally {
          clearTimeout(timer);
          this.pending.delete(nonce);
        }
      },
    };
  }

  async close(): Promise<void> {
    await this.subscriber.unsubscribe().catch(() => undefined);
  }

  private onMessage(channel: string, payload: string): void {
    if (channel === this.ackChannel) {
      const entry = this.pending.get(payload);
      if (entry && ++entry.acked >= entry.expected) entry.done();
      return;
    }
    if (channel !== this.channel) return;
    let message: Message;
    try {
      message = JSON.parse(payload) as Message;
    } catch {
      return;
    }
    if (typeof message.streamId !== 'string' || typeof message.nonce !== 'string') return;
    const records = Array.isArray(message.records) && message.records.every(isRecordEntry) ? message.records : undefined;
    for (const handler of this.handlers) handler(message.streamId, records);
    // This instance's own message (PUBLISH counted its subscriber too): acknowledged here, where
    // the ack would come back to, rather than by a PUBLISH to the ack channel that every instance
    // then receives. Once the wait is over (no entry), it acks like any other instance.
    const own = this.pending.get(message.nonce);
    if (own) {
      if (++own.acked >= own.expected) own.done();
      return;
    }
    void this.publisher.publish(this.ackChannel, message.nonce).catch(() => undefined);
  }
}

/** A malformed entry costs the refresh, never the invalidation: the handler then just drops the key. */
function isRecordEntry(entry: unknown): entry is readonly [string, ValidationRecord] {
  return (
    Array.isArray(entry) &&
    entry.length === 2 &&
    typeof entry[0] === 'string' &&
    typeof entry[1] === 'object' &&
    entry[1] !== null &&
    typeof (entry[1] as { version?: unknown }).version === 'number'
  );
}
