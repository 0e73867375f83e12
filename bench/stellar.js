// Stellar evaluations per second on one core (one JS thread): the compiled path (production:
// compile() once, closures per evaluation) against the naive tree walk (interpret(), the
// baseline in packages/stellar/src/tree-walk.ts) over the same AST, for
//   (a) a triage predicate, (b) a field transformation with string functions, (c) a STATS_ADD
//   update of one statistics object created once.
// Each path: warm up, then time ~1.5 s of evaluations. Uses the built package: run
// `npx tsc -b packages/stellar` (or `npm run build`) first.
// Run: node bench/run.js stellar-evaluations   (or: node bench/stellar.js)
import { pathToFileURL } from 'node:url';
import { compile, defaultRegistry, DEFAULT_LIMITS, fromJson, interpret, parse } from '@metron/stellar';

const WARMUP_MS = Number(process.env.BENCH_STELLAR_WARMUP_MS ?? 300);
const MEASURE_MS = Number(process.env.BENCH_STELLAR_MS ?? 1500);
const CHUNK = 10_000;

/** A Bro-like message as the pipeline gives it to Stellar (JSON integers are longs). */
function message(i, overrides) {
  const json = {
    'source.type': 'bro',
    protocol: 'http',
    timestamp: 1_700_000_000_000 + i,
    guid: `0b5c6c5a-7f3e-4b8e-9d3e-00000000000${i}`,
    ip_src_addr: '10.0.0.1',
    ip_src_port: 49_152 + i,
    ip_dst_addr: '192.168.1.20',
    ip_dst_port: 443,
    host: 'web01.example.com',
    user: 'alice',
    method: 'GET',
    uri: '/index.html',
    status_code: 200,
    request_body_len: 0,
    response_body_len: 5120,
    user_agent: 'Mozilla/5.0',
    trans_depth: 1,
    ...overrides,
  };
  return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, fromJson(v)]));
}

/** Several messages, so both branches of the predicate run (true, true, false, false). */
const triageMessages = [
  message(0, { host: 'db01.example.com' }), // in the list, host starts with db
  message(1, { ip_src_addr: '10.0.0.2', ip_dst_port: 22 }), // in the list, port 22
  message(2, { ip_src_addr: '10.0.0.3' }), // not in the list
  message(3, { ip_src_addr: '10.0.0.2' }), // in the list, neither db nor 22
];

const transformMessages = [
  message(0, { host: 'mail.yahoo.co.uk', user: 'alice' }),
  message(1, { host: 'www.google.com', user: 'Bob' }),
  message(2, { host: 'db01.corp.example.org', user: 'carol' }),
  message(3, { host: 'cdn.example.net', user: 'dave' }),
];

/** Calls fn(i) for ~ms milliseconds; returns evaluations per second. */
function rate(fn, ms) {
  let n = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < CHUNK; i++) if (fn(n + i)) sink++;
    n += CHUNK;
    elapsed = performance.now() - t0;
  } while (elapsed < ms);
  if (sink < 0) console.error(sink); // keeps the results alive
  return (n / elapsed) * 1000;
}

function compare(compiledFn, treeWalkFn) {
  rate(compiledFn, WARMUP_MS);
  rate(treeWalkFn, WARMUP_MS);
  const compiled = rate(compiledFn, MEASURE_MS);
  const treeWalk = rate(treeWalkFn, MEASURE_MS);
  return {
    compiled_per_sec: Math.round(compiled),
    tree_walk_per_sec: Math.round(treeWalk),
    speedup: Math.round((compiled / treeWalk) * 100) / 100,
  };
}

function sameResults(name, a, b) {
  if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${name}: compiled ${JSON.stringify(a)} != tree walk ${JSON.stringify(b)}`);
}

export function stellarEvaluations() {
  const registry = defaultRegistry();
  const options = { functions: registry };

  // (a) triage predicate
  const exprA = "ip_src_addr in ['10.0.0.1','10.0.0.2'] && (STARTS_WITH(host,'db') or ip_dst_port == 22)";
  const compiledA = compile(exprA, options);
  const astA = parse(exprA, DEFAULT_LIMITS);
  const nA = triageMessages.length;
  sameResults('a', triageMessages.map((m) => compiledA.predicate(m)), triageMessages.map((m) => interpret(astA, m, registry)));
  const a = compare(
    (i) => compiledA.predicate(triageMessages[i % nA]),
    (i) => interpret(astA, triageMessages[i % nA], registry) === true,
  );

  // (b) field transformation with string functions
  const exprB = "TO_LOWER(JOIN([DOMAIN_REMOVE_TLD(host), TO_UPPER(user)], '-'))";
  const compiledB = compile(exprB, options);
  const astB = parse(exprB, DEFAULT_LIMITS);
  const nB = transformMessages.length;
  sameResults('b', transformMessages.map((m) => compiledB.run(m)), transformMessages.map((m) => interpret(astB, m, registry)));
  const b = compare(
    (i) => compiledB.run(transformMessages[i % nB]).length > 0,
    (i) => interpret(astB, transformMessages[i % nB], registry).length > 0,
  );

  // (c) STATS_ADD into one statistics object, created once; a new value each evaluation
  const exprC = 'STATS_ADD(stats, value)';
  const compiledC = compile(exprC, options);
  const astC = parse(exprC, DEFAULT_LIMITS);
  const varsC = { stats: compile('STATS_INIT()', options).run({}), value: 0 };
  if (compiledC.run(varsC) !== varsC.stats || interpret(astC, varsC, registry) !== varsC.stats) throw new Error('c: STATS_ADD did not update the given object');
  const c = compare(
    (i) => {
      varsC.value = (i % 1000) + 0.5;
      return compiledC.run(varsC) !== null;
    },
    (i) => {
      varsC.value = (i % 1000) + 0.5;
      return interpret(astC, varsC, registry) !== null;
    },
  );
  const count = compile('STATS_COUNT(stats)', options).run(varsC);

  return {
    a: { expr: exprA, ...a, target_per_sec: 2_000_000, target_met: a.compiled_per_sec >= 2_000_000 },
    b: { expr: exprB, ...b },
    c: { expr: exprC, ...c, values_added: Number(count) },
    node: process.version,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(JSON.stringify(stellarEvaluations()) + '\n');
}
