import { Kafka, logLevel, LogEntry } from 'kafkajs';
import { MessagingLogger } from './messaging.logger';

export interface KafkaClientOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: MessagingLogger;
}

/**
 * A kafkajs client whose own logs go to our logger at warn level and above: kafkajs logs every
 * reconnect attempt, which during a broker outage would drown everything else.
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const logCreator = () => (entry: LogEntry) => {
    const { message, ...meta } = entry.log;
    const text = `kafkajs ${entry.namespace}: ${message}`;
    if (entry.level === logLevel.ERROR) options.logger.error(text, meta);
    else options.logger.warn(text, meta);
  };
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator,
    connectionTimeout: 3000,
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8 },
  });
}

/** Brokers from a comma-separated list, as KAFKA_BROKERS carries them. */
export function parseBrokerList(value: string): string[] {
  return value
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
}
