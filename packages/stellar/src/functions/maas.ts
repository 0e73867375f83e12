/**
 * MAAS_GET_ENDPOINT / MAAS_MODEL_APPLY (Metron's MaaSFunctions): thin adapters over the
 * model-as-a-service module ('maas'), which owns endpoint discovery, the HTTP call and its cache.
 */
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';
import { mapArg, optionalStringArg, requireService, stringArg, textArg } from './service-adapter.js';

/** A deployed model's REST endpoint, as MAAS_GET_ENDPOINT returns it (keys name, version, url). */
export interface ModelEndpoint {
  name: string;
  version: string;
  url: string;
}

/** What the MaaS module installs under the service name 'maas'. */
export interface MaasService {
  /** The endpoint of a model (its newest version when none is given), or null when not deployed. */
  getEndpoint(name: string, version?: string): ModelEndpoint | null;
  /** Calls `url/path` with the model arguments as request parameters; the JSON map answer, or null. */
  apply(endpoint: ModelEndpoint, path: string, modelArgs: Map<StellarValue, StellarValue>): Map<StellarValue, StellarValue> | null;
}

function endpointArg(fn: string, args: readonly StellarValue[]): ModelEndpoint {
  const m = mapArg(fn, args, 0, 'endpoint');
  const url = m.get('url');
  if (typeof url !== 'string') throw new StellarFunctionError(`${fn}: endpoint must have a 'url'`);
  const name = m.get('name');
  const version = m.get('version');
  return { name: typeof name === 'string' ? name : '', version: typeof version === 'string' ? version : '', url };
}

export const functions: StellarFunction[] = [
  {
    name: 'MAAS_GET_ENDPOINT',
    namespace: 'MAAS',
    description: 'Finds the REST endpoint of a model deployed with Model as a Service.',
    params: ['model_name - The name of the model', 'model_version - (optional) The model version; the newest by default'],
    returns: 'A map with the name, version and url of the endpoint, or null when the model is not deployed.',
    requires: 'maas',
    call(args, ctx) {
      if (args.length < 1) throw new StellarFunctionError('MAAS_GET_ENDPOINT expects at least 1 argument: model_name');
      const name = stringArg('MAAS_GET_ENDPOINT', args, 0, 'model_name');
      const version = args[1] === undefined || args[1] === null ? undefined : textArg('MAAS_GET_ENDPOINT', args, 1, 'model_version');
      const endpoint = requireService<MaasService>(ctx, 'MAAS_GET_ENDPOINT', 'maas').getEndpoint(name, version);
      if (endpoint === null) return null;
      return new Map<StellarValue, StellarValue>([
        ['name', endpoint.name],
        ['version', endpoint.version],
        ['url', endpoint.url],
      ]);
    },
  },
  {
    name: 'MAAS_MODEL_APPLY',
    namespace: 'MAAS',
    description: 'Calls a deployed model with arguments and returns its answer (answers are cached briefly by the module).',
    params: [
      'endpoint - The endpoint map from MAAS_GET_ENDPOINT',
      "function - (optional) The endpoint path; 'apply' by default",
      'model_args - Map of arguments for the model, sent as request parameters',
    ],
    returns: 'The JSON map the model answered, or null.',
    requires: 'maas',
    call(args, ctx) {
      if (args.length < 2) throw new StellarFunctionError('MAAS_MODEL_APPLY expects at least 2 arguments: endpoint, model_args');
      const endpoint = endpointArg('MAAS_MODEL_APPLY', args);
      const path = args.length >= 3 ? optionalStringArg('MAAS_MODEL_APPLY', args, 1, 'function') ?? 'apply' : 'apply';
      const modelArgs = mapArg('MAAS_MODEL_APPLY', args, args.length >= 3 ? 2 : 1, 'model_args');
      return requireService<MaasService>(ctx, 'MAAS_MODEL_APPLY', 'maas').apply(endpoint, path, modelArgs);
    },
  },
];
