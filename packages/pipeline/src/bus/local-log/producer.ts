/**
 * Producer of the local log: splits a send by partition (a key hashes with Kafka's murmur2; keyless
 * records of one send go together to the next partition in round robin) and appends each part.
 */
import { MetronError } from '@metron/core';
import type { Producer, ProducerRecord, RecordMetadata } from '../types.js';
import { partitionForKey } from './murmur2.js';
import type { PartitionLog } from './partition-log.js';

/** What a producer needs from the bus. */
export interface ProducerHost {
  /** The topic's partitions, creating the topic with the bus defaults if missing. */
  partitionsForSend(topic: string): Promise<readonly PartitionLog[]>;
}

export class LocalLogProducer implements Producer {
  private roundRobin = Math.floor(Math.random() * 1024);

  constructor(private readonly host: ProducerHost) {}

  async send(topic: string, records: ProducerRecord[]): Promise<RecordMetadata[]> {
    const partitions = await this.host.partitionsForSend(topic);
    if (records.length === 0) return [];
    const count = partitions.length;
    let keylessPartition = -1;
    const byPartition = new Map<number, { records: ProducerRecord[]; indexes: number[] }>();
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      const problem = recordProblem(record);
      if (problem) throw new MetronError('INPUT_INVALID', `Record ${i} sent to ${topic}: ${problem}`, { topic, index: i });
      let partition: number;
      if (record.key === null || record.key === undefined) {
        if (keylessPartition < 0) keylessPartition = this.roundRobin++ % count;
        partition = keylessPartition;
      } else {
        partition = partitionForKey(record.key, count);
      }
      let group = byPartition.get(partition);
      if (!group) {
        group = { records: [], indexes: [] };
        byPartition.set(partition, group);
      }
      group.records.push(record);
      group.indexes.push(i);
    }
    const results = new Array<RecordMetadata>(records.length);
    await Promise.all(
      [...byPartition].map(async ([partition, group]) => {
        const firstOffset = await partitions[partition]!.append(group.records);
        for (let j = 0; j < group.indexes.length; j++) {
          results[group.indexes[j]!] = { topic, partition, offset: BigInt(firstOffset + j) };
        }
      }),
    );
    return results;
  }
}

function isBytes(value: unknown): value is Buffer | string {
  return typeof value === 'string' || Buffer.isBuffer(value);
}

/** Why a record cannot be appended, or null. Checked before queueing, so one bad record fails only its own send. */
function recordProblem(record: ProducerRecord): string | null {
  if (record === null || typeof record !== 'object') return 'not an object';
  if (!isBytes(record.value)) return 'value must be a string or Buffer';
  if (record.key !== null && record.key !== undefined && !isBytes(record.key)) return 'key must be a string, Buffer or null';
  if (record.timestamp !== undefined && !Number.isSafeInteger(record.timestamp)) return 'timestamp must be integer epoch ms';
  if (record.headers !== undefined) {
    if (record.headers === null || typeof record.headers !== 'object') return 'headers must be an object';
    for (const [name, value] of Object.entries(record.headers)) {
      if (typeof value !== 'string') return `header ${name} must be a string`;
      if (Buffer.byteLength(name) > 0xffff) return 'header name longer than 65535 bytes';
    }
  }
  return null;
}
