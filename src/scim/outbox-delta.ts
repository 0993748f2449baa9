/**
 * Pure merge rules of the SCIM outbox: what is still owed to the IdP for one group, as one pending operation per
 * member. No I/O, so every rule is unit-tested on its own; both outbox stores apply exactly these functions.
 */

/** What the IdP still has to be told about one member. */
export type PendingOp = 'add' | 'remove';

/** Pending operations of one group, by IdP member id. */
export type PendingOps = ReadonlyMap<string, PendingOp>;

/** A membership delta as applied in Genesys (removals first, then additions). */
export interface MemberDelta {
  add: readonly string[];
  remove: readonly string[];
}

/**
 * Folds `delta` into `pending`, latest intent wins: a later add replaces (cancels) an earlier pending remove of the
 * same member and vice versa. Within one delta removals are applied before additions, as Genesys applies them, so an
 * id in both lists ends up pending as `add` (a member), exactly as in Genesys.
 *
 * Replacing rather than dropping both ops is deliberate: the earlier op may already have reached the IdP (a chunk
 * accepted just before a crash, before it was cleared), and only re-sending the latest intent is right either way.
 *
 * @returns a new map; `pending` is not modified.
 * @throws TypeError if an id is not a non-empty string.
 */
export function mergeDelta(pending: PendingOps, delta: MemberDelta): Map<string, PendingOp> {
  const merged = new Map(pending);
  for (const id of checkedIds(delta.remove, 'remove')) merged.set(id, 'remove');
  for (const id of checkedIds(delta.add, 'add')) merged.set(id, 'add');
  return merged;
}

/**
 * Drops from `pending` what the IdP has accepted: an op is cleared only while it is still the member's pending op, so
 * an opposite op recorded while the delivery was in flight stays pending.
 *
 * @returns a new map; `pending` is not modified.
 */
export function clearDelivered(pending: PendingOps, delivered: MemberDelta): Map<string, PendingOp> {
  const left = new Map(pending);
  for (const id of delivered.remove) if (left.get(id) === 'remove') left.delete(id);
  for (const id of delivered.add) if (left.get(id) === 'add') left.delete(id);
  return left;
}

/** The pending ops as a delta to send, each list sorted by code point (a stable chunking across attempts). */
export function pendingDelta(pending: PendingOps): { add: string[]; remove: string[] } {
  const add: string[] = [];
  const remove: string[] = [];
  for (const [id, op] of pending) (op === 'add' ? add : remove).push(id);
  return { add: add.sort(byCodePoint), remove: remove.sort(byCodePoint) };
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkedIds(ids: readonly string[], list: 'add' | 'remove'): readonly string[] {
  for (const id of ids) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new TypeError(`${list} contains an empty or non-string member id`);
    }
  }
  return ids;
}
