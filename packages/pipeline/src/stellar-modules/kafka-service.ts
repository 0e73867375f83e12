/**
 * The 'kafka' service of Stellar's KAFKA_* functions (Metron's KafkaFunctions). KAFKA_PROPS
 * works everywhere: the properties are Metron's defaults, overridden by every entry of the global
 * config (Metron copies the whole global config, not only Kafka keys), overridden by the call's
 * own map. Reading and writing topics needs a Kafka broker connection, which this embedded
 * installation does not have (its bus is the local log): those functions fail saying so, rather
 * than return anything.
 */
import { JInt, StellarFunctionError, type KafkaOverrides, type KafkaService, type StellarValue } from '@metron/stellar';
import { stellarValueOfJson } from './json-values.js';

const STRING_DESERIALIZER = 'org.apache.kafka.common.serialization.StringDeserializer';
const STRING_SERIALIZER = 'org.apache.kafka.common.serialization.StringSerializer';

/** Metron's KafkaFunctions.defaultKafkaProperties, with the Java types of its values. */
export const KAFKA_FUNCTION_DEFAULTS: ReadonlyArray<readonly [string, StellarValue]> = [
  ['bootstrap.servers', 'localhost:9092'],
  ['group.id', 'kafka-functions-stellar'],
  ['auto.offset.reset', 'latest'],
  ['max.poll.records', new JInt(1)],
  ['key.deserializer', STRING_DESERIALIZER],
  ['value.deserializer', STRING_DESERIALIZER],
  ['key.serializer', STRING_SERIALIZER],
  ['value.serializer', STRING_SERIALIZER],
  ['stellar.kafka.max.wait.millis', new JInt(5000)],
  ['stellar.kafka.poll.timeout', new JInt(500)],
  ['stellar.kafka.message.view', 'simple'],
];

export interface KafkaStellarServiceOptions {
  /** The global config as it stands at the call (Metron reads its GLOBAL_CONFIG capability per call). */
  globalConfig: () => Readonly<Record<string, unknown>>;
}

/** Creates the service to install as 'kafka' in a Stellar FunctionRegistry. */
export function createKafkaStellarService(options: KafkaStellarServiceOptions): KafkaService {
  const properties = (overrides: KafkaOverrides): Map<StellarValue, StellarValue> => {
    const props = new Map<StellarValue, StellarValue>(KAFKA_FUNCTION_DEFAULTS);
    for (const [key, value] of Object.entries(options.globalConfig())) props.set(key, stellarValueOfJson(value));
    for (const [key, value] of overrides) props.set(key, value);
    return props;
  };
  const noBroker = (fn: string, topic: string, overrides: KafkaOverrides): never => {
    const servers = properties(overrides).get('bootstrap.servers');
    throw new StellarFunctionError(
      `${fn} needs a Kafka broker connection, which is not configured: this installation's kafka module only compiles ` +
        `properties (KAFKA_PROPS) and has no Kafka client to reach bootstrap.servers '${String(servers)}' for topic '${topic}'`,
    );
  };
  return {
    properties,
    get: (topic, _count, overrides) => noBroker('KAFKA_GET', topic, overrides),
    tail: (topic, _count, overrides) => noBroker('KAFKA_TAIL', topic, overrides),
    put: (topic, _messages, overrides) => noBroker('KAFKA_PUT', topic, overrides),
    find: (topic, _filter, _count, overrides) => noBroker('KAFKA_FIND', topic, overrides),
    seek: (topic, _partition, _offset, overrides) => noBroker('KAFKA_SEEK', topic, overrides),
  };
}
