/** Public API of the audit module: event model, sinks, verification and export. */
export { canonicalJson } from '../core/canonical-json';
export * from './entry';
export { AuditCorruptionError, AuditValidationError } from './errors';
export { validateAuditEvents } from './event-schema';
export { findSecretLookingFields } from './secret-guard';
export type { AppendResult, AuditSink, ReadOptions } from './sink';
export { DEFAULT_AUDIT_FILE, JsonlAuditSink } from './jsonl-sink';
export type { JsonlAuditSinkOptions, LockRetryOptions } from './jsonl-sink';
export { DEFAULT_AUDIT_TABLE, PostgresAuditSink } from './postgres-sink';
export type { PostgresAuditSinkOptions } from './postgres-sink';
export { MemoryAuditSink } from './memory-sink';
export { verifyChain } from './verify';
export type { ChainBreak, ChainProblem, VerifyResult } from './verify';
export { exportAudit } from './export';
export type { ExportOptions } from './export';
export { CSV_COLUMNS } from './csv';
export { openAuditSink } from './factory';
export type { AuditEnv } from './factory';
