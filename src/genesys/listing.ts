/** The envelope of a Genesys Cloud listing (`GET /api/v2/users`, `/groups`, `/groups/{id}/individuals`, …). */
export interface GenesysListing<T> {
  entities?: T[];
  pageNumber?: number;
  pageCount?: number;
  total?: number;
  /** Relative URI of the next page; absent on the last page. */
  nextUri?: string;
}

/** A listing that says it holds more than the one page the endpoint returned (it cannot be paged further). */
export class IncompleteListingError extends Error {
  override readonly name = 'IncompleteListingError';
}

/**
 * The entities of a listing that must come whole in one answer (`/groups/{id}/individuals` takes no paging
 * parameters). Whether Genesys caps or pages very large groups there is UNCONFIRMED (reference §3.1), so an envelope
 * that announces more (a `nextUri`, more than one page, or a `total` above the entities returned) is refused rather
 * than planned from: a partial member list would misreport what is in place.
 *
 * @throws {IncompleteListingError} naming `what` and the counts.
 */
export function entitiesOfWholeListing<T>(body: GenesysListing<T> | undefined, what: string): T[] {
  const entities = body?.entities ?? [];
  const total = body?.total;
  const more =
    body?.nextUri !== undefined || (body?.pageCount ?? 1) > 1 || (typeof total === 'number' && total > entities.length);
  if (more) {
    throw new IncompleteListingError(
      `${what}: Genesys returned ${entities.length} of ${total ?? 'more'} entries on one page ` +
        `(pageCount ${body?.pageCount ?? '?'}${body?.nextUri ? ', with a nextUri' : ''}) and the endpoint cannot be ` +
        'paged: not planning from a partial member list',
    );
  }
  return entities;
}
