/**
 * The set-up most integration files share: one Temporal dev server (with gcsync's search attributes) and one
 * reconciler (emulator, worker with the real activities, optional SCIM peer and PostgreSQL schema) for the whole
 * file, torn down after it.
 *
 * ```ts
 * let temporal: TestTemporal;
 * let rec: Reconciler;
 * const stack = useReconcilerStack({ emulator: { users: 200, groups: 4, seed: 5 } });
 * beforeAll(() => ({ temporal, rec } = stack()));
 * beforeEach(() => resetOrg(rec)); // every test starts from the seeded org
 * ```
 */
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { startReconciler, type Reconciler, type ReconcilerOptions } from './reconciler';
import { startTestTemporal, type TestTemporal, type TestTemporalOptions } from './temporal';

/** Options of {@link startReconcilerStack}: the reconciler's, plus the dev server's under `temporal`. */
export interface ReconcilerStackOptions extends ReconcilerOptions {
  /** Dev-server options; gcsync's search attributes are always registered. @default {} */
  temporal?: TestTemporalOptions;
}

/** A running dev server and reconciler; `stop()` stops both (reconciler first). Idempotent. */
export interface ReconcilerStack {
  temporal: TestTemporal;
  rec: Reconciler;
  stop(): Promise<void>;
}

/** Starts a dev server and a reconciler on it; stops whatever started when a later step fails. */
export async function startReconcilerStack(opts: ReconcilerStackOptions = {}): Promise<ReconcilerStack> {
  const { temporal: temporalOptions, ...reconcilerOptions } = opts;
  const temporal = await startTestTemporal({
    ...temporalOptions,
    searchAttributes: { ...CUSTOM_SEARCH_ATTRIBUTES, ...temporalOptions?.searchAttributes },
  });
  let rec: Reconciler;
  try {
    rec = await startReconciler(temporal, reconcilerOptions);
  } catch (err) {
    await temporal.stop();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await rec.stop();
      await temporal.stop();
    })());
  return { temporal, rec, stop };
}

/**
 * Jest fixture: starts a {@link ReconcilerStack} in `beforeAll` and stops it in `afterAll` of the calling file (call
 * at the file's top level). Returns a getter for the running stack, valid from the file's next `beforeAll` on (Jest
 * runs `beforeAll` hooks in the order they are registered).
 */
export function useReconcilerStack(opts: ReconcilerStackOptions = {}): () => ReconcilerStack {
  let stack: ReconcilerStack | undefined;
  beforeAll(async () => {
    stack = await startReconcilerStack(opts);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('useReconcilerStack: the stack is not running (read it in beforeAll or a test)');
    return stack;
  };
}

/**
 * Puts the emulator back to its seeded org (same users, groups and drift; counters, faults and rate-limit windows
 * cleared) so a test never depends on what an earlier test wrote. Audit entries, plans and the ledger stay: filter
 * audit entries by the test's own workflow id.
 */
export function resetOrg(rec: Reconciler): void {
  rec.emulator.state.reset();
}
