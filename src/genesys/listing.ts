/** The envelope of a Genesys Cloud listing (`GET /api/v2/users`, `/groups`, `/groups/{id}/individuals`, …). */
export interface GenesysListing<T> {
  entities?: T[];
  pageNumber?: number;
  pageCount?: number;
  total?: number;
  /** Relative URI of the next page; absent on the last page. */
  nextUri?: string;
}
