/** The bus on Apache Kafka: scale-out deployments (see docs/operations.md). */
export { KafkaBus, openKafkaBus, checkTopicName } from './kafka-bus.js';
export { KafkaBusConsumer } from './kafka-consumer.js';
export { kafkaOptionsFromGlobal, resolveKafkaOptions, KAFKA_DEFAULTS, type KafkaBusOptions, type ResolvedKafkaBusOptions } from './options.js';
