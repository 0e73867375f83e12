/**
 * KAFKA_* (Metron's KafkaFunctions, used from the REPL): thin adapters over the kafka module
 * ('kafka'), which owns the clients, consumer positions and property resolution (global config,
 * then per-call overrides).
 */
import { fromJson } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { integerArg, lambdaArg, optionalIntegerArg, optionalMapArg, requireService, stringArg } from './service-adapter.js';

/** Per-call property overrides (the optional `config` map of every KAFKA_* function). */
export type KafkaOverrides = Map<StellarValue, StellarValue>;

/** What the kafka module installs under the service name 'kafka'. */
export interface KafkaService {
  /** The effective client properties (defaults, then global config, then overrides). */
  properties(overrides: KafkaOverrides): Map<StellarValue, StellarValue>;
  /** Up to `count` messages, continuing from where the previous read of this topic stopped. */
  get(topic: string, count: number, overrides: KafkaOverrides): string[];
  /** Up to `count` messages that arrive from now on. */
  tail(topic: string, count: number, overrides: KafkaOverrides): string[];
  /** Sends the messages; one map per record sent (topic, partition as int, offset as long, timestamp). */
  put(topic: string, messages: string[], overrides: KafkaOverrides): Map<StellarValue, StellarValue>[];
  /** Up to `count` messages, from the latest offsets on, that the filter accepts. */
  find(topic: string, filter: (message: string) => boolean, count: number, overrides: KafkaOverrides): string[];
  /** The message at a partition and offset, or null when there is none. */
  seek(topic: string, partition: number, offset: number, overrides: KafkaOverrides): string | null;
}

const KAFKA = 'kafka';
const CONFIG_PARAM = 'config - (optional) Map of properties overriding the global ones for this call';

function overridesArg(fn: string, args: readonly StellarValue[], i: number): KafkaOverrides {
  return optionalMapArg(fn, args, i, 'config') ?? new Map<StellarValue, StellarValue>();
}

function countArg(fn: string, args: readonly StellarValue[], i: number): number {
  const count = optionalIntegerArg(fn, args, i, 'count') ?? 1;
  if (count < 0) throw new StellarFunctionError(`${fn}: count must not be negative`);
  return count;
}

function messagesArg(fn: string, v: StellarValue | undefined): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) {
    return v.map((m) => {
      if (typeof m !== 'string') throw new StellarFunctionError(`${fn}: each message must be a string`);
      return m;
    });
  }
  throw new StellarFunctionError(`${fn}: messages must be a string or a list of strings`);
}

/** Offers a message to a Stellar filter as its parsed JSON fields; unparsable messages never match. */
function jsonFilter(filter: { call(args: StellarValue[]): StellarValue }): (message: string) => boolean {
  return (message) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return false;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
    return filter.call([fromJson(parsed)]) === true;
  };
}

export const functions: StellarFunction[] = [
  {
    name: 'KAFKA_GET',
    namespace: 'KAFKA',
    description: 'Reads messages from a Kafka topic; later calls continue where the previous one stopped.',
    params: ['topic - The Kafka topic', 'count - (optional) How many messages to read; 1 by default', CONFIG_PARAM],
    returns: 'The messages, as a list of strings.',
    requires: KAFKA,
    call(args, ctx) {
      const topic = stringArg('KAFKA_GET', args, 0, 'topic');
      return requireService<KafkaService>(ctx, 'KAFKA_GET', KAFKA).get(topic, countArg('KAFKA_GET', args, 1), overridesArg('KAFKA_GET', args, 2));
    },
  },
  {
    name: 'KAFKA_TAIL',
    namespace: 'KAFKA',
    description: 'Reads the messages that arrive on a Kafka topic from now on.',
    params: ['topic - The Kafka topic', 'count - (optional) How many messages to read; 1 by default', CONFIG_PARAM],
    returns: 'The messages, as a list of strings.',
    requires: KAFKA,
    call(args, ctx) {
      const topic = stringArg('KAFKA_TAIL', args, 0, 'topic');
      return requireService<KafkaService>(ctx, 'KAFKA_TAIL', KAFKA).tail(topic, countArg('KAFKA_TAIL', args, 1), overridesArg('KAFKA_TAIL', args, 2));
    },
  },
  {
    name: 'KAFKA_PUT',
    namespace: 'KAFKA',
    description: 'Writes one or more messages to a Kafka topic.',
    params: ['topic - The Kafka topic', 'messages - A message or a list of messages', CONFIG_PARAM],
    returns: 'One map per message written, with its topic, partition, offset and timestamp.',
    requires: KAFKA,
    call(args, ctx) {
      const topic = stringArg('KAFKA_PUT', args, 0, 'topic');
      const messages = messagesArg('KAFKA_PUT', args[1]);
      return requireService<KafkaService>(ctx, 'KAFKA_PUT', KAFKA).put(topic, messages, overridesArg('KAFKA_PUT', args, 2));
    },
  },
  {
    name: 'KAFKA_PROPS',
    namespace: 'KAFKA',
    description: 'Shows the Kafka properties the other KAFKA_* functions use.',
    params: [CONFIG_PARAM],
    returns: 'The effective properties as a map.',
    requires: KAFKA,
    call(args, ctx) {
      return requireService<KafkaService>(ctx, 'KAFKA_PROPS', KAFKA).properties(overridesArg('KAFKA_PROPS', args, 0));
    },
  },
  {
    name: 'KAFKA_FIND',
    namespace: 'KAFKA',
    description: 'Reads the messages of a Kafka topic, from the latest offsets on, that a filter accepts.',
    params: [
      'topic - The Kafka topic',
      'filter - A lambda given each message as a map of its fields; true keeps the message',
      'count - (optional) How many messages to return; 1 by default',
      CONFIG_PARAM,
    ],
    returns: 'The matching messages, as a list of strings.',
    requires: KAFKA,
    call(args, ctx) {
      const topic = stringArg('KAFKA_FIND', args, 0, 'topic');
      const filter = lambdaArg('KAFKA_FIND', args, 1, 'filter');
      return requireService<KafkaService>(ctx, 'KAFKA_FIND', KAFKA).find(
        topic,
        jsonFilter(filter),
        countArg('KAFKA_FIND', args, 2),
        overridesArg('KAFKA_FIND', args, 3),
      );
    },
  },
  {
    name: 'KAFKA_SEEK',
    namespace: 'KAFKA',
    description: 'Reads the message at a given partition and offset of a Kafka topic.',
    params: ['topic - The Kafka topic', 'partition - The partition, from 0', 'offset - The offset within the partition, from 0', CONFIG_PARAM],
    returns: 'The message, or null when the offset does not exist.',
    requires: KAFKA,
    call(args, ctx) {
      const topic = stringArg('KAFKA_SEEK', args, 0, 'topic');
      const partition = integerArg('KAFKA_SEEK', args, 1, 'partition');
      const offset = integerArg('KAFKA_SEEK', args, 2, 'offset');
      return requireService<KafkaService>(ctx, 'KAFKA_SEEK', KAFKA).seek(topic, partition, offset, overridesArg('KAFKA_SEEK', args, 3));
    },
  },
];
