import { describe, expect, it } from 'vitest';
import { reservedIndexReason } from '@metron/core';
import { AUDIT_SENSOR } from './audit.js';
import { METAALERT_TYPE } from './meta-alerts.js';

describe('index names of the alert layer', () => {
  it('are the names config load and ingest refuse as sensor names', () => {
    expect(reservedIndexReason(METAALERT_TYPE)).toMatch(/reserved for the meta-alert index/);
    expect(reservedIndexReason(AUDIT_SENSOR)).toMatch(/reserved for the audit trail/);
    expect(reservedIndexReason('bro')).toBeNull();
  });
});
