/**
 * What the OpenSearch writer retries and how long it waits: the one place where a failure is
 * classified retry or drop (STYLE.md). Retry: the cluster is busy or briefly unavailable (429
 * too many requests / rejected execution, 5xx, connection refused or reset, timeouts): the same
 * documents will be accepted later. Drop: the document itself is refused (400 mapping or parse
 * errors, other 4xx): sending it again cannot succeed, so it goes to the error index with the
 * reason. 409 on `create` means the guid is already indexed: success, not an error.
 */

/** True for statuses worth sending the same request again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500 || status === 0;
}

export type ItemOutcome = 'ok' | 'retry' | 'drop';

/** The outcome of one bulk item from its status (create with the guid as id). */
export function classifyItem(status: number): ItemOutcome {
  if ((status >= 200 && status < 300) || status === 409) return 'ok';
  return isRetryableStatus(status) ? 'retry' : 'drop';
}

/** Exponential backoff with full jitter: attempt 0 waits up to 100 ms, doubling to at most 10 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(10_000, 100 * 2 ** Math.min(attempt, 20));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
