import { seededRandom } from '@metron/core';
export { seededRandom };
/** Seeded random mutations of valid records, for property-style "never throws" checks. */


const INTERESTING = ['"', '\\', '[', ']', '=', '<', '>', '-', ' ', '  ', ',', ':', '\n', '\r', '\uFEFF', '\u0000', 'é', '😀', '9', 'T', 'Z', '+', '.'];

/** `line` with 1-4 random edits: delete, insert, replace, duplicate or truncate. */
export function mutate(line: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let s = line;
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (s.length + 1));
    const len = 1 + Math.floor(random() * 6);
    switch (Math.floor(random() * 5)) {
      case 0: s = s.slice(0, at) + s.slice(at + len); break;
      case 1: s = s.slice(0, at) + pick(INTERESTING) + s.slice(at); break;
      case 2: s = s.slice(0, at) + String.fromCharCode(Math.floor(random() * 0x3000)) + s.slice(at + 1); break;
      case 3: s = s.slice(0, at) + s.slice(at, at + len).repeat(2) + s.slice(at + len); break;
      default: s = s.slice(0, at); break;
    }
  }
  return s;
}
