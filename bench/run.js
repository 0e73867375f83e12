#!/usr/bin/env node
// Runs the benchmark scenarios and prints one JSON object per scenario on stdout.
// Usage: npm run bench [-- scenario-name ...]
import { scenarios } from './scenarios.js';

const wanted = process.argv.slice(2);
for (const s of scenarios) {
  if (wanted.length > 0 && !wanted.includes(s.name)) continue;
  const result = await s.run();
  process.stdout.write(JSON.stringify({ scenario: s.name, ...result }) + '\n');
}
