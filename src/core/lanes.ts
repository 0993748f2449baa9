/** Bounded parallelism over a list, preserving no order but finishing every item or failing fast. */

/**
 * Runs `work` on every item with at most `lanes` in flight. The first failure stops new items from starting and is
 * rethrown once the items already in flight have settled (so nothing runs on after the caller has failed).
 */
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, items.length)) }, lane));
  if (failure !== undefined) throw failure.error;
}
