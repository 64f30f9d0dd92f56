import { stopKafkaBroker } from './support/kafka-broker';

export default async function globalTeardown(): Promise<void> {
  if (process.env.SKIP_KAFKA_BROKER !== '1') await stopKafkaBroker();
}
