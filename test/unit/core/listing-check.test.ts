import { checkListing, describeProblems, type PageMeta } from '../../../src/core/listing-check';

/** Pages of a consistent listing of `total` users at `size` per page. */
function pages(total: number, size: number): PageMeta[] {
  const pageCount = Math.max(1, Math.ceil(total / size));
  return Array.from({ length: pageCount }, (_, i) => ({
    pageNumber: i + 1,
    entities: i + 1 < pageCount ? size : total - (pageCount - 1) * size,
    total,
    pageCount,
    hasNext: i + 1 < pageCount,
  }));
}

describe('checkListing', () => {
  it('accepts a consistent listing, including an empty org', () => {
    expect(checkListing(pages(1234, 500), 500, 1234).problems).toEqual([]);
    expect(checkListing(pages(1000, 500), 500, 1000).problems).toEqual([]);
    expect(
      checkListing([{ pageNumber: 1, entities: 0, total: 0, pageCount: 0, hasNext: false }], 500, 0).problems,
    ).toEqual([]);
  });

  it('refuses an empty page in mid-listing', () => {
    const listing = pages(1500, 500);
    listing[1] = { ...listing[1], entities: 0 };
    const { problems } = checkListing(listing, 500, 1000);
    expect(problems).toContain('page 2 has 0 entities where 500 were expected');
    expect(problems).toContain('the pages list 1000 users but report a total of 1500');
  });

  it('refuses a listing cut short by a missing nextUri', () => {
    const listing = pages(1500, 500);
    listing[0] = { ...listing[0], hasNext: false };
    expect(checkListing(listing, 500, 1500).problems).toEqual(['page 1 has no nextUri before the last page']);
  });

  it('refuses totals that move while paging (a user created or deleted mid-listing)', () => {
    const listing = pages(1500, 500);
    listing[2] = { ...listing[2], total: 1499, entities: 499 };
    const { problems } = checkListing(listing, 500, 1499);
    expect(problems).toContain('page 3 reports total 1499, page 1 reported 1500');
  });

  it('refuses a user listed twice (pages shifted by a creation)', () => {
    expect(checkListing(pages(1000, 500), 500, 999).problems).toEqual(['1 user(s) were listed twice']);
  });

  it('refuses fewer pages than page 1 announced, and a pageCount that does not fit the total', () => {
    expect(checkListing(pages(1500, 500).slice(0, 2), 500, 1000).problems).toContain(
      'read 2 page(s) but page 1 reports pageCount 3',
    );
    const listing = pages(1000, 500).map((p) => ({ ...p, pageCount: 3 }));
    expect(checkListing(listing, 500, 1000).problems[0]).toBe(
      'page 1 reports pageCount 3 for total 1000 at pageSize 500',
    );
  });

  it('describes at most a few problems', () => {
    expect(describeProblems(['a', 'b', 'c', 'd', 'e'])).toBe('a; b; c; and 2 more');
  });
});
