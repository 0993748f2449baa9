/**
 * gcsync's custom search attributes in a namespace, through Temporal's operator service: which are missing, and
 * registering them (`gcsync admin register-search-attributes`). The worker only checks (src/worker/search-attributes.ts):
 * adding attributes is a namespace administrator's act, and a worker's credentials should not need that right.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const INDEXED_VALUE_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Text: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
};

/** The operator-service calls used here (a `Connection` or `NativeConnection` has them). */
export type OperatorConnection = Pick<Connection, 'operatorService'>;

/** Names in {@link CUSTOM_SEARCH_ATTRIBUTES} that `namespace` lacks, in declaration order. */
export async function missingSearchAttributes(connection: OperatorConnection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([
    ...Object.keys(existing.customAttributes ?? {}),
    ...Object.keys(existing.systemAttributes ?? {}),
  ]);
  return Object.keys(CUSTOM_SEARCH_ATTRIBUTES).filter((name) => !known.has(name));
}

/** Adds the attributes `namespace` lacks; returns the names added (empty when all were there). */
export async function registerSearchAttributes(connection: OperatorConnection, namespace: string): Promise<string[]> {
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length === 0) return [];
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      missing.map((name) => [
        name,
        INDEXED_VALUE_TYPE[CUSTOM_SEARCH_ATTRIBUTES[name as keyof typeof CUSTOM_SEARCH_ATTRIBUTES]],
      ]),
    ),
  });
  return missing;
}
