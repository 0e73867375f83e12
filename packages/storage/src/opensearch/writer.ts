/**
 * The OpenSearch indexing writer: messages go to `<sensor>_index_<hour>` through the bulk API
 * (https://opensearch.org/docs/latest/api-reference/document-apis/bulk/), in requests of at most
 * `bulkMaxDocs` documents and `bulkMaxBytes` bytes.
 *
 * - Idempotent by guid: each document is a `create` with the guid as its id, so a re-delivered
 *   message is answered 409 (already there) and counts as written; it never overwrites a
 *   document an analyst has changed since.
 * - Partial failures are classified per item (retry.ts): 429/5xx items, and whole requests that
 *   fail on the network or with 429/5xx, are sent again with backoff until `retryMaxMs` has
 *   passed, then the write fails (the caller keeps the messages: nothing is acknowledged);
 *   refused items (mapping or parse errors) are dropped to the error index, `error_index_<hour>`,
 *   as Metron error records with the reason and the raw document. A 413 splits the request.
 * - `write` resolves once every message is indexed or recorded in the error index.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { ERROR_SENSOR, ErrorFields, Fields, MetronError, errorMessage, type Message } from '@metron/core';
import { OpenSearchHttpError, parseJson, type OpenSearchClient } from './http.js';
import { backoffMs, classifyItem } from './retry.js';
import { TEMPLATE_NAME, indexName, indexTemplate, sensorPrefix } from './templates.js';

export interface BulkWriterOptions {
  dateFormat: string;
  shards: number;
  replicas: number;
  /** The index template's `refresh_interval`; absent: OpenSearch's. */
  refreshInterval?: string;
  bulkMaxDocs: number;
  bulkMaxBytes: number;
  retryMaxMs: number;
  /** `wait_for` makes each bulk visible to search before it resolves (tests, the update path). */
  refresh?: 'wait_for' | false;
  /** Told of documents dropped to the error index (for metrics); never given the documents. */
  onDropped?: (sensor: string, count: number) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** What the writer did since it started. */
export interface BulkWriterStats {
  /** Documents newly indexed. */
  indexed: number;
  /** Documents already present (409 on create): re-deliveries absorbed. */
  duplicates: number;
  /** Documents refused and recorded in the error index. */
  dropped: number;
  /** Items or requests sent again after a retryable failure. */
  retries: number;
  bulkRequests: number;
}

/** One document ready for the bulk body. */
interface Item {
  sensor: string;
  index: string;
  id: string;
  /** The document's JSON text on one line. */
  source: string;
  /** True for the writer's own error records (refused, they have nowhere else to go). */
  isError: boolean;
}

/** Largest raw document text kept readable in an error record (the bytes are kept whole up to 1 MiB). */
const MAX_RAW_TEXT = 64 * 1024;
const MAX_RAW_BYTES = 1024 * 1024;
const host = hostname();

export class BulkWriter {
  readonly stats: BulkWriterStats = { indexed: 0, duplicates: 0, dropped: 0, retries: 0, bulkRequests: 0 };
  private template: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly client: OpenSearchClient, private readonly options: BulkWriterOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Installs (or updates) the index template once per writer; later calls reuse the result. */
  ensureTemplate(): Promise<void> {
    this.template ??= this.withRetry(() => this.client.json('PUT', `/_index_template/${TEMPLATE_NAME}`, indexTemplate(this.options)).then(() => undefined))
      .catch((err) => {
        this.template = undefined;
        throw new MetronError('STORAGE_FAILED', `cannot install the OpenSearch index template: ${errorMessage(err)}`, undefined, { cause: err });
      });
    return this.template;
  }

  /** Writes parsed messages. */
  async write(sensor: string, messages: Message[]): Promise<void> {
    sensorPrefix(sensor);
    const items: Item[] = [];
    const refused: Array<{ raw: string; reason: string }> = [];
    for (const message of messages) {
      const source = JSON.stringify(message);
      const item = this.item(sensor, message, source);
      if (typeof item === 'string') refused.push({ raw: source, reason: item });
      else items.push(item);
    }
    await this.run(sensor, items, refused);
  }

  /** Writes messages given as their JSON text (one object per buffer), sending the text as it is when it is one line. */
  async writeJson(sensor: string, lines: Buffer[]): Promise<void> {
    sensorPrefix(sensor);
    const items: Item[] = [];
    const refused: Array<{ raw: string; reason: string }> = [];
    for (const line of lines) {
      const text = line.toString('utf8');
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch (err) {
        refused.push({ raw: text, reason: `not JSON: ${errorMessage(err)}` });
        continue;
      }
      if (typeof message !== 'object' || message === null || Array.isArray(message)) {
        refused.push({ raw: text, reason: 'not a JSON object' });
        continue;
      }
      const source = text.includes('\n') || text.includes('\r') ? JSON.stringify(message) : text.trim();
      const item = this.item(sensor, message as Message, source);
      if (typeof item === 'string') refused.push({ raw: text, reason: item });
      else items.push(item);
    }
    await this.run(sensor, items, refused);
  }

  /** The bulk item of a message, or why it cannot be indexed. */
  private item(sensor: string, message: Message, source: string): Item | string {
    const guid = message[Fields.GUID];
    if (typeof guid !== 'string' || guid === '' || Buffer.byteLength(guid) > 512) return 'the message has no guid (a non-empty string of at most 512 bytes), which is its document id';
    const ts = message[Fields.TIMESTAMP];
    const when = typeof ts === 'number' && Number.isFinite(ts) && ts >= 0 && ts < 253402300800000 ? ts : this.now();
    // a refused document of the `error` sensor is recorded like any other (its standard error
    // record leaves out whatever field clashed); only those standard records have nowhere to go
    return { sensor, index: indexName(sensor, when, this.options.dateFormat), id: guid, source, isError: false };
  }

  private async run(sensor: string, items: Item[], refused: Array<{ raw: string; reason: string }>): Promise<void> {
    if (items.length === 0 && refused.length === 0) return;
    await this.ensureTemplate();
    const dropped = await this.send(items);
    const errors = [...refused, ...dropped.map((d) => ({ raw: d.item.source, reason: d.reason }))];
    if (errors.length === 0) return;
    const records = errors.map((e) => this.errorItem(sensor, e.raw, e.reason));
    const refusedAgain = await this.send(records);
    if (refusedAgain.length > 0) {
      throw new MetronError('STORAGE_FAILED', `the error index refused ${refusedAgain.length} error records: ${refusedAgain[0]!.reason}`, { sensor });
    }
    this.stats.dropped += errors.length;
    this.options.onDropped?.(sensor, errors.length);
  }

  /**
   * Sends items in bulk requests, retrying what may succeed later; resolves with the items
   * refused for good (error records among them are an error: they have nowhere else to go).
   */
  private async send(items: Item[]): Promise<Array<{ item: Item; reason: string }>> {
    const refused: Array<{ item: Item; reason: string }> = [];
    for (const chunk of this.chunks(items)) refused.push(...(await this.sendChunk(chunk)));
    const lost = refused.filter((r) => r.item.isError);
    if (lost.length > 0) throw new MetronError('STORAGE_FAILED', `OpenSearch refused ${lost.length} error records: ${lost[0]!.reason}`);
    return refused;
  }

  private *chunks(items: Item[]): Generator<Item[]> {
    let chunk: Item[] = [];
    let bytes = 0;
    for (const item of items) {
      const size = item.source.length + item.index.length + item.id.length + 40;
      if (chunk.length > 0 && (chunk.length >= this.options.bulkMaxDocs || bytes + size > this.options.bulkMaxBytes)) {
        yield chunk;
        chunk = [];
        bytes = 0;
      }
      chunk.push(item);
      bytes += size;
    }
    if (chunk.length > 0) yield chunk;
  }

  private async sendChunk(chunk: Item[]): Promise<Array<{ item: Item; reason: string }>> {
    const refused: Array<{ item: Item; reason: string }> = [];
    let pending = chunk;
    const started = this.now();
    for (let attempt = 0; pending.length > 0; attempt++) {
      let answer: BulkAnswer;
      try {
        answer = await this.bulk(pending);
      } catch (err) {
        if (err instanceof OpenSearchHttpError && err.status === 413) {
          if (pending.length === 1) {
            refused.push({ item: pending[0]!, reason: 'the document is larger than the cluster accepts in one request (HTTP 413)' });
            return refused;
          }
          const half = Math.ceil(pending.length / 2);
          refused.push(...(await this.sendChunk(pending.slice(0, half))), ...(await this.sendChunk(pending.slice(half))));
          return refused;
        }
        if (!isRetryable(err)) throw new MetronError('STORAGE_FAILED', `OpenSearch bulk request failed: ${errorMessage(err)}`, undefined, { cause: err });
        await this.backoff(attempt, started, pending.length, err);
        continue;
      }
      if (answer.items.length !== pending.length) {
        throw new MetronError('STORAGE_FAILED', `OpenSearch answered ${answer.items.length} bulk items for ${pending.length} sent`);
      }
      const retry: Item[] = [];
      let lastRetryReason = '';
      answer.items.forEach((entry, i) => {
        const item = pending[i]!;
        const result = entry.create ?? entry.index ?? {};
        const status = Number(result.status ?? 0);
        switch (classifyItem(status)) {
          case 'ok':
            if (status === 409) this.stats.duplicates++;
            else this.stats.indexed++;
            break;
          case 'retry':
            retry.push(item);
            lastRetryReason = itemReason(status, result.error);
            break;
          case 'drop':
            refused.push({ item, reason: itemReason(status, result.error) });
            break;
        }
      });
      pending = retry;
      if (pending.length > 0) await this.backoff(attempt, started, pending.length, new Error(`${pending.length} items answered ${lastRetryReason}`));
    }
    return refused;
  }

  private async backoff(attempt: number, started: number, count: number, err: unknown): Promise<void> {
    const wait = backoffMs(attempt);
    if (this.now() - started + wait > this.options.retryMaxMs) {
      throw new MetronError('STORAGE_FAILED', `OpenSearch kept failing ${count} documents for ${Math.round((this.now() - started) / 1000)} s (${attempt + 1} attempts): ${errorMessage(err)}`, undefined, { cause: err });
    }
    this.stats.retries += count;
    await this.sleep(wait);
  }

  private async bulk(items: Item[]): Promise<BulkAnswer> {
    const parts: string[] = [];
    for (const item of items) {
      parts.push(JSON.stringify({ create: { _index: item.index, _id: item.id } }), '\n', item.source, '\n');
    }
    this.stats.bulkRequests++;
    const refresh = this.options.refresh === 'wait_for' ? '?refresh=wait_for' : '';
    const path = `/_bulk${refresh}`;
    const response = await this.client.request('POST', path, parts.join(''), 'application/x-ndjson');
    return parseJson<BulkAnswer>(response, 'POST', path);
  }

  /** A Metron error record for a refused document, with a stable id so a re-delivered refusal is recorded once. */
  private errorItem(sensor: string, raw: string, reason: string): Item {
    const bytes = Buffer.from(raw, 'utf8');
    const hash = createHash('sha256').update(bytes).digest('hex');
    const guid = createHash('sha256').update(`${sensor}\u0000${hash}\u0000${reason}`).digest('hex').slice(0, 32);
    const now = this.now();
    const record: Message = {
      [Fields.GUID]: guid,
      [Fields.SENSOR_TYPE]: ERROR_SENSOR,
      [Fields.TIMESTAMP]: now,
      [ErrorFields.MESSAGE]: reason,
      [ErrorFields.EXCEPTION]: reason,
      [ErrorFields.ERROR_TYPE]: 'indexing_error',
      [ErrorFields.STAGE]: 'index',
      [ErrorFields.FAILED_SENSOR_TYPE]: sensor,
      [ErrorFields.HOSTNAME]: host,
      [ErrorFields.ERROR_HASH]: hash,
      [ErrorFields.RAW_MESSAGE]: raw.slice(0, MAX_RAW_TEXT),
      raw_message_length: bytes.length,
    };
    if (bytes.length <= MAX_RAW_BYTES) record[ErrorFields.RAW_MESSAGE_BYTES] = bytes.toString('base64');
    return { sensor: ERROR_SENSOR, index: indexName(ERROR_SENSOR, now, this.options.dateFormat), id: guid, source: JSON.stringify(record), isError: true };
  }

  private async withRetry<T>(task: () => Promise<T>): Promise<T> {
    const started = this.now();
    for (let attempt = 0; ; attempt++) {
      try {
        return await task();
      } catch (err) {
        if (!isRetryable(err)) throw err;
        const wait = backoffMs(attempt);
        if (this.now() - started + wait > this.options.retryMaxMs) throw err;
        await this.sleep(wait);
      }
    }
  }
}

interface BulkItemResult {
  status?: number;
  error?: { type?: string; reason?: string; caused_by?: { type?: string; reason?: string } };
}

interface BulkAnswer {
  errors?: boolean;
  items: Array<{ create?: BulkItemResult; index?: BulkItemResult }>;
}

function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;
}

/** OpenSearch's reason for an item, with its cause (a mapping error names the field and the value's problem). */
function itemReason(status: number, error: BulkItemResult['error']): string {
  if (error === undefined) return `HTTP ${status}`;
  const cause = error.caused_by?.reason !== undefined ? `: ${error.caused_by.type ?? ''} ${error.caused_by.reason}` : '';
  return `OpenSearch refused the document (HTTP ${status} ${error.type ?? ''}): ${error.reason ?? ''}${cause}`.slice(0, 1000);
}
