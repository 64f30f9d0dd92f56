import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { followKeyEvents, RecordedKeyEvent } from '@key-service/events';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { ORDERS_CONFIG, OrdersConfig } from './orders.config';

export interface RevokedKey {
  readonly tenant: string;
  readonly keyId: string;
  readonly reason: string | null;
  readonly revokedAt: string;
}

/**
 * The service's own table of revoked keys (say, to flag orders placed with them), built from the
 * key service's events: followKeyEvents validates each message against its schema, drops
 * redeliveries by version and hands over typed, upcast events in each key's order.
 */
@Injectable()
export class RevokedKeysTable implements OnModuleInit, OnApplicationShutdown {
  private readonly revoked = new Map<string, RevokedKey>();
  private consumer: Consumer | null = null;

  constructor(@Inject(ORDERS_CONFIG) private readonly config: OrdersConfig) {}

  async onModuleInit(): Promise<void> {
    const kafka = new Kafka({ clientId: 'orders-service', brokers: this.config.kafkaBrokers, logLevel: logLevel.NOTHING });
    // A fresh group each start: the table is in memory, so it is rebuilt from the whole topic.
    this.consumer = kafka.consumer({ groupId: `orders-service-${randomUUID()}` });
    await this.consumer.connect();
    await followKeyEvents({
      consumer: this.consumer,
      topic: this.config.kafkaTopic,
      handle: (event) => this.apply(event),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
  }

  list(): RevokedKey[] {
    return [...this.revoked.values()];
  }

  private apply(event: RecordedKeyEvent): void {
    // Narrowed by `type`: event.data is KeyRevokedData here.
    if (event.type !== 'KeyRevoked') return;
    this.revoked.set(`${event.tenant}/${event.keyId}`, {
      tenant: event.tenant,
      keyId: event.keyId,
      reason: event.data.reason,
      revokedAt: event.occurredAt,
    });
  }
}
