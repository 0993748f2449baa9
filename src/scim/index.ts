/** SCIM 2.0 group-membership notifications (design step 6, Notify). */
export { buildMemberPatches, memberValuePath, PATCH_OP_SCHEMA, DEFAULT_SCIM_CHUNK_SIZE } from './patch-ops';
export type {
  BuildMemberPatchesInput,
  ScimAddMembersOperation,
  ScimMemberOperation,
  ScimMemberRef,
  ScimPatchBody,
  ScimRemoveMemberOperation,
} from './patch-ops';
export { loadScimConfig, ScimConfigError, DEFAULT_SCIM_TIMEOUT_MS } from './config';
export type { ScimConfig, ScimEnv } from './config';
export { createScimNotifier } from './client';
export type { NotifyGroupInput, NotifyGroupResult, ScimChunkProgress, ScimNotifier } from './client';
export { ScimError } from './errors';
export type { ScimErrorInfo, ScimErrorKind } from './errors';
export { RedactedSecret } from './secret';
export { chunkMemberChanges } from './patch-ops';
export type { MemberChangeChunk } from './patch-ops';
export { clearDelivered, mergeDelta, pendingDelta } from './outbox-delta';
export type { MemberDelta, PendingOp, PendingOps } from './outbox-delta';
export { deliverPending, leaseTtlMs, ScimOutboxBusyError } from './outbox-delivery';
export type { DeliverPendingOptions, DeliverPendingResult } from './outbox-delivery';
