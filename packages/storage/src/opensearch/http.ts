/**
 * A small OpenSearch REST client on node:http(s): keep-alive connections, basic auth, a CA or
 * no certificate checks for https, round-robin over the configured nodes with fail-over on
 * connection errors. No third-party client: the REST calls used are few and JSON in, JSON out.
 * Credentials travel only in the Authorization header and never appear in errors or logs.
 */
import http from 'node:http';
import https from 'node:https';
import { MetronError } from '@metron/core';
import { isRetryableStatus } from './retry.js';

export interface OpenSearchClientOptions {
  urls: string[];
  username?: string;
  password?: string;
  ca?: string;
  insecure?: boolean;
  /** Per request (default 60 s). */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  body: string;
}

/** A request the cluster answered with an error status. */
export class OpenSearchHttpError extends MetronError {
  constructor(readonly status: number, readonly errorType: string | undefined, reason: string, readonly retryable: boolean) {
    super('STORAGE_FAILED', reason, { status, ...(errorType !== undefined && { type: errorType }) });
    this.name = 'OpenSearchHttpError';
  }
}

/** The cluster could not be reached (refused, reset, timed out): always worth retrying. */
export class OpenSearchUnreachableError extends MetronError {
  readonly retryable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORAGE_FAILED', message, undefined, options);
    this.name = 'OpenSearchUnreachableError';
  }
}

export class OpenSearchClient {
  private readonly nodes: URL[];
  private next = 0;
  private readonly auth: string | undefined;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent: https.Agent;
  private readonly timeoutMs: number;

  constructor(options: OpenSearchClientOptions) {
    if (options.urls.length === 0) throw new MetronError('CONFIG_INVALID', 'OpenSearch needs at least one node URL');
    this.nodes = options.urls.map((u) => new URL(u));
    this.auth = options.username !== undefined ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}` : undefined;
    this.httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8, ...(options.ca !== undefined && { ca: options.ca }), rejectUnauthorized: options.insecure !== true });
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  /** The node URLs (no credentials are part of them). */
  get urls(): string[] {
    return this.nodes.map((u) => u.origin);
  }

  /** One request; tries the next node when a node cannot be reached. */
  async request(method: string, path: string, body?: string | Buffer, contentType = 'application/json'): Promise<HttpResponse> {
    let lastError: unknown;
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[this.next % this.nodes.length]!;
      this.next = (this.next + 1) % this.nodes.length;
      try {
        return await this.send(node, method, path, body, contentType);
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  }

  private send(node: URL, method: string, path: string, body: string | Buffer | undefined, contentType: string): Promise<HttpResponse> {
    const secure = node.protocol === 'https:';
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = contentType;
      headers['content-length'] = payload.length;
    }
    if (this.auth !== undefined) headers.authorization = this.auth;
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request(
        {
          protocol: node.protocol, hostname: node.hostname, port: node.port, method, path, headers,
          agent: secure ? this.httpsAgent : this.httpAgent, timeout: this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', (err) => reject(new OpenSearchUnreachableError(`OpenSearch ${node.origin}: ${err.message}`, { cause: err })));
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      request.on('error', (err) => reject(new OpenSearchUnreachableError(`OpenSearch ${node.origin} ${method} ${path.split('?')[0]}: ${err.message}`, { cause: err })));
      request.end(payload);
    });
  }

  /** A request whose answer must be a 2xx JSON body; other statuses throw OpenSearchHttpError. */
  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.request(method, path, body === undefined ? undefined : JSON.stringify(body));
    return parseJson<T>(response, method, path);
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/** Decodes an answer; a non-2xx status becomes an OpenSearchHttpError with OpenSearch's reason. */
export function parseJson<T>(response: HttpResponse, method: string, path: string): T {
  let parsed: unknown;
  try {
    parsed = response.body === '' ? {} : JSON.parse(response.body);
  } catch {
    parsed = undefined;
  }
  if (response.status >= 200 && response.status < 300 && parsed !== undefined) return parsed as T;
  const error = (parsed as { error?: { type?: string; reason?: string; root_cause?: Array<{ reason?: string }> } | string } | undefined)?.error;
  const type = typeof error === 'object' ? error.type : undefined;
  const reason = typeof error === 'object' ? (error.root_cause?.[0]?.reason ?? error.reason) : typeof error === 'string' ? error : response.body.slice(0, 300);
  throw new OpenSearchHttpError(response.status, type, `OpenSearch ${method} ${path.split('?')[0]}: HTTP ${response.status}${type ? ` ${type}` : ''}: ${String(reason ?? '').slice(0, 500)}`, isRetryableStatus(response.status));
}
