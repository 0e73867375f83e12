/**
 * Opening a MaxMind DB file (the MMDB format, https://maxmind.github.io/MaxMind-DB/) as Metron
 * accepted it: a plain `.mmdb`, a gzip'd `.mmdb.gz`, or a `.tar.gz` archive holding one `.mmdb`
 * (MaxMind's download layout). The wrapping is recognised from the bytes, not the file name.
 * Every failure names the file and, when given, the config key that pointed at it.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { MetronError, errorMessage } from '@metron/core';
import { Reader } from 'maxmind';
import type { Response } from 'maxmind';
import { LruCache } from './lru-cache.js';

/** The metadata marker that precedes the metadata map at the end of every MMDB file. */
const METADATA_MARKER = Buffer.from('abcdef4d61784d696e642e636f6d', 'hex');
const TAR_BLOCK = 512;

/** A database reader with the file it came from. */
export interface MmdbFile {
  readonly path: string;
  readonly reader: Reader<Response>;
  /** `database_type` from the metadata, e.g. "GeoLite2-City" or "city ipv4". */
  readonly databaseType: string;
  /** 4: IPv4 addresses only; 6: IPv6 and (through ::/96) IPv4. */
  readonly ipVersion: 4 | 6;
  readonly languages: readonly string[];
  readonly buildEpoch: Date;
}

/** Where a database path came from, for error messages. */
export interface SourceLabel {
  /** What the file should be, e.g. "GeoIP database". */
  readonly what: string;
  /** The config key that named it (e.g. "geo.hdfs.file"), when it came from config. */
  readonly configKey?: string | undefined;
}

/** A database file could not be used: the message names the key, the file and the reason. */
export class DatabaseLoadError extends MetronError {
  readonly path: string;
  constructor(path: string, label: SourceLabel, reason: string, cause?: unknown) {
    const prefix = label.configKey === undefined ? '' : `${label.configKey}: `;
    super('CONFIG_INVALID', `${prefix}cannot load ${label.what} ${path}: ${reason}`, { path, key: label.configKey, reason }, { cause });
    this.name = 'DatabaseLoadError';
    this.path = path;
  }
}

function localPath(path: string, label: SourceLabel): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) && !path.startsWith('file://')) {
    throw new DatabaseLoadError(path, label, 'only local files can be read (copy the file from HDFS or the web and configure its local path)');
  }
  return path.startsWith('file://') ? path.slice('file://'.length) : path;
}

function readError(path: string, label: SourceLabel, err: unknown): DatabaseLoadError {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return new DatabaseLoadError(path, label, 'file not found', err);
  if (code === 'EISDIR') return new DatabaseLoadError(path, label, 'is a directory, not a database file', err);
  if (code === 'EACCES') return new DatabaseLoadError(path, label, 'permission denied', err);
  return new DatabaseLoadError(path, label, errorMessage(err), err);
}

/**
 * Decoded records kept by data-section offset (mmdb-lib's decoder cache, as maxmind.open() sets
 * up): addresses of one network or city share a record, so its decoding is reused. 0: none.
 */
export interface ReaderOptions {
  readonly recordCacheSize?: number;
}

/** Reads and opens a database file (blocking: meant for startup and config reloads). */
export function openMmdbFileSync(path: string, label: SourceLabel, options: ReaderOptions = {}): MmdbFile {
  const file = localPath(path, label);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw readError(path, label, err);
  }
  return openMmdbBytes(bytes, path, label, options);
}

/** Reads and opens a database file without blocking the event loop while reading. */
export async function openMmdbFile(path: string, label: SourceLabel, options: ReaderOptions = {}): Promise<MmdbFile> {
  const file = localPath(path, label);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw readError(path, label, err);
  }
  return openMmdbBytes(bytes, path, label, options);
}

/** Opens database bytes (plain, gzip'd, or a gzip'd tar holding a .mmdb). */
export function openMmdbBytes(bytes: Buffer, path: string, label: SourceLabel, options: ReaderOptions = {}): MmdbFile {
  let db = bytes;
  if (db.length >= 2 && db[0] === 0x1f && db[1] === 0x8b) {
    try {
      db = gunzipSync(db);
    } catch (err) {
      throw new DatabaseLoadError(path, label, `damaged gzip data (${errorMessage(err)})`, err);
    }
    if (isTar(db)) db = mmdbFromTar(db, path, label);
  } else if (isTar(db)) {
    db = mmdbFromTar(db, path, label);
  }
  if (db.lastIndexOf(METADATA_MARKER) === -1) {
    throw new DatabaseLoadError(path, label, 'not a MaxMind DB (.mmdb) file: no metadata section (wrong file, legacy .dat format, or truncated)');
  }
  const recordCacheSize = options.recordCacheSize ?? 0;
  const cache = recordCacheSize > 0 ? new LruCache<string | number, unknown>(recordCacheSize) : undefined;
  let reader: Reader<Response>;
  try {
    reader = new Reader<Response>(db, cache === undefined ? {} : { cache });
  } catch (err) {
    throw new DatabaseLoadError(path, label, `damaged MaxMind DB file (${errorMessage(err)})`, err);
  }
  const meta = reader.metadata;
  const ipVersion = meta.ipVersion;
  const treeBytes = meta.searchTreeSize;
  if (meta.binaryFormatMajorVersion !== 2 || (ipVersion !== 4 && ipVersion !== 6) || !(meta.nodeCount > 0) || treeBytes + 16 > db.length) {
    throw new DatabaseLoadError(path, label, 'damaged MaxMind DB file (metadata does not describe a readable search tree)');
  }
  try {
    // walk the tree once so a damaged tree fails here, at load, not on the first message
    reader.get(ipVersion === 6 ? '2001:4860:4860::8888' : '8.8.8.8');
  } catch (err) {
    throw new DatabaseLoadError(path, label, `damaged MaxMind DB file (${errorMessage(err)})`, err);
  }
  return {
    path,
    reader,
    databaseType: typeof meta.databaseType === 'string' ? meta.databaseType : '',
    ipVersion,
    languages: Array.isArray(meta.languages) ? meta.languages.filter((l): l is string => typeof l === 'string') : [],
    buildEpoch: meta.buildEpoch,
  };
}

function isTar(db: Buffer): boolean {
  return db.length >= TAR_BLOCK && db.toString('latin1', 257, 262) === 'ustar';
}

function tarText(block: Buffer, from: number, length: number): string {
  const raw = block.subarray(from, from + length);
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end === -1 ? raw.length : end);
}

function tarSize(block: Buffer): number {
  const field = block.subarray(124, 136);
  if ((field[0]! & 0x80) !== 0) {
    // base-256 (GNU) for sizes beyond the octal field
    let n = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const text = tarText(block, 124, 12).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** The first regular file whose name ends in .mmdb inside a (ustar/GNU/pax) tar archive. */
function mmdbFromTar(tar: Buffer, path: string, label: SourceLabel): Buffer {
  let offset = 0;
  let longName: string | undefined;
  while (offset + TAR_BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + TAR_BLOCK);
    if (header.every((b) => b === 0)) break;
    const size = tarSize(header);
    const type = String.fromCharCode(header[156]!);
    const dataStart = offset + TAR_BLOCK;
    if (!Number.isFinite(size) || size < 0 || dataStart + size > tar.length) break;
    const data = tar.subarray(dataStart, dataStart + size);
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
    } else if (type === 'x') {
      const pax = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      if (pax !== null) longName = pax[1];
    } else {
      const prefix = tarText(header, 345, 155);
      const name = longName ?? (prefix === '' ? tarText(header, 0, 100) : `${prefix}/${tarText(header, 0, 100)}`);
      longName = undefined;
      if ((type === '0' || type === '\0') && name.endsWith('.mmdb')) return data;
    }
    offset = dataStart + Math.ceil(size / TAR_BLOCK) * TAR_BLOCK;
  }
  throw new DatabaseLoadError(path, label, 'the tar archive holds no .mmdb file');
}
