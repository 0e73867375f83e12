export {
  openAlertStore, openAlertStoreOn, ALERT_STATUS_FIELD, ALERT_STATUSES, ASSIGNEE_FIELD, COMMENTS_FIELD,
  type AlertStore, type AlertStoreOptions, type AlertRef, type AlertDocument, type AlertComment, type AlertHistory,
  type AlertStatus, type MetaAlertCreateResponse, type AlertBackend, type AlertTransaction, type AlertUpdate,
} from './alert-store.js';
export { AUDIT_SENSOR, type AuditRecord, type ChangeKind } from './audit.js';
export { applyPatch, PATCH_OPS, type PatchOperation, type PatchOp } from './json-patch.js';
export {
  METAALERT_TYPE, ALERT_FIELD, METAALERTS_FIELD, SCORE_AGGREGATIONS, DEFAULT_SCORE_AGGREGATION, DEFAULT_SCORE_FIELD,
  type ScoreAggregation, type MetaAlertStatus,
} from './meta-alerts.js';
export { metaAlertSettings } from './config.js';
