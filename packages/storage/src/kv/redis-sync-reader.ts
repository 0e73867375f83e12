/**
 * Blocking reads from Redis, for the synchronous half of the KeyValueStore contract when the
 * Redis store's cache cannot answer. A worker thread holds its own Redis connection; the calling
 * thread posts a request on a MessagePort, then sleeps in Atomics.wait on a shared flag until the
 * worker has posted the answer and raised the flag (or the timeout passes), and takes the answer
 * with receiveMessageOnPort. The event loop of the calling thread is blocked meanwhile, so this
 * is the slow path: callers prefetch what they can.
 *
 * The worker runs plain JavaScript given inline (no build step, no file to ship) and loads the
 * same Redis client package as the store, by its resolved path.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { KeyValueStoreError } from './key-value-store.js';

/** What the worker can do: MGET of keys, all keys matching a pattern with their values, SMEMBERS. */
export type SyncRequest = { op: 'mget'; keys: string[] } | { op: 'scan'; match: string } | { op: 'smembers'; key: string };

interface SyncAnswer {
  id: number;
  result?: unknown;
  error?: string;
}

// CommonJS, run with `eval: true`. Keys are read in chunks so that one request never builds a
// command of unbounded size.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { url, clientPath, flag, port, connectTimeoutMs } = workerData;
const signal = new Int32Array(flag);
let redis;
let broken;
try {
  const loaded = require(clientPath);
  const Redis = loaded.default || loaded.Redis || loaded;
  redis = new Redis(url, { connectTimeout: connectTimeoutMs, maxRetriesPerRequest: 1 });
  redis.on('error', () => {}); // failures reach the caller through its command
} catch (err) {
  broken = 'cannot start the Redis client: ' + String((err && err.message) || err);
}
const CHUNK = 1000;
async function mget(keys) {
  const out = [];
  for (let i = 0; i < keys.length; i += CHUNK) out.push(...(await redis.mget(keys.slice(i, i + CHUNK))));
  return out;
}
async function run(request) {
  if (broken !== undefined) throw new Error(broken);
  switch (request.op) {
    case 'mget':
      return mget(request.keys);
    case 'scan': {
      const keys = new Set();
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', request.match, 'COUNT', CHUNK);
        cursor = next;
        for (const key of batch) keys.add(key);
      } while (cursor !== '0');
      const list = [...keys];
      const values = await mget(list);
      return list.map((key, i) => [key, values[i]]);
    }
    case 'smembers':
      return redis.smembers(request.key);
    default:
      throw new Error('unknown request ' + request.op);
  }
}
function answer(message) {
  port.postMessage(message);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}
port.on('message', (request) => {
  run(request).then(
    (result) => answer({ id: request.id, result }),
    (err) => answer({ id: request.id, error: String((err && err.message) || err) }),
  );
});
`;

/** The blocking reader of one Redis store; its worker starts at the first request. */
export class RedisSyncReader {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  /** How many blocking round trips were made (a figure for operators: each one stalls the caller). */
  roundTrips = 0;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly connectTimeoutMs: number,
    /** How Redis is named in messages (the URL without its password). */
    private readonly where: string,
  ) {}

  /** Runs one request in the worker and waits for its answer. Throws KeyValueStoreError on failure or timeout. */
  request<T>(request: SyncRequest): T {
    const port = this.start();
    const id = this.nextId++;
    this.roundTrips++;
    Atomics.store(this.flag, 0, 0);
    port.postMessage({ ...request, id });
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      for (let received = receiveMessageOnPort(port); received !== undefined; received = receiveMessageOnPort(port)) {
        const answer = received.message as SyncAnswer;
        // answers to earlier requests that timed out arrive late: they are dropped here
        if (answer.id !== id) continue;
        if (answer.error !== undefined) throw new KeyValueStoreError(`Redis at ${this.where}: ${answer.error}`);
        return answer.result as T;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new KeyValueStoreError(`Redis at ${this.where} did not answer within ${this.timeoutMs} ms`);
      Atomics.wait(this.flag, 0, 0, left);
      Atomics.store(this.flag, 0, 0);
    }
  }

  private start(): MessagePort {
    if (this.port !== undefined) return this.port;
    const { port1, port2 } = new MessageChannel();
    const clientPath = createRequire(import.meta.url).resolve('ioredis');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { url: this.url, clientPath, flag: this.flag.buffer, port: port2, connectTimeoutMs: this.connectTimeoutMs },
      transferList: [port2],
    });
    // the store's owner decides when the process ends, not this helper thread
    this.worker.unref();
    const worker = this.worker;
    // a worker that died is replaced at the next request (its events arrive between requests)
    const forget = () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.port?.close();
      this.port = undefined;
    };
    worker.on('error', forget);
    worker.on('exit', forget);
    this.port = port1;
    return port1;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.port?.close();
    this.port = undefined;
    if (worker !== undefined) await worker.terminate();
  }
}
