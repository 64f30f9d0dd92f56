import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import type { LoadRow } from './command-loads';

/**
 * Commands during a Kafka outage: the same create load with the bench's own broker up, then
 * stopped (its data kept), then the broker started again and the relay given until every event
 * of the store is on the topic. Commands answer from PostgreSQL alone (docs/architecture.md,
 * "Consistency of commands"), so the two rows should match and nothing should fail; the relay
 * publishes what was appended meanwhile once the broker is back.
 */
export interface OutageOptions {
  /** Runs create's load under `scenario`, as the main run does. */
  readonly createLoad: (scenario: string) => Promise<LoadRow>;
  readonly broker: { pause(): void; resume(): void };
  /** The bench's schema (its search_path in the URL): the store whose events must all reach the topic. */
  readonly databaseUrl: string;
  readonly brokers: string;
  readonly topic: string;
  readonly catchUpTimeoutMs?: number;
}

export interface OutageResult {
  readonly up: LoadRow;
  readonly down: LoadRow;
  /** Events in the store when the topic was last read. */
  readonly eventsInStore: number;
  /** Of those, how many are on the topic (each counted once, whatever the relay re-sent). */
  readonly eventsOnTopic: number;
  /** From the broker being started again to the last store event read back from the topic. */
  readonly catchUpSeconds: number;
  /** How long kafka.sh took to start the broker (part of catchUpSeconds). */
  readonly brokerStartSeconds: number;
}

export async function measureKafkaOutage(options: OutageOptions): Promise<OutageResult> {
  const up = await options.createLoad('create, Kafka up (outage probe)');
  process.stdout.write('stopping the bench broker...\n');
  options.broker.pause();
  let down: LoadRow;
  try {
    down = await options.createLoad('create, Kafka broker stopped');
  } finally {
    process.stdout.write('starting the bench broker again...\n');
  }
  const resumedAt = Date.now();
  options.broker.resume();
  const brokerStartSeconds = (Date.now() - resumedAt) / 1000;
  const { eventsInStore, eventsOnTopic } = await waitForTopic(options);
  const catchUpSeconds = (Date.now() - resumedAt) / 1000;
  process.stdout.write(`events on the topic after it came back: ${eventsOnTopic} of ${eventsInStore} (${catchUpSeconds.toFixed(1)} s after the restart began)\n`);
  return { up, down, eventsInStore, eventsOnTopic, catchUpSeconds, brokerStartSeconds };
}

/** Reads the topic from the beginning until every event id of the store is on it, or the deadline. */
async function waitForTopic(options: OutageOptions): Promise<{ eventsInStore: number; eventsOnTopic: number }> {
  const onTopic = new Set<string>();
  const kafka = new Kafka({ clientId: 'bench-outage-probe', brokers: options.brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-outage-${randomUUID()}`, retry: { retries: 10, restartOnFailure: async () => true } });
  const store = new Client({ connectionString: options.databaseUrl });
  await store.connect();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [options.topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          try {
            onTopic.add((JSON.parse(message.value?.toString('utf8') ?? '{}') as { eventId?: string }).eventId ?? '');
          } catch {
            /* not an event envelope: not counted */
          }
        }
      },
    });
    const deadline = Date.now() + (options.catchUpTimeoutMs ?? 180_000);
    for (;;) {
      const ids = (await store.query<{ event_id: string }>('SELECT event_id FROM events')).rows.map((r) => r.event_id);
      const present = ids.filter((id) => onTopic.has(id)).length;
      if (present === ids.length || Date.now() > deadline) return { eventsInStore: ids.length, eventsOnTopic: present };
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await store.end();
  }
}
