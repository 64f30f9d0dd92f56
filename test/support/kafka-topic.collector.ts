import { randomUUID } from 'node:crypto';
import { Consumer, IHeaders, Kafka, logLevel } from 'kafkajs';
import { ensureTopic } from '@keys/messaging';

export interface CollectedMessage {
  readonly key: string;
  readonly value: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly partition: number;
  readonly offset: string;
}

function headerText(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return out;
}

/** Reads a whole topic from the beginning in its own consumer group, surviving broker restarts. */
export class TopicCollector {
  readonly messages: CollectedMessage[] = [];
  private consumer: Consumer | null = null;

  constructor(
    private readonly brokers: string[],
    private readonly topic: string,
  ) {}

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'test-collector', brokers: this.brokers, logLevel: logLevel.NOTHING });
    // Subscribing to a topic that does not exist yet fails; creating it is a no-op when it does.
    await ensureTopic(kafka, this.topic);
    this.consumer = kafka.consumer({
      groupId: `test-collector-${randomUUID()}`,
      retry: { retries: 10, restartOnFailure: async () => true },
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ message, partition }) => {
        this.messages.push({
          key: message.key?.toString('utf8') ?? '',
          value: message.value?.toString('utf8') ?? '',
          headers: headerText(message.headers),
          partition,
          offset: message.offset,
        });
      },
    });
  }

  /** Waits (with a deadline) until the collected messages satisfy `done`. */
  async waitFor(done: (messages: readonly CollectedMessage[]) => boolean, timeoutMs = 60_000): Promise<void> {
    await waitUntil(() => done(this.messages), timeoutMs, () => `topic ${this.topic} has ${this.messages.length} messages`);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = null;
  }
}

/** Polls `condition` until it holds; fails with `describe()` once the deadline passes. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  describe: () => string = () => 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting: ${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
