/** The bus on Apache Kafka: scale-out deployments (see docs/operations.md). */
export { KafkaBus, openKafkaBus, checkTopicName } from './kafka-bus.js';
export { KafkaBusConsumer } from './kafka-consumer.js';
export { kafkaOptionsFromGlobal, resolveKafkaOptions, KAFKA_DEFAULTS, type KafkaBusOptions, type ResolvedKafkaBusOptions } from './options.js';
export { CONFIG_TOPIC, ConfigWatcher, applyConfigRecord, configRecords, publishConfigs, type ConfigWatcherOptions } from './config-topic.js';
export { LocalKafkaBroker, KAFKA_VERSION, kafkaClasspath, type LocalBrokerOptions } from './local-broker.js';
