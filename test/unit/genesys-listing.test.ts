/** A listing that must come whole in one answer: an envelope announcing more is refused with the counts. */
import { entitiesOfWholeListing, IncompleteListingError } from '../../src/genesys/listing';

const what = 'GET /api/v2/groups/g1/individuals';

describe('entitiesOfWholeListing', () => {
  it('returns the entities of a one-page listing, with or without envelope fields', () => {
    expect(entitiesOfWholeListing({ entities: [1, 2], total: 2, pageCount: 1 }, what)).toEqual([1, 2]);
    expect(entitiesOfWholeListing({ entities: [1] }, what)).toEqual([1]);
    expect(entitiesOfWholeListing(undefined, what)).toEqual([]);
    // An empty group: pageCount 0.
    expect(entitiesOfWholeListing({ entities: [], total: 0, pageCount: 0 }, what)).toEqual([]);
  });

  it.each([
    ['a nextUri', { entities: [1, 2], nextUri: '/next' }, /returned 2 of more entries .*with a nextUri/],
    [
      'more than one page',
      { entities: [1, 2], pageCount: 3 },
      /returned 2 of more entries on one page \(pageCount 3\)/,
    ],
    ['a total above the entities', { entities: [1, 2], total: 5, pageCount: 1 }, /returned 2 of 5 entries/],
  ])('refuses an envelope announcing more: %s', (_name, body, message) => {
    expect(() => entitiesOfWholeListing(body, what)).toThrow(IncompleteListingError);
    expect(() => entitiesOfWholeListing(body, what)).toThrow(message);
    expect(() => entitiesOfWholeListing(body, what)).toThrow(
      /^GET \/api\/v2\/groups\/g1\/individuals: .*partial member list$/,
    );
  });
});
