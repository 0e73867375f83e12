/**
 * GEOHASH_* (Metron's GeoHashFunctions): geohash encoding/decoding (Niemeyer's base-32 geohash,
 * as the ch.hsr geohash-java library Metron uses: longitude bit first, decoded points at the
 * centre of the cell), great-circle distances on a sphere of the Earth's mean radius (spatial4j's
 * haversine, law of cosines and spherical Vincenty formulas) and weighted centroids computed in
 * 3-D cartesian space (http://www.geomidpoint.com/example.html).
 */
import { isNumber, toDouble } from '../values.js';
import type { StellarValue } from '../values.js';
import { StellarFunctionError } from './types.js';
import type { StellarFunction } from './types.js';

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';
const MAX_PRECISION = 12;
/** spatial4j's DistanceUtils.EARTH_MEAN_RADIUS_KM. */
const EARTH_MEAN_RADIUS_KM = 6371.0087714;

export interface LatLong {
  latitude: number;
  longitude: number;
}

/** The geohash of a point with the given number of characters (1..12). */
export function encodeGeohash(latitude: number, longitude: number, precision: number): string {
  if (precision > MAX_PRECISION) throw new StellarFunctionError('A geohash can only be 12 characters long.');
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || Number.isNaN(latitude) || Number.isNaN(longitude)) {
    throw new StellarFunctionError("Can't have lat/lon values out of (-90, 90)/(-180/180)");
  }
  const lat: [number, number] = [-90, 90];
  const lon: [number, number] = [-180, 180];
  let even = true;
  let out = '';
  let bits = 0;
  let ch = 0;
  const total = Math.max(0, precision) * 5;
  for (let i = 0; i < total; i++) {
    const range = even ? lon : lat;
    const value = even ? longitude : latitude;
    const mid = (range[0] + range[1]) / 2;
    ch <<= 1;
    if (value >= mid) {
      ch |= 1;
      range[0] = mid;
    } else {
      range[1] = mid;
    }
    even = !even;
    if (++bits === 5) {
      out += BASE32[ch];
      bits = 0;
      ch = 0;
    }
  }
  return out;
}

/** The centre of a geohash cell ('' is the whole world, centred on 0,0). */
export function decodeGeohash(hash: string): LatLong {
  const lat: [number, number] = [-90, 90];
  const lon: [number, number] = [-180, 180];
  let even = true;
  for (const c of hash) {
    const cd = BASE32.indexOf(c);
    if (cd < 0) throw new StellarFunctionError(`'${hash}' is not a valid geohash: unexpected character '${c}'`);
    for (let j = 4; j >= 0; j--) {
      const range = even ? lon : lat;
      const mid = (range[0] + range[1]) / 2;
      if ((cd >> j) & 1) range[0] = mid;
      else range[1] = mid;
      even = !even;
    }
  }
  return { latitude: (lat[0] + lat[1]) / 2, longitude: (lon[0] + lon[1]) / 2 };
}

const rad = (deg: number): number => (deg * Math.PI) / 180;
const deg = (r: number): number => (r * 180) / Math.PI;

type Strategy = (lat1: number, lon1: number, lat2: number, lon2: number) => number;

/** Central angles in radians, from spatial4j's DistanceUtils. */
const STRATEGIES: Record<string, Strategy> = {
  HAVERSINE(lat1, lon1, lat2, lon2) {
    if (lat1 === lat2 && lon1 === lon2) return 0;
    const hsinX = Math.sin((lon1 - lon2) * 0.5);
    const hsinY = Math.sin((lat1 - lat2) * 0.5);
    let h = hsinY * hsinY + Math.cos(lat1) * Math.cos(lat2) * hsinX * hsinX;
    if (h > 1) h = 1;
    return 2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
  },
  LAW_OF_COSINES(lat1, lon1, lat2, lon2) {
    if (lat1 === lat2 && lon1 === lon2) return 0;
    let cosD = Math.sin(lat1) * Math.sin(lat2) + Math.cos(lat1) * Math.cos(lat2) * Math.cos(lon2 - lon1);
    if (cosD < -1) cosD = -1;
    else if (cosD > 1) cosD = 1;
    return Math.acos(cosD);
  },
  VICENTY(lat1, lon1, lat2, lon2) {
    if (lat1 === lat2 && lon1 === lon2) return 0;
    const cosLat1 = Math.cos(lat1);
    const cosLat2 = Math.cos(lat2);
    const sinLat1 = Math.sin(lat1);
    const sinLat2 = Math.sin(lat2);
    const dLon = lon2 - lon1;
    const cosDLon = Math.cos(dLon);
    const sinDLon = Math.sin(dLon);
    const a = cosLat2 * sinDLon;
    const b = cosLat1 * sinLat2 - sinLat1 * cosLat2 * cosDLon;
    const c = sinLat1 * sinLat2 + cosLat1 * cosLat2 * cosDLon;
    return Math.atan2(Math.sqrt(a * a + b * b), c);
  },
};

/** Great-circle distance in kilometres. */
export function distanceKm(p1: LatLong, p2: LatLong, strategy = 'HAVERSINE'): number {
  const f = STRATEGIES[strategy];
  if (f === undefined) throw new StellarFunctionError(`Unknown distance strategy '${strategy}': use HAVERSINE, LAW_OF_COSINES or VICENTY`);
  return EARTH_MEAN_RADIUS_KM * f(rad(p1.latitude), rad(p1.longitude), rad(p2.latitude), rad(p2.longitude));
}

/** The weighted centre of gravity of points on the sphere, or null without points. */
export function centroid(points: readonly [LatLong, number][]): LatLong | null {
  let x = 0;
  let y = 0;
  let z = 0;
  let totalWeight = 0;
  for (const [p, weight] of points) {
    const latRad = rad(p.latitude);
    const lonRad = rad(p.longitude);
    const cosLat = Math.cos(latRad);
    x += cosLat * Math.cos(lonRad) * weight;
    y += cosLat * Math.sin(lonRad) * weight;
    z += Math.sin(latRad) * weight;
    totalWeight += weight;
  }
  if (points.length === 0) return null;
  x /= totalWeight;
  y /= totalWeight;
  z /= totalWeight;
  return { latitude: deg(Math.atan2(z, Math.sqrt(x * x + y * y))), longitude: deg(Math.atan2(y, x)) };
}

/** ConversionUtils.convert(x, Double.class): numbers and numeric strings, else null. */
function toNumber(v: StellarValue | undefined): number | null {
  if (v === undefined || v === null) return null;
  if (isNumber(v)) return toDouble(v);
  if (typeof v === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?\s*$/.test(v)) return Number(v.trim().replace(/[dDfF]$/, ''));
  return null;
}

function precisionArg(fn: string, v: StellarValue | undefined): number {
  if (v === undefined) return MAX_PRECISION;
  const n = toNumber(v);
  if (n === null) throw new StellarFunctionError(`${fn}: character_precision must be an integer`);
  return Math.trunc(n);
}

function pointOf(hash: StellarValue): LatLong | null {
  if (hash === null || hash === undefined) return null;
  if (typeof hash !== 'string') throw new StellarFunctionError('A geohash must be a string');
  return decodeGeohash(hash);
}

function strategyArg(fn: string, v: StellarValue | undefined): string {
  if (v === undefined) return 'HAVERSINE';
  if (typeof v !== 'string') throw new StellarFunctionError(`${fn}: strategy must be HAVERSINE, LAW_OF_COSINES or VICENTY`);
  if (!(v in STRATEGIES)) throw new StellarFunctionError(`${fn}: unknown strategy '${v}' (HAVERSINE, LAW_OF_COSINES or VICENTY)`);
  return v;
}

const STRATEGY_PARAM =
  'strategy - (optional) The great-circle formula: HAVERSINE (default), LAW_OF_COSINES or VICENTY (spherical Vincenty)';

export const functions: StellarFunction[] = [
  {
    name: 'GEOHASH_TO_LATLONG',
    namespace: 'GEOHASH',
    description: 'Decodes a geohash into the latitude and longitude of the centre of its cell.',
    params: ['hash - The geohash'],
    returns: 'A map with the keys latitude and longitude, or null when hash is null.',
    pure: true,
    call(args) {
      if (args.length < 1) return null;
      const point = pointOf(args[0]!);
      if (point === null) return null;
      return new Map<StellarValue, StellarValue>([
        ['latitude', point.latitude],
        ['longitude', point.longitude],
      ]);
    },
  },
  {
    name: 'GEOHASH_FROM_LATLONG',
    namespace: 'GEOHASH',
    description: 'Encodes a latitude and longitude as a geohash.',
    params: ['latitude - The latitude', 'longitude - The longitude', 'character_precision - (optional) Length of the hash, up to 12; 12 by default'],
    returns: 'The geohash, or null when a coordinate is missing or not a number.',
    pure: true,
    call(args) {
      if (args.length < 2) return null;
      const latitude = toNumber(args[0]);
      const longitude = toNumber(args[1]);
      const precision = precisionArg('GEOHASH_FROM_LATLONG', args[2]);
      if (latitude === null || longitude === null) return null;
      return encodeGeohash(latitude, longitude, precision);
    },
  },
  {
    name: 'GEOHASH_FROM_LOC',
    namespace: 'GEOHASH',
    description: 'Encodes a location map with latitude and longitude keys (such as GEO_GET gives) as a geohash.',
    params: ['map - A map with latitude and longitude', 'character_precision - (optional) Length of the hash, up to 12; 12 by default'],
    returns: 'The geohash, or null when the map lacks a usable latitude or longitude.',
    pure: true,
    call(args) {
      if (args.length < 1) return null;
      const loc = args[0];
      if (loc === null || loc === undefined) return null;
      if (!(loc instanceof Map)) throw new StellarFunctionError('GEOHASH_FROM_LOC: map must be a map');
      const precision = precisionArg('GEOHASH_FROM_LOC', args[1]);
      const latitude = toNumber(loc.get('latitude') as StellarValue | undefined);
      const longitude = toNumber(loc.get('longitude') as StellarValue | undefined);
      if (latitude === null || longitude === null) return null;
      return encodeGeohash(latitude, longitude, precision);
    },
  },
  {
    name: 'GEOHASH_DIST',
    namespace: 'GEOHASH',
    description: 'Computes the great-circle distance between two geohashes.',
    params: ['hash1 - The first geohash', 'hash2 - The second geohash', STRATEGY_PARAM],
    returns: 'The distance in kilometres, or null when a hash is null.',
    pure: true,
    call(args) {
      if (args.length < 2) return null;
      const p1 = pointOf(args[0]!);
      if (p1 === null) return null;
      const p2 = pointOf(args[1]!);
      if (p2 === null) return null;
      return distanceKm(p1, p2, strategyArg('GEOHASH_DIST', args[2]));
    },
  },
  {
    name: 'GEOHASH_MAX_DIST',
    namespace: 'GEOHASH',
    description: 'Computes the largest great-circle distance between any two geohashes of a list.',
    params: ['hashes - A list of geohashes (nulls are skipped)', STRATEGY_PARAM],
    returns: 'The largest distance in kilometres, NaN for an empty list, or null when hashes is null.',
    pure: true,
    call(args, ctx) {
      if (args.length < 1) return null;
      const hashes = args[0];
      if (hashes === null || hashes === undefined) return null;
      if (!Array.isArray(hashes)) throw new StellarFunctionError('GEOHASH_MAX_DIST: hashes must be a list');
      const strategy = strategyArg('GEOHASH_MAX_DIST', args[1]);
      const points = hashes.map(pointOf).filter((p): p is LatLong => p !== null);
      ctx.step((points.length * (points.length + 1)) / 2);
      let max = Number.NaN;
      for (let i = 0; i < points.length; i++) {
        for (let j = 0; j <= i; j++) {
          const d = distanceKm(points[i]!, points[j]!, strategy);
          if (Number.isNaN(max) || d > max) max = d;
        }
      }
      return max;
    },
  },
  {
    name: 'GEOHASH_CENTROID',
    namespace: 'GEOHASH',
    description: 'Computes the geographic midpoint of geohashes, optionally weighted.',
    params: [
      'hashes - A list of geohashes, or a map of geohash to numeric weight',
      'character_precision - (optional) Length of the resulting hash, up to 12; 12 by default',
    ],
    returns: 'The geohash of the centroid, or null when there are no points.',
    pure: true,
    call(args) {
      if (args.length < 1) return null;
      const given = args[0];
      if (given === null || given === undefined) return null;
      const weighted: [LatLong, number][] = [];
      if (given instanceof Map) {
        for (const [hash, weight] of given) {
          const p = pointOf(hash);
          if (p === null) continue;
          const w = toNumber(weight);
          if (w === null) throw new StellarFunctionError('GEOHASH_CENTROID: weights must be numbers');
          weighted.push([p, w]);
        }
      } else if (Array.isArray(given)) {
        for (const hash of given) {
          const p = pointOf(hash);
          if (p !== null) weighted.push([p, 1]);
        }
      } else {
        return null;
      }
      const c = centroid(weighted);
      if (c === null) return null;
      return encodeGeohash(c.latitude, c.longitude, precisionArg('GEOHASH_CENTROID', args[1]));
    },
  },
];
