#!/usr/bin/env node
import('../dist/main.js').then((m) => m.main(process.argv.slice(2))).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    console.error(`metron: ${err && err.message ? err.message : err}`);
    process.exitCode = 1;
  },
);
