import { describe, expect, it } from 'vitest';
import { DEFAULT_INDICATOR_TYPES } from './indicator.js';
import { emptyMispChunk, mapMispEvent, MISP_EVENT_METADATA, MispAttributeMapper, readMispManifest } from './misp.js';
import { attr, event, EVENT_UUID, LOADABLE_TYPES_EVENT, ONE_ATTRIBUTE_EVENT, SKIPS_AND_ISSUES_EVENT } from './test-support/misp-fixtures.js';

const options = { types: DEFAULT_INDICATOR_TYPES };

describe('MISP events to table rows', () => {
  it('maps an attribute with every metadata field', () => {
    const chunk = mapMispEvent(ONE_ATTRIBUTE_EVENT, 'feed/e.json', { ...options, feed: 'https://feed.example/' });
    expect(chunk).toEqual({
      rows: [
        {
          type: 'malicious_ip',
          indicator: '198.51.100.20',
          value: {
            'source-type': 'MISP',
            'indicator-type': 'malicious_ip',
            misp_event_uuid: EVENT_UUID,
            misp_event_info: 'Phishing campaign',
            org: 'CIRCL',
            threat_level: 'High',
            event_date: '2024-05-01',
            feed: 'https://feed.example/',
            misp_type: 'ip-dst',
            misp_attribute_uuid: '00000000-0000-4000-8000-000000000001',
            category: 'Network activity',
            comment: 'C2',
            tags: 'tlp:white,kill-chain:c2',
            timestamp: '2024-05-01T00:00:00.000Z',
            to_ids: true,
          },
        },
      ],
      issues: [],
      attributes: 1,
      indicators: 1,
      skipped: 0,
      deleted: 0,
    });
  });

  it('maps each loadable type, including composite ones and object attributes', () => {
    const chunk = mapMispEvent(
      LOADABLE_TYPES_EVENT,
      'e.json',
      options,
    );
    expect(chunk.issues).toEqual([]);
    expect(chunk.rows.map((r) => [r.type, r.indicator, r.value['misp_type']])).toEqual([
      ['malicious_ip', '203.0.113.1', 'ip-src'],
      ['malicious_ip', '2001:db8::2', 'ip-dst|port'],
      ['malicious_domain', 'evil.example', 'domain'],
      ['malicious_domain', 'www.evil.example', 'hostname'],
      ['malicious_domain', 'mail.evil.example', 'hostname|port'],
      ['malicious_domain', 'c2.example', 'domain|ip'],
      ['malicious_ip', '203.0.113.6', 'domain|ip'],
      ['malicious_url', 'https://evil.example/login.php', 'url'],
      ['malicious_email', 'ceo@evil.example', 'email-src'],
      ['malicious_hash', 'd41d8cd98f00b204e9800998ecf8427e', 'md5'],
      ['malicious_hash', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'filename|sha256'],
      ['malicious_hash', 'da39a3ee5e6b4b0d3255bfef95601890afd80709', 'sha1'],
      ['malicious_hash', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e', 'sha512'],
    ]);
    expect(chunk).toMatchObject({ attributes: 12, indicators: 12, skipped: 0 });
  });

  it('skips to_ids-off attributes unless asked, removes deleted ones, reports other types by group and bad values', () => {
    const text = SKIPS_AND_ISSUES_EVENT;
    const chunk = mapMispEvent(text, 'e.json', options);
    expect(chunk.rows.map((r) => [r.indicator, r.remove ?? false])).toEqual([['198.51.100.2', true]]);
    const at = (i: number, n: number) => `e.json: Event.Attribute[${i}] (00000000-0000-4000-8000-${String(n).padStart(12, '0')})`;
    expect(chunk.issues).toEqual([
      { kind: 'unsupported', where: at(2, 3), reason: "attribute type 'regkey' has no table type", group: "MISP attribute type 'regkey'" },
      { kind: 'unsupported', where: at(3, 4), reason: expect.stringMatching(/^ip-src: CIDR range 10\.0\.0\.0\/8: the tables hold/) },
      { kind: 'failed', where: at(4, 5), reason: "md5: not a MD5 hash (32 hex digits): 'xyz'" },
      { kind: 'failed', where: 'e.json: Event.Attribute[5]', reason: 'an attribute needs a "type" and a "value"' },
      { kind: 'unsupported', where: at(6, 6), reason: "attribute type 'vulnerability' has no table type", group: "MISP attribute type 'vulnerability'" },
    ]);
    expect(chunk).toMatchObject({ attributes: 7, indicators: 5, skipped: 1, deleted: 1 });
    const all = mapMispEvent(text, 'e.json', { ...options, allAttributes: true });
    expect(all.rows.map((r) => [r.indicator, r.value['to_ids']])).toEqual([
      ['198.51.100.1', false],
      ['198.51.100.2', true],
    ]);
  });

  it('fails an attribute whose timestamp no date can hold, and maps the others', () => {
    const chunk = mapMispEvent(event([attr(1, 'ip-dst', '198.51.100.1', { timestamp: '99999999999999' }), attr(2, 'ip-dst', '198.51.100.2')]), 'e.json', options);
    expect(chunk.rows.map((r) => r.indicator)).toEqual(['198.51.100.2']);
    expect(chunk.issues).toEqual([
      { kind: 'failed', where: 'e.json: Event.Attribute[0] (00000000-0000-4000-8000-000000000001)', reason: 'timestamp "99999999999999" is out of range for epoch seconds' },
    ]);
  });

  it('reports an element of the Object list that is not an object, and maps the objects around it', () => {
    const chunk = mapMispEvent(event([], [3, { name: 'file', Attribute: [attr(1, 'md5', 'D41D8CD98F00B204E9800998ECF8427E')] }, null]), 'e.json', options);
    expect(chunk.rows.map((r) => r.indicator)).toEqual(['d41d8cd98f00b204e9800998ecf8427e']);
    expect(chunk.issues).toEqual([
      { kind: 'failed', where: 'e.json: Event.Object[0]', reason: 'a MISP object must be a JSON object' },
      { kind: 'failed', where: 'e.json: Event.Object[2]', reason: 'a MISP object must be a JSON object' },
    ]);
  });

  it('fails bad event files with their location', () => {
    expect(mapMispEvent('{"Event": [}', 'bad.json', options).issues).toEqual([{ kind: 'failed', where: 'bad.json:1:12', reason: expect.stringMatching(/^invalid JSON/) }]);
    expect(mapMispEvent('{"event": {}}', 'x.json', options).issues).toEqual([{ kind: 'failed', where: 'x.json', reason: 'not a MISP event: {"Event": {...}} expected' }]);
    expect(mapMispEvent('{"Event": {"Attribute": {}}}', 'y.json', options).issues).toEqual([{ kind: 'failed', where: 'y.json: Event.Attribute', reason: 'must be a list of attributes' }]);
  });

  it('maps an attribute with no more of its event than the members MISP_EVENT_METADATA names (what a streaming reader keeps)', () => {
    const full = (JSON.parse(event([])) as { Event: Record<string, unknown> }).Event;
    const metadata = Object.fromEntries(Object.entries(full).filter(([key]) => MISP_EVENT_METADATA.includes(key)));
    expect(Object.keys(metadata).sort()).toEqual([...MISP_EVENT_METADATA].sort());
    const attribute = attr(1, 'ip-dst', '198.51.100.20', { Tag: [{ name: 'x' }] });
    const mapped = (e: Record<string, unknown>) => {
      const chunk = emptyMispChunk();
      new MispAttributeMapper(e, 'e.json', { ...options, feed: 'f' }).map(attribute, 'Event.Attribute[0]', chunk);
      return chunk;
    };
    const whole = mapped(full);
    expect(mapped({ ...metadata, Attribute: 'ignored', extra: 1 })).toEqual(whole);
    expect(whole.rows[0]?.value).toMatchObject({ misp_event_uuid: EVENT_UUID, org: 'CIRCL', threat_level: 'High', event_date: '2024-05-01', tags: 'tlp:white,x' });
  });

  it('reads a manifest, oldest events first', () => {
    const manifest = {
      'bbbbbbbb-0000-4000-8000-000000000000': { info: 'newer', timestamp: '1714608000', Orgc: { name: 'X' } },
      'aaaaaaaa-0000-4000-8000-000000000000': { info: 'older', timestamp: 1714521600 },
      'not-a-uuid': {},
    };
    expect(readMispManifest(JSON.stringify(manifest), 'manifest.json')).toEqual({
      events: [
        { uuid: 'aaaaaaaa-0000-4000-8000-000000000000', info: 'older', timestamp: 1714521600 },
        { uuid: 'bbbbbbbb-0000-4000-8000-000000000000', info: 'newer', timestamp: 1714608000 },
      ],
      issues: [{ kind: 'failed', where: 'manifest.json: not-a-uuid', reason: 'not an event UUID' }],
    });
    expect(readMispManifest('[]', 'm.json').issues[0]?.reason).toMatch(/a MISP manifest is a JSON object/);
  });
});
