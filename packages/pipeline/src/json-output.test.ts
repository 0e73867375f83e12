import { describe, expect, it } from 'vitest';
import { JsonOutput } from './json-output.js';

describe('JsonOutput', () => {
  it('writes messages back to back past its estimate, with UTF-8 byte lengths', () => {
    const out = new JsonOutput(10);
    const texts = Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, s: 'é€😀'.repeat(i % 7), pad: 'x'.repeat(i) }));
    for (const t of texts) out.push(t);
    expect(out.count).toBe(500);
    const { messages, lengths } = out.finish();
    const buf = Buffer.from(messages.buffer, messages.byteOffset, messages.byteLength);
    let at = 0;
    const back = Array.from(lengths, (n) => buf.toString('utf8', at, (at += n)));
    expect(back).toEqual(texts);
    expect(at).toBe(messages.byteLength);
  });

  it('owns its memory, so the batch can be transferred to another thread (small batches too)', () => {
    const out = new JsonOutput(0);
    out.push('{"a":1}');
    const { messages } = out.finish();
    const moved = structuredClone(messages, { transfer: [messages.buffer as ArrayBuffer] });
    expect(Buffer.from(moved).toString()).toBe('{"a":1}');
  });
});
