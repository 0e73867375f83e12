/**
 * Topic metadata, one JSON file per topic in `<dir>/__topics/<topic>.json`: partition count,
 * config, and the `epoch`, a random id created with the topic. The epoch changes when a topic is
 * deleted and created again, so ids derived from (epoch, partition, offset) never repeat.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MetronError } from '@metron/core';
import type { TopicConfig } from '../types.js';
import { writeFileAtomic } from './durable-file.js';

export const TOPICS_DIR = '__topics';
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,200}$/;

export interface ResolvedTopicConfig {
  partitions: number;
  segmentBytes: number;
  retentionBytes?: number;
  retentionMs?: number;
}

export interface TopicMetadata {
  name: string;
  epoch: string;
  createdAt: number;
  config: ResolvedTopicConfig;
}

/** Throws INPUT_INVALID unless `name` is a usable topic name (it becomes part of directory names). */
export function checkTopicName(name: string): void {
  if (typeof name !== 'string' || !TOPIC_NAME.test(name) || name === '.' || name === '..' || name.startsWith('__')) {
    throw new MetronError(
      'INPUT_INVALID',
      `Invalid topic name ${JSON.stringify(name)}: use 1-200 of A-Z a-z 0-9 . _ -, not starting with "__"`,
      { topic: name },
    );
  }
}

function positiveInteger(value: unknown, key: string, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new MetronError('CONFIG_INVALID', `${where}: ${key} must be a positive integer, got ${JSON.stringify(value)}`, {
      key,
    });
  }
  return value;
}

/** Merges a topic's own config over the bus defaults and checks it. */
export function resolveTopicConfig(
  config: Partial<TopicConfig> | undefined,
  defaults: Partial<TopicConfig> | undefined,
  where: string,
): ResolvedTopicConfig {
  const merged = { ...defaults, ...config };
  const partitions = positiveInteger(merged.partitions, 'partitions', where) ?? 1;
  const segmentBytes = positiveInteger(merged.segmentBytes, 'segmentBytes', where) ?? 64 * 1024 * 1024;
  if (segmentBytes > 1024 * 1024 * 1024) {
    throw new MetronError('CONFIG_INVALID', `${where}: segmentBytes must be at most 1 GiB`, { key: 'segmentBytes' });
  }
  const resolved: ResolvedTopicConfig = { partitions, segmentBytes };
  const retentionBytes = positiveInteger(merged.retentionBytes, 'retentionBytes', where);
  const retentionMs = positiveInteger(merged.retentionMs, 'retentionMs', where);
  if (retentionBytes !== undefined) resolved.retentionBytes = retentionBytes;
  if (retentionMs !== undefined) resolved.retentionMs = retentionMs;
  return resolved;
}

/** A new topic's metadata with a fresh epoch. */
export function newTopicMetadata(name: string, config: ResolvedTopicConfig): TopicMetadata {
  return { name, epoch: randomUUID(), createdAt: Date.now(), config };
}

/** Writes a topic's metadata file atomically. */
export async function saveTopicMetadata(dir: string, metadata: TopicMetadata, fsync: boolean): Promise<void> {
  await writeFileAtomic(join(dir, TOPICS_DIR, `${metadata.name}.json`), `${JSON.stringify(metadata, null, 2)}\n`, fsync);
}

/** Reads every topic's metadata file. */
export async function loadTopicMetadata(dir: string): Promise<TopicMetadata[]> {
  const topicsDir = join(dir, TOPICS_DIR);
  await mkdir(topicsDir, { recursive: true });
  const out: TopicMetadata[] = [];
  for (const file of await readdir(topicsDir)) {
    if (!file.endsWith('.json') || file.startsWith('.')) continue;
    const path = join(topicsDir, file);
    let metadata: TopicMetadata;
    try {
      metadata = JSON.parse(await readFile(path, 'utf8')) as TopicMetadata;
      checkTopicName(metadata.name);
      metadata.config = resolveTopicConfig(metadata.config, undefined, path);
      if (typeof metadata.epoch !== 'string' || metadata.epoch === '') throw new Error('epoch missing');
    } catch (err) {
      throw new MetronError('CONFIG_INVALID', `${path}: unreadable topic metadata: ${(err as Error).message}`, { file: path }, {
        cause: err,
      });
    }
    out.push(metadata);
  }
  return out;
}
