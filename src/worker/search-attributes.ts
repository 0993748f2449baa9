/**
 * The worker's start-up check that gcsync's custom search attributes exist: runs set them (phase, awaiting
 * approval, plan digest), and a run whose attribute is unknown to the namespace fails its workflow task.
 */
import { missingSearchAttributes, type OperatorConnection } from '../admin/search-attributes';

/** The namespace lacks search attributes the runs set; the message says which and how to add them. */
export class MissingSearchAttributesError extends Error {
  override readonly name = 'MissingSearchAttributesError';
  constructor(
    readonly namespace: string,
    readonly missing: readonly string[],
  ) {
    super(
      `namespace ${namespace} lacks the search attribute(s) ${missing.join(', ')}; ` +
        'register them once with `gcsync admin register-search-attributes` (same TEMPORAL_* settings), then start the worker',
    );
  }
}

/**
 * Resolves when every custom search attribute exists in `namespace`.
 *
 * @throws {@link MissingSearchAttributesError} naming the missing ones and the command that adds them.
 */
export async function requireSearchAttributes(connection: OperatorConnection, namespace: string): Promise<void> {
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length) throw new MissingSearchAttributesError(namespace, missing);
}
