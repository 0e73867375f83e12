/**
 * A small MaxMind DB writer for tests (format: https://maxmind.github.io/MaxMind-DB/), so the
 * readers can be exercised on files whose layout no npm package ships (an ASN database), and on
 * gzip'd / tar'd / damaged variants. 24-bit records; IPv4 networks in an IPv6 tree live under ::/96.
 */
import { parseIPv4, parseIPv6 } from '../mmdb/ip-address.js';

/** Values with an MMDB type other than the default for their JavaScript type. */
export type TypedValue = { $double: number } | { $float: number } | { $uint16: number } | { $uint64: bigint };
export type MmdbValue = string | number | boolean | TypedValue | MmdbValue[] | { [key: string]: MmdbValue };

export interface MmdbSpec {
  databaseType: string;
  ipVersion: 4 | 6;
  languages?: string[];
  description?: Record<string, string>;
  buildEpoch?: number;
  /** CIDR networks ("8.8.4.0/24", "2001:4860::/32") and their records. */
  entries: { network: string; data: MmdbValue }[];
}

function controlBytes(type: number, size: number): number[] {
  let first = type <= 7 ? type << 5 : 0;
  let sizeBytes: number[] = [];
  if (size < 29) first |= size;
  else if (size < 285) {
    first |= 29;
    sizeBytes = [size - 29];
  } else if (size < 65_821) {
    first |= 30;
    const s = size - 285;
    sizeBytes = [s >> 8, s & 0xff];
  } else {
    first |= 31;
    const s = size - 65_821;
    sizeBytes = [(s >> 16) & 0xff, (s >> 8) & 0xff, s & 0xff];
  }
  return type <= 7 ? [first, ...sizeBytes] : [first, type - 7, ...sizeBytes];
}

function unsignedBytes(n: bigint): number[] {
  const out: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return out;
}

/** Encodes one value in the MMDB data-section format. */
export function encodeValue(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([Buffer.from(controlBytes(2, bytes.length)), bytes]);
  }
  if (typeof value === 'boolean') return Buffer.from(controlBytes(14, value ? 1 : 0));
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) {
      const bytes = unsignedBytes(BigInt(value));
      return Buffer.from([...controlBytes(6, bytes.length), ...bytes]);
    }
    if (Number.isInteger(value) && value < 0 && value >= -0x80000000) {
      const b = Buffer.alloc(4);
      b.writeInt32BE(value);
      return Buffer.concat([Buffer.from(controlBytes(8, 4)), b]);
    }
    return encodeValue({ $double: value });
  }
  if (Array.isArray(value)) return Buffer.concat([Buffer.from(controlBytes(11, value.length)), ...value.map(encodeValue)]);
  if ('$double' in value) {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(value.$double as number);
    return Buffer.concat([Buffer.from(controlBytes(3, 8)), b]);
  }
  if ('$float' in value) {
    const b = Buffer.alloc(4);
    b.writeFloatBE(value.$float as number);
    return Buffer.concat([Buffer.from(controlBytes(15, 4)), b]);
  }
  if ('$uint16' in value) {
    const bytes = unsignedBytes(BigInt(value.$uint16 as number));
    return Buffer.from([...controlBytes(5, bytes.length), ...bytes]);
  }
  if ('$uint64' in value) {
    const bytes = unsignedBytes(value.$uint64 as bigint);
    return Buffer.from([...controlBytes(9, bytes.length), ...bytes]);
  }
  const pairs = Object.entries(value as Record<string, MmdbValue>);
  return Buffer.concat([Buffer.from(controlBytes(7, pairs.length)), ...pairs.flatMap(([k, v]) => [encodeValue(k), encodeValue(v)])]);
}

type Child = { node: number } | { data: number } | null;

function networkBits(network: string, ipVersion: 4 | 6): number[] {
  const [addressText = '', lengthText = ''] = network.split('/');
  const prefix = Number(lengthText);
  const v4 = parseIPv4(addressText);
  let bytes: number[];
  let length = prefix;
  if (v4 !== null) {
    bytes = ipVersion === 6 ? [...new Array<number>(12).fill(0), ...v4] : v4;
    if (ipVersion === 6) length += 96;
  } else {
    const v6 = parseIPv6(addressText);
    if (v6 === null || ipVersion === 4) throw new Error(`cannot place ${network} in an IPv${ipVersion} tree`);
    bytes = [...v6];
  }
  const bits: number[] = [];
  for (let i = 0; i < length; i++) bits.push((bytes[i >> 3]! >> (7 - (i & 7))) & 1);
  return bits;
}

/** Builds a complete .mmdb file. */
export function writeMmdb(spec: MmdbSpec): Buffer {
  const nodes: [Child, Child][] = [[null, null]];
  const dataBlobs: Buffer[] = [];
  const dataIndex = new Map<string, number>();
  const sorted = spec.entries
    .map((e) => ({ bits: networkBits(e.network, spec.ipVersion), data: e.data }))
    .sort((a, b) => a.bits.length - b.bits.length); // wider networks first, narrower ones split them
  for (const entry of sorted) {
    const key = JSON.stringify(entry.data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    let data = dataIndex.get(key);
    if (data === undefined) {
      data = dataBlobs.length;
      dataBlobs.push(encodeValue(entry.data));
      dataIndex.set(key, data);
    }
    let node = 0;
    entry.bits.forEach((bit, depth) => {
      const last = depth === entry.bits.length - 1;
      const current = nodes[node]![bit]!;
      if (last) {
        nodes[node]![bit] = { data: data! };
        return;
      }
      if (current !== null && 'node' in current) {
        node = current.node;
        return;
      }
      // empty, or a wider network's record that this narrower one splits
      nodes.push([current, current]);
      nodes[node]![bit] = { node: nodes.length - 1 };
      node = nodes.length - 1;
    });
  }
  const nodeCount = nodes.length;
  const dataOffsets: number[] = [];
  let offset = 0;
  for (const blob of dataBlobs) {
    dataOffsets.push(offset);
    offset += blob.length;
  }
  const recordValue = (child: Child): number => (child === null ? nodeCount : 'node' in child ? child.node : nodeCount + 16 + dataOffsets[child.data]!);
  const tree = Buffer.alloc(nodeCount * 6);
  nodes.forEach(([left, right], i) => {
    tree.writeUIntBE(recordValue(left), i * 6, 3);
    tree.writeUIntBE(recordValue(right), i * 6 + 3, 3);
  });
  const metadata = encodeValue({
    binary_format_major_version: { $uint16: 2 },
    binary_format_minor_version: { $uint16: 0 },
    build_epoch: { $uint64: BigInt(spec.buildEpoch ?? 1_700_000_000) },
    database_type: spec.databaseType,
    description: spec.description ?? {},
    ip_version: { $uint16: spec.ipVersion },
    languages: spec.languages ?? [],
    node_count: nodeCount,
    record_size: { $uint16: 24 },
  });
  return Buffer.concat([tree, Buffer.alloc(16), ...dataBlobs, Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'), metadata]);
}

/** A ustar archive of the given files (as MaxMind packs its .tar.gz downloads). */
export function writeTar(files: { name: string; data: Buffer }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const header = Buffer.alloc(512);
    header.write(file.name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'latin1');
    header.write('0000000\0', 108, 'latin1');
    header.write('0000000\0', 116, 'latin1');
    header.write(file.data.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
    header.write('00000000000\0', 136, 'latin1');
    header.write('        ', 148, 'latin1');
    header.write('0', 156, 'latin1');
    header.write('ustar\0' + '00', 257, 'latin1');
    let sum = 0;
    for (const b of header) sum += b;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    blocks.push(header, file.data, Buffer.alloc((512 - (file.data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
