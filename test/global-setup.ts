import { startKafkaBroker } from './support/kafka-broker';
import { ensureLocalServices } from './support/local-services';

/** Runs once before all test files: real PostgreSQL, Redis and a real Kafka broker for the int and e2e tiers. */
export default async function globalSetup(): Promise<void> {
  await ensureLocalServices();
  if (process.env.SKIP_KAFKA_BROKER !== '1') await startKafkaBroker();
}
