import { Kafka } from 'kafkajs';

/**
 * Creates the topic unless it exists (broker defaults for partitions and replication). Right after
 * a creation the broker may briefly answer "unknown topic" to the leader check kafkajs makes, so
 * that answer is retried rather than failing a start.
 */
export async function ensureTopic(kafka: Kafka, topic: string, attempts = 10): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
        return;
      } catch (error) {
        if (attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
}
