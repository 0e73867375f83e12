/**
 * REST_GET / REST_POST (Metron's RestFunctions): thin adapters over the http module ('http'),
 * which owns the client, rest config resolution (global config, then overrides), timeouts and
 * the empty/error content values.
 */
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { optionalMapArg, requireService, stringArg } from './service-adapter.js';

/** One REST call as the adapter hands it over. */
export interface RestRequest {
  url: string;
  /** Overrides of the global rest config (timeout, basic auth, proxy, response codes...). */
  config: Map<StellarValue, StellarValue>;
  /** Query parameters added to the URL. */
  query: Map<StellarValue, StellarValue>;
}

/** What the http module installs under the service name 'http'. */
export interface HttpService {
  /** GETs the URL and parses the JSON answer (or the configured empty/error value). */
  get(request: RestRequest): StellarValue;
  /** POSTs the body (a JSON string, or a map to serialize) and parses the JSON answer. */
  post(request: RestRequest, body: string | Map<StellarValue, StellarValue>): StellarValue;
}

const URL_PARAM = 'url - The URL of the REST service';
const CONFIG_PARAM = 'rest_config - (optional) Map of rest settings overriding the global config for this call';
const QUERY_PARAM = 'query_parameters - (optional) Map of query parameters to add to the request';

function request(fn: string, args: readonly StellarValue[], configAt: number): RestRequest {
  return {
    url: stringArg(fn, args, 0, 'url'),
    config: optionalMapArg(fn, args, configAt, 'rest_config') ?? new Map<StellarValue, StellarValue>(),
    query: optionalMapArg(fn, args, configAt + 1, 'query_parameters') ?? new Map<StellarValue, StellarValue>(),
  };
}

export const functions: StellarFunction[] = [
  {
    name: 'REST_GET',
    namespace: 'REST',
    description: 'Sends an HTTP GET to a REST service and parses its JSON answer.',
    params: [URL_PARAM, CONFIG_PARAM, QUERY_PARAM],
    returns: 'The parsed JSON answer (a map).',
    requires: 'http',
    call(args, ctx) {
      const req = request('REST_GET', args, 1);
      return requireService<HttpService>(ctx, 'REST_GET', 'http').get(req);
    },
  },
  {
    name: 'REST_POST',
    namespace: 'REST',
    description: 'Sends an HTTP POST with a JSON body to a REST service and parses its JSON answer.',
    params: [URL_PARAM, 'post_data - The body: a JSON string or a map', CONFIG_PARAM, QUERY_PARAM],
    returns: 'The parsed JSON answer (a map).',
    requires: 'http',
    call(args, ctx) {
      const req = request('REST_POST', args, 2);
      const body = args[1];
      if (typeof body !== 'string' && !(body instanceof Map)) {
        throw new StellarFunctionError('REST_POST: post_data must be a JSON string or a map');
      }
      return requireService<HttpService>(ctx, 'REST_POST', 'http').post(req, body);
    },
  },
];
