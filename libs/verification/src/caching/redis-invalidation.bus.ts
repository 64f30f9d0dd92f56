import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface InvalidationBusOptions {
  readonly channel?: string;
  /** How long `publish` waits for every subscribed instance to confirm. */
  readonly ackTimeoutMs?: number;
  readonly onTimeout?: (keyId: string, acked: number, expected: number) => void;
}

interface Message {
  readonly keyId: string;
  readonly nonce: string;
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
  private readonly handlers: Array<(keyId: string) => void> = [];

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly options: InvalidationBusOptions,
  ) {
    this.channel = options.channel ?? 'keys:invalidate';
    this.ackChannel = `${this.channel}:ack`;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 250;
  }

  /** `subscriber` must be a connection of its own: a subscribed connection can do nothing else. */
  static async connect(publisher: Redis, subscriber: Redis, options: InvalidationBusOptions = {}): Promise<RedisInvalidationBus> {
    const bus = new RedisInvalidationBus(publisher, subscriber, options);
    subscriber.on('message', (channel: string, payload: string) => bus.onMessage(channel, payload));
    await subscriber.subscribe(bus.channel, bus.ackChannel);
    return bus;
  }

  onInvalidate(handler: (keyId: string) => void): void {
    this.handlers.push(handler);
  }

  /** Resolves once every instance that received the message confirmed, or after the ack timeout. */
  async publish(keyId: string): Promise<void> {
    // This instance first, synchronously: its own answers must not wait for a round trip.
    for (const handler of this.handlers) handler(keyId);
    const nonce = randomUUID();
    let done!: () => void;
    const confirmed = new Promise<void>((resolve) => (done = resolve));
    const entry = { expected: Number.POSITIVE_INFINITY, acked: 0, done };
    this.pending.set(nonce, entry);
    let timer: NodeJS.Timeout | undefined;
    try {
      entry.expected = await this.publisher.publish(this.channel, JSON.stringify({ keyId, nonce } satisfies Message));
      if (entry.acked >= entry.expected) return;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.ackTimeoutMs)));
      if ((await Promise.race([confirmed, timedOut])) === 'timeout') this.options.onTimeout?.(keyId, entry.acked, entry.expected);
    } finally {
      clearTimeout(timer);
      this.pending.delete(nonce);
    }
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
    if (typeof message.keyId !== 'string' || typeof message.nonce !== 'string') return;
    for (const handler of this.handlers) handler(message.keyId);
    void this.publisher.publish(this.ackChannel, message.nonce).catch(() => undefined);
  }
}
