// The envelope, its parsing and the topic's name are the published contract: @key-service/events.
export { consoleMessagingLogger, silentMessagingLogger } from './kafka/messaging.logger';
export type { MessagingLogger } from './kafka/messaging.logger';
export { createKafkaClient, parseBrokerList } from './kafka/kafka-client.factory';
export { ensureTopic } from './kafka/kafka-topic.ensure';
export type { KafkaClientOptions } from './kafka/kafka-client.factory';
export { RELAY_CHECKPOINT_SCHEMA } from './relaying/relay-checkpoint.schema';
export { PgAdvisoryLeaderLock } from './relaying/pg-advisory.leader-lock';
export type { PgAdvisoryLeaderLockOptions, PgConnectionOptions } from './relaying/pg-advisory.leader-lock';
export type { RelayLag } from './relaying/relay.lag';
export { KafkaEventRelay } from './relaying/kafka-event.relay';
export type { KafkaEventRelayOptions } from './relaying/kafka-event.relay';
export type { ProjectionProgress } from './projecting/projection.progress';
export { KafkaProjectionConsumer } from './projecting/kafka-projection.consumer';
export type { KafkaProjectionConsumerOptions } from './projecting/kafka-projection.consumer';
