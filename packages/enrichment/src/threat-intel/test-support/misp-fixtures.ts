/** MISP events of the mapping tests, shared by the whole-text (misp.test.ts) and streamed (misp-stream.test.ts) readings. */
export const EVENT_UUID = '5f1c2d3e-4a5b-4c6d-8e7f-0123456789ab';
export const attr = (n: number, type: string, value: string, extra: Record<string, unknown> = {}) => ({
  id: String(n),
  uuid: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type,
  category: 'Network activity',
  value,
  to_ids: true,
  timestamp: '1714521600',
  comment: '',
  ...extra,
});

export const event = (attributes: unknown[], objects: unknown[] = []) =>
  JSON.stringify({
    Event: {
      uuid: EVENT_UUID,
      info: 'Phishing campaign',
      date: '2024-05-01',
      threat_level_id: '1',
      timestamp: '1714521600',
      Orgc: { name: 'CIRCL', uuid: '55f6ea5e-2c60-40e5-964f-47a8950d210f' },
      Tag: [{ name: 'tlp:white' }],
      Attribute: attributes,
      Object: objects,
    },
  });

/** One attribute with every metadata field. */
export const ONE_ATTRIBUTE_EVENT = event([attr(1, 'ip-dst', '198.51.100.20', { comment: 'C2', Tag: [{ name: 'kill-chain:c2' }, { name: 'tlp:white' }] })]);

/** Each loadable type, composite ones and an object's attribute. */
export const LOADABLE_TYPES_EVENT = event(
  [
    attr(1, 'ip-src', '203.0.113.1/32'),
    attr(2, 'ip-dst|port', '2001:DB8::2|443'),
    attr(3, 'domain', 'Evil.Example'),
    attr(4, 'hostname', 'www.evil.example.'),
    attr(5, 'hostname|port', 'mail.evil.example|25'),
    attr(6, 'domain|ip', 'c2.example|203.0.113.6'),
    attr(7, 'url', 'https://evil.example/login.php'),
    attr(8, 'email-src', 'ceo@evil.example'),
    attr(9, 'md5', 'D41D8CD98F00B204E9800998ECF8427E'),
    attr(10, 'filename|sha256', 'invoice.pdf.exe|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'),
    attr(11, 'sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'),
  ],
  [{ name: 'file', Attribute: [attr(12, 'sha512', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e')] }],
);

/** to_ids off, deleted, unsupported types, bad values, an attribute without a value. */
export const SKIPS_AND_ISSUES_EVENT = event([
  attr(1, 'ip-dst', '198.51.100.1', { to_ids: false }),
  attr(2, 'ip-dst', '198.51.100.2', { deleted: true }),
  attr(3, 'regkey', 'HKLM\\Software\\x'),
  attr(4, 'ip-src', '10.0.0.0/8'),
  attr(5, 'md5', 'xyz'),
  { type: 'ip-dst' },
  attr(6, 'vulnerability', 'CVE-2024-1'),
]);
