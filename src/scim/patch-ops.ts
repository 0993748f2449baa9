/**
 * Pure builder for SCIM 2.0 group-membership PatchOp bodies (RFC 7644 §3.5.2).
 *
 * Only deltas are ever produced: `add` on `members` and `remove` on a filtered `members[value eq "…"]` path. A full
 * `replace` of `members`, or a `remove` of `members` without a filter, rewrites the whole list from a possibly stale
 * read and is how IdP peers lose members, so neither shape can come out of this module.
 */

/** Schema URN every PatchOp request body carries. */
export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Default number of member changes per PATCH request (AWS IAM Identity Center caps at 100). */
export const DEFAULT_SCIM_CHUNK_SIZE = 100;

/** One member reference inside an `add` operation's value list. */
export interface ScimMemberRef {
  value: string;
  display?: string;
}

/** `add` of one or more members; each value counts as one change toward the chunk size. */
export interface ScimAddMembersOperation {
  op: 'add';
  path: 'members';
  value: ScimMemberRef[];
}

/** `remove` of exactly one member, always through a value filter. */
export interface ScimRemoveMemberOperation {
  op: 'remove';
  path: string;
}

/** The only operation shapes this module emits. */
export type ScimMemberOperation = ScimRemoveMemberOperation | ScimAddMembersOperation;

/** A PatchOp request body as sent on the wire. */
export interface ScimPatchBody {
  schemas: [typeof PATCH_OP_SCHEMA];
  Operations: ScimMemberOperation[];
}

/** Input for {@link buildMemberPatches}. */
export interface BuildMemberPatchesInput {
  /** IdP member ids to add. Duplicates are collapsed (first occurrence wins). */
  add: readonly string[];
  /** IdP member ids to remove. Duplicates are collapsed (first occurrence wins). */
  remove: readonly string[];
  /** Maximum member changes per body; a positive integer. Defaults to {@link DEFAULT_SCIM_CHUNK_SIZE}. */
  chunkSize?: number;
  /** Optional `display` per added member id; ids without an entry are sent without `display`. */
  displayNames?: Readonly<Record<string, string>>;
}

type MemberChange = { kind: 'remove'; id: string } | { kind: 'add'; id: string };

/**
 * Builds the PatchOp bodies that apply a membership delta to one SCIM group.
 *
 * All removes come before all adds, across and within bodies, mirroring the order of the Genesys apply; so an id
 * present in both lists ends up a member, exactly as it does in Genesys. Each body holds at most `chunkSize` member
 * changes (every removed id and every added id counts as one). Within a body, removes are one operation per id and
 * adds are grouped into a single `add` operation. An empty delta yields an empty array: nothing to send.
 *
 * The result is deterministic for a given input, which is what lets a caller resume by chunk index.
 *
 * @throws TypeError if an id is not a non-empty string.
 * @throws RangeError if `chunkSize` is not a positive integer.
 */
export function buildMemberPatches(input: BuildMemberPatchesInput): ScimPatchBody[] {
  return chunkChanges(input).map((chunk) => toBody(chunk, input.displayNames));
}

/** The member ids one PatchOp body carries (see {@link chunkMemberChanges}). */
export interface MemberChangeChunk {
  /** Ids removed by this body, in wire order. */
  remove: string[];
  /** Ids added by this body, in wire order. */
  add: string[];
}

/**
 * The member ids each body of {@link buildMemberPatches} carries, index for index, for the same input: what a caller
 * may consider delivered once the peer has accepted that body (e.g. to clear it from an outbox).
 *
 * @throws TypeError / RangeError exactly as {@link buildMemberPatches}.
 */
export function chunkMemberChanges(input: BuildMemberPatchesInput): MemberChangeChunk[] {
  return chunkChanges(input).map((chunk) => ({
    remove: chunk.filter((c) => c.kind === 'remove').map((c) => c.id),
    add: chunk.filter((c) => c.kind === 'add').map((c) => c.id),
  }));
}

function chunkChanges(input: BuildMemberPatchesInput): MemberChange[][] {
  const chunkSize = input.chunkSize ?? DEFAULT_SCIM_CHUNK_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new RangeError(`chunkSize must be a positive integer, got ${String(chunkSize)}`);
  }

  const changes: MemberChange[] = [
    ...uniqueIds(input.remove, 'remove').map((id): MemberChange => ({ kind: 'remove', id })),
    ...uniqueIds(input.add, 'add').map((id): MemberChange => ({ kind: 'add', id })),
  ];

  const chunks: MemberChange[][] = [];
  for (let start = 0; start < changes.length; start += chunkSize) chunks.push(changes.slice(start, start + chunkSize));
  return chunks;
}

/** The filtered path that targets exactly one member; the id is a JSON string literal, as SCIM filters require. */
export function memberValuePath(id: string): string {
  return `members[value eq ${JSON.stringify(id)}]`;
}

function toBody(changes: MemberChange[], displayNames: Readonly<Record<string, string>> | undefined): ScimPatchBody {
  const operations: ScimMemberOperation[] = [];
  const added: ScimMemberRef[] = [];
  for (const change of changes) {
    if (change.kind === 'remove') {
      operations.push({ op: 'remove', path: memberValuePath(change.id) });
    } else {
      added.push(memberRef(change.id, displayNames));
    }
  }
  if (added.length > 0) operations.push({ op: 'add', path: 'members', value: added });
  return { schemas: [PATCH_OP_SCHEMA], Operations: operations };
}

function memberRef(id: string, displayNames: Readonly<Record<string, string>> | undefined): ScimMemberRef {
  // Own-property check so ids like "constructor" never pick up Object.prototype members.
  const display =
    displayNames !== undefined && Object.prototype.hasOwnProperty.call(displayNames, id) ? displayNames[id] : undefined;
  return typeof display === 'string' && display.length > 0 ? { value: id, display } : { value: id };
}

function uniqueIds(ids: readonly string[], list: 'add' | 'remove'): string[] {
  const seen = new Set<string>();
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new TypeError(`${list} contains an empty or non-string member id`);
    }
    seen.add(id);
  }
  return [...seen];
}
