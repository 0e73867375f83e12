/**
 * Stellar evaluation benchmark: compile once, run many times; prints JSON (ns per evaluation).
 * Run: npx vite-node packages/stellar/src/test-support/bench.ts
 * Fixed inputs, so runs compare run to run.
 */
import { compile, int, type StellarValue } from '../index.js';

interface Scenario {
  name: string;
  expr: string;
  vars: Record<string, StellarValue>;
}

const vars: Record<string, StellarValue> = {
  'ip_src_addr': '10.0.0.1',
  'ip_dst_port': int(443),
  'bytes': 1234.5,
  'protocol': 'tcp',
  'threat.triage.level': int(15),
};

const scenarios: Scenario[] = [
  // 10 nodes: compare, logical, in, list, literals, variables
  { name: 'rule_10_nodes', expr: "ip_dst_port == 443 && protocol in ['tcp', 'udp'] && bytes > 1000", vars },
  { name: 'arith_double', expr: 'bytes * 2 + 1', vars },
  { name: 'arith_int', expr: 'ip_dst_port * 2 + 1', vars },
  { name: 'match_triage', expr: "match{ threat.triage.level < 10 => 'info', threat.triage.level < 20 => 'warning', default => 'critical' }", vars },
  { name: 'ternary', expr: "exists(ip_src_addr) ? ip_src_addr : 'none'", vars },
];

function measure(s: Scenario): { name: string; ns_per_eval: number; result: string } {
  const c = compile(s.expr);
  let sink: StellarValue = null;
  for (let i = 0; i < 200_000; i++) sink = c.run(s.vars); // warm up
  const n = 2_000_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink = c.run(s.vars);
  const t1 = process.hrtime.bigint();
  return { name: s.name, ns_per_eval: Math.round((Number(t1 - t0) / n) * 10) / 10, result: String(sink) };
}

const compileRuns = 20_000;
const t0 = process.hrtime.bigint();
for (let i = 0; i < compileRuns; i++) compile(scenarios[0]!.expr);
const compileNs = Number(process.hrtime.bigint() - t0) / compileRuns;

console.log(JSON.stringify({ compile_ns: Math.round(compileNs), scenarios: scenarios.map(measure) }, null, 1));
