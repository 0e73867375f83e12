/**
 * The sensor's message filter (`filterClassName` of a Metron sensor parser config, Metron's
 * Filters enum): STELLAR keeps the messages for which the Stellar predicate in
 * `parserConfig["filter.query"]` holds (Metron's StellarFilter); DEFAULT keeps every message.
 * Dropped messages are neither output nor errors: the pipeline counts them as filtered.
 */
import { ConfigError, errorMessage } from '@metron/core';
import { compileStellar, pipelineEval, variablesOf } from '../transformations/stellar-support.js';

/** True to keep the message. Throws an Error with the reason when the predicate fails to run. */
export type MessageFilter = (message: Record<string, unknown>, now?: number) => boolean;

/** Metron's StellarFilter reads its rule from this parserConfig key. */
export const FILTER_QUERY_KEY = 'filter.query';

const STELLAR_NAMES = new Set(['STELLAR', 'ORG.APACHE.METRON.PARSERS.FILTERS.STELLARFILTER', 'STELLARFILTER']);
const DEFAULT_NAMES = new Set(['DEFAULT', 'ORG.APACHE.METRON.PARSERS.FILTERS.GENERICMESSAGEFILTER', 'GENERICMESSAGEFILTER']);

/** Compiles the filter of a sensor; undefined when every message is kept. Throws ConfigError. */
export function compileMessageFilter(
  filterClassName: unknown,
  parserConfig: Record<string, unknown>,
  file: string,
): MessageFilter | undefined {
  if (filterClassName === undefined || filterClassName === null) return undefined;
  if (typeof filterClassName !== 'string') throw new ConfigError(file, '$.filterClassName', 'must be a string');
  const name = filterClassName.trim().toUpperCase();
  if (name === '' || DEFAULT_NAMES.has(name)) return undefined;
  if (!STELLAR_NAMES.has(name)) {
    throw new ConfigError(file, '$.filterClassName', `message filter ${JSON.stringify(filterClassName)} is not supported (supported: STELLAR, DEFAULT)`);
  }
  const query = parserConfig[FILTER_QUERY_KEY];
  if (query === undefined || query === null) {
    throw new ConfigError(file, `$.parserConfig["${FILTER_QUERY_KEY}"]`, 'the STELLAR filter needs its Stellar predicate here');
  }
  const predicate = compileStellar(query, file, `$.parserConfig["${FILTER_QUERY_KEY}"]`);
  return (message, now) => {
    try {
      return predicate.predicate(variablesOf(message), pipelineEval(now));
    } catch (err) {
      throw new Error(`filter ${FILTER_QUERY_KEY}: ${errorMessage(err)}`);
    }
  };
}
