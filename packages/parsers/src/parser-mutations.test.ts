/**
 * Property check: seeded random mutations of valid lines never make a parser throw; every outcome
 * is messages (each with an integer timestamp) or an error with a reason.
 */
import { describe, expect, it } from 'vitest';
import { findParserDefinition } from './registry.js';
import { mutate, seededRandom } from './test-support/mutate.js';
import { conformancePath, readLines } from './test-support/conformance.js';

const MUTATIONS = 500;

const cases: [string, Record<string, unknown>, string[]][] = [
  ['Snort', {}, readLines(conformancePath('parsers', 'snort', 'raw.txt'))],
  ['Syslog5424', { nilPolicy: 'DASH' }, readLines(conformancePath('parsers', 'syslog5424', 'raw.txt'))],
  [
    'Syslog3164',
    { splitTag: true, deviceTimeZone: 'Europe/Paris' },
    [
      '<38>Jun 14 22:03:11 bastion-1 sshd[24817]: Accepted publickey for deploy from 203.0.113.7 port 52144 ssh2',
      '<4>Mar 31 02:30:01 fw01 kernel: [1234567.890123] IN=eth0 OUT= SRC=198.51.100.9',
      '<181>2018-09-14T00:54:09+00:00 ise-1 CISE_RADIUS_Accounting 0018032501 1 0',
    ],
  ],
];

describe.each(cases)('%s parser under random mutations', (name, config, lines) => {
  it(`${MUTATIONS} mutations never throw`, () => {
    const parser = findParserDefinition(name)!.build(config, `parsers/${name}.json`);
    const random = seededRandom(0x5eed + name.length);
    let ok = 0;
    for (let i = 0; i < MUTATIONS; i++) {
      const text = mutate(lines[i % lines.length]!, random);
      let outcome;
      try {
        outcome = parser.parse(text, { now: Date.UTC(2024, 5, 15) });
      } catch (err) {
        throw new Error(`threw on ${JSON.stringify(text)}: ${String(err)}`);
      }
      if (outcome.ok) {
        ok++;
        for (const m of outcome.messages) expect(Number.isInteger(m['timestamp']), JSON.stringify(text)).toBe(true);
      } else {
        expect(outcome.reason.length).toBeGreaterThan(0);
      }
    }
    // the mutations should exercise both outcomes
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(MUTATIONS);
  });
});
