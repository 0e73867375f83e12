// CPU time per thread of this process, from /proc/self/task (Linux; elsewhere null). Lets a
// scenario say where its CPU per event goes: the main thread, parse workers, DuckDB's threads.
import { readdirSync, readFileSync } from 'node:fs';

/** Ticks of user + system CPU per thread id, with the thread's name; null where /proc is missing. */
export function threadCpu() {
  let tids;
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return null;
  }
  const out = new Map();
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, { name, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/**
 * CPU µs per event between two readings: the main thread as `main`, other threads by busiest
 * first with their kernel name (`thread1 node`, `thread2 V8 DefaultWorke`...: V8's helper threads
 * are named; a worker, a DuckDB thread and a libuv pool thread are not, and are told apart by
 * the caller's knowledge of what runs where), threads under
 * 1% of the total summed as `others`. Ticks are 10 ms, so use it on runs of seconds.
 */
export function threadCpuPerEvent(before, after, events) {
  if (before === null || after === null) return null;
  const used = [];
  let total = 0;
  for (const [tid, { ticks }] of after) {
    const t = ticks - (before.get(tid)?.ticks ?? 0);
    total += t;
    if (t > 0) used.push({ main: tid === String(process.pid), ticks: t, name: after.get(tid).name });
  }
  used.sort((a, b) => Number(b.main) - Number(a.main) || b.ticks - a.ticks);
  const us = (ticks) => Number(((ticks * 10_000) / events).toFixed(1));
  const out = {};
  let n = 0;
  let others = 0;
  for (const u of used) {
    if (u.main) out.main = us(u.ticks);
    else if (u.ticks >= total / 100) out[`thread${++n} ${u.name}`] = us(u.ticks);
    else others += u.ticks;
  }
  if (others > 0) out.others = us(others);
  return out;
}
