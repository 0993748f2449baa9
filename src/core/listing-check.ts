/**
 * Verification of an offset-paged listing (`GET /api/v2/users`). Such a listing is a view of a directory that
 * changes while it is read: a deletion between two page reads shifts later pages (one user is never listed), a
 * creation lists one twice, and a page can come back empty or short once. A reconciler that removes people who
 * were "not listed" must therefore check that the pages add up before it plans a single removal. Pure logic.
 */

/** What one page said about the listing as a whole, plus what it held. */
export interface PageMeta {
  pageNumber: number;
  /** Entities on this page. */
  entities: number;
  total: number;
  pageCount: number;
  /** Whether the page carried a `nextUri`. */
  hasNext: boolean;
}

/** Outcome of {@link checkListing}: empty `problems` means the listing is consistent. */
export interface ListingCheck {
  problems: string[];
}

/**
 * Checks a complete set of pages (in page order, pages `1..pageCount`) and the number of distinct ids seen.
 * Consistent means: every page reports page 1's `total` and `pageCount`; `pageCount = ⌈total / pageSize⌉`;
 * every page but the last is full and carries a `nextUri`; the last is exactly the remainder; the entities add
 * up to `total`; and no id was listed twice.
 */
export function checkListing(pages: readonly PageMeta[], pageSize: number, distinctIds: number): ListingCheck {
  const problems: string[] = [];
  if (pages.length === 0) return { problems: ['no page was read'] };
  const first = pages[0];
  const { total, pageCount } = first;
  const expectedPages = Math.max(1, Math.ceil(total / pageSize));
  if (pageCount !== expectedPages && !(total === 0 && pageCount === 0)) {
    problems.push(`page 1 reports pageCount ${pageCount} for total ${total} at pageSize ${pageSize}`);
  }
  if (pages.length !== Math.max(1, pageCount)) {
    problems.push(`read ${pages.length} page(s) but page 1 reports pageCount ${pageCount}`);
  }
  let listed = 0;
  pages.forEach((page, index) => {
    const n = index + 1;
    listed += page.entities;
    if (page.pageNumber !== n) problems.push(`page ${n} came back as pageNumber ${page.pageNumber}`);
    if (page.total !== total) problems.push(`page ${n} reports total ${page.total}, page 1 reported ${total}`);
    if (page.pageCount !== pageCount) {
      problems.push(`page ${n} reports pageCount ${page.pageCount}, page 1 reported ${pageCount}`);
    }
    const last = n === pages.length;
    const expected = last ? total - (pages.length - 1) * pageSize : pageSize;
    if (page.entities !== expected) {
      problems.push(`page ${n} has ${page.entities} entities where ${Math.max(0, expected)} were expected`);
    }
    if (!last && !page.hasNext) problems.push(`page ${n} has no nextUri before the last page`);
  });
  if (listed !== total) problems.push(`the pages list ${listed} users but report a total of ${total}`);
  if (distinctIds !== listed) problems.push(`${listed - distinctIds} user(s) were listed twice`);
  return { problems };
}

/** One line for an operator: the first few problems and how many more. */
export function describeProblems(problems: readonly string[], max = 3): string {
  const shown = problems.slice(0, max).join('; ');
  return problems.length > max ? `${shown}; and ${problems.length - max} more` : shown;
}
