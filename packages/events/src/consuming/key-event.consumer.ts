import type { Consumer } from 'kafkajs';
import { KEY_EVENTS_TOPIC } from '../key-event.envelope';
import { DeliveryOutcome, KeyEventDelivery, KeyEventDeliveryOptions } from './key-event.delivery';

export interface FollowKeyEventsOptions extends KeyEventDeliveryOptions {
  /** A connected kafkajs consumer of your own group (`kafka.consumer({ groupId })`), not yet subscribed. */
  readonly consumer: Consumer;
  /** Default `api-key-events`, the key service's KAFKA_TOPIC default. */
  readonly topic?: string;
  /** Where a new group starts; default true, so state is built from each key's first event. */
  readonly fromBeginning?: boolean;
  /** Told of every message's fate, e.g. for metrics or tests. */
  readonly onDelivered?: (outcome: DeliveryOutcome, where: string) => void;
}

/**
 * Follows the key events topic with a kafkajs consumer: every message through KeyEventDelivery
 * (validated, deduplicated by version, upcast). kafkajs hands over one partition's messages one at
 * a time and a key's events share a partition, so each key's events arrive in version order. An
 * offset is committed only after its message was handled, so a crash redelivers, and the
 * version check drops what was already applied. A handler that throws stops the partition at that
 * message (kafkajs retries it); it is never skipped.
 */
export async function followKeyEvents(options: FollowKeyEventsOptions): Promise<void> {
  const delivery = new KeyEventDelivery(options);
  const { consumer } = options;
  await consumer.subscribe({ topics: [options.topic ?? KEY_EVENTS_TOPIC], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const where = `${topic}/${partition}@${message.offset}`;
      const outcome = await delivery.deliver(message.value, where);
      options.onDelivered?.(outcome, where);
    },
  });
}
