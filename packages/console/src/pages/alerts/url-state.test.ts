import { describe, expect, it } from 'vitest';
import { DEFAULT_RANGE, readView, writeView, type AlertsView } from './url-state.ts';

describe('alerts view in the address bar', () => {
  it('round-trips every part of the view', () => {
    const view: AlertsView = {
      query: 'protocol:dns AND "two words"',
      filters: [{ field: 'source.type', value: 'bro', exclude: false }, { field: 'alert_status', value: 'DISMISS', exclude: true }],
      range: { kind: 'absolute', from: 1_700_000_000_000, to: 1_700_086_400_000 },
      alertsOnly: false,
      open: { sensorType: 'bro', guid: 'abc/def-1' },
    };
    expect(readView('?' + writeView(view))).toEqual(view);
    const relative: AlertsView = { ...view, range: { kind: 'relative', ms: 3_600_000, label: 'Last hour' }, open: null };
    expect(readView(writeView(relative))).toEqual(relative);
    expect(readView(writeView({ ...view, range: { kind: 'all' } })).range).toEqual({ kind: 'all' });
  });

  it('writes nothing for the default view and reads junk as the default', () => {
    expect(writeView({ query: '', filters: [], range: DEFAULT_RANGE, alertsOnly: true, open: null })).toBe('');
    expect(readView('?f=not-json&range=yesterday&open=noslash')).toEqual({ query: '', filters: [], range: DEFAULT_RANGE, alertsOnly: true, open: null });
    expect(readView('?f=' + encodeURIComponent('[{"field":1},{"field":"a","value":"b","exclude":true}]')).filters).toEqual([{ field: 'a', value: 'b', exclude: true }]);
  });
});
