/**
 * Pages of a changed group's per-member plan lines (who is added or removed, and why). Pure: the callers load one
 * group's stored plan and ask for a page, so what travels or is printed at once stays bounded whatever the group size.
 */

/** One member a plan adds or removes, with the rule clause that decides it (as the stored group plan keeps it). */
export interface PlanMemberRecord {
  id: string;
  name?: string;
  email?: string;
  /** Genesys username, when it differs from the email (it usually is the email). */
  username?: string;
  /** Where in the group's rule the decision comes from: `include.any[1]`, `exclude.any[0]`, `inactive`, ... */
  clause: string;
  /** The reason in words: `include.any[1]: department = Support`, `no longer matches include.any[0] (...)`. */
  reason: string;
}

/** One line of a group's plan: the member, whether it is added or removed, and the clause that decides it. */
export interface PlanMemberLine extends PlanMemberRecord {
  op: 'add' | 'remove';
}

/** A page of one group's member lines: removals first, then additions (the order `gcsync plan` prints them in). */
export interface PlanMemberPage {
  page: number;
  pageSize: number;
  /** Member lines of the group in all pages. */
  total: number;
  /** Pages in all (0 when the group has no member lines). */
  pages: number;
  lines: PlanMemberLine[];
}

/** Member lines per page when the caller does not say. */
export const DEFAULT_MEMBER_PAGE_SIZE = 100;
/** Largest page a caller may ask for: a page of lines stays well below a megabyte. */
export const MAX_MEMBER_PAGE_SIZE = 1_000;

/** A page request, checked: whole numbers, page ≥ 1, 1 ≤ pageSize ≤ {@link MAX_MEMBER_PAGE_SIZE}. */
export interface MemberPageRequest {
  page: number;
  pageSize: number;
}

/**
 * Checks a page request given as text (query string) or numbers; absent values take the defaults.
 *
 * @returns the request, or why it is refused (one sentence naming the field).
 */
export function parseMemberPageRequest(page?: unknown, pageSize?: unknown): MemberPageRequest | string {
  const number = (value: unknown, fallback: number): number =>
    value === undefined || value === '' ? fallback : typeof value === 'number' ? value : Number(String(value));
  const p = number(page, 1);
  const size = number(pageSize, DEFAULT_MEMBER_PAGE_SIZE);
  if (!Number.isSafeInteger(p) || p < 1) return 'page must be a whole number ≥ 1';
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_MEMBER_PAGE_SIZE) {
    return `pageSize must be a whole number from 1 to ${MAX_MEMBER_PAGE_SIZE}`;
  }
  return { page: p, pageSize: size };
}

/**
 * The requested page of a group's member lines: removals first, then additions, each in stored (plan) order. A page
 * past the end is empty (with the true `total` and `pages`), so a caller can stop on `lines.length === 0`.
 */
export function memberPage(
  members: { add: readonly PlanMemberRecord[]; remove: readonly PlanMemberRecord[] },
  request: MemberPageRequest,
): PlanMemberPage {
  const total = members.remove.length + members.add.length;
  const start = (request.page - 1) * request.pageSize;
  const end = Math.min(start + request.pageSize, total);
  const lines: PlanMemberLine[] = [];
  for (let i = start; i < end; i++) {
    const removal = i < members.remove.length;
    const record = removal ? members.remove[i] : members.add[i - members.remove.length];
    lines.push({ op: removal ? 'remove' : 'add', ...record });
  }
  return { page: request.page, pageSize: request.pageSize, total, pages: Math.ceil(total / request.pageSize), lines };
}
