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
