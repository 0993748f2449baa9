/**
 * Issue 11: runs that wait survive a deploy. Every history committed under `test/fixtures/histories/` (real runs of
 * each released workflow shape, recorded by `npm run histories:record`) must replay on today's workflow code; a
 * change to `workflows/` that would break a run already in flight fails here instead of in production. No server is
 * needed: the worker replays the files offline.
 *
 * The second half proves the check can fail: test-only variants of the workflow (see
 * `test/support/replay-variants/interceptors.ts`) that reorder two activities or add an unguarded timer must be
 * refused with `DeterminismViolationError`; the same timer behind `patched()`, or other activity timeouts, must not.
 */
import type { HistoryAndWorkflowId } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { WORKFLOWS_PATH } from '../../src/worker/worker';
import {
  historyFiles,
  readManifest,
  readRecordedHistories,
  recordingFolders,
  type RecordedHistory,
} from '../support/recorded-histories';
import { bundleReplayVariants } from '../support/replay-variants/bundle';
import { REPLAY_VARIANTS, VARIANT_MEMO } from '../support/replay-variants/interceptors';
import { bundleWorkflowsOnce } from '../support/temporal';

// Replay workers log each replayed task at INFO, and each non-determinism the variants provoke on purpose at WARN;
// the tests assert on the failures themselves.
try {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
  });
} catch {
  // already installed in this module registry
}

/** Shapes the first recording must cover (issue 11); later recordings add to them. */
const REQUIRED_SCENARIOS = [
  'no-changes',
  'apply-completed',
  'approval-approved',
  'approval-rejected',
  'approval-expired',
  'aborted-unknown-group',
  'plan-only',
];

const histories: RecordedHistory[] = [...readRecordedHistories()];

/**
 * Replays `items` in one replay worker (under their recorded workflow ids: child ids derive from them); returns one
 * line per history that failed, named by `labels[i]`.
 */
async function replayFailures(
  bundle: WorkflowBundleWithSourceMap,
  items: HistoryAndWorkflowId[],
  labels: string[],
): Promise<string[]> {
  const failures: string[] = [];
  let i = 0;
  // Results come back one per history, in the order given.
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, items)) {
    if (result.error) failures.push(`${labels[i]}: ${result.error.name}: ${result.error.message}`);
    i += 1;
  }
  if (i !== items.length) failures.push(`replayed ${i} of ${items.length} histories`);
  return failures;
}

/** A copy of `history` whose start event carries the memo that selects a replay variant. */
function withVariant(history: History, variant: string): History {
  const [start, ...rest] = history.events!;
  const attributes = start.workflowExecutionStartedEventAttributes!;
  const fields = { ...attributes.memo?.fields, [VARIANT_MEMO]: defaultPayloadConverter.toPayload(variant) };
  return {
    events: [{ ...start, workflowExecutionStartedEventAttributes: { ...attributes, memo: { fields } } }, ...rest],
  };
}

describe('committed histories', () => {
  it('are listed in their manifests, file for file, and cover every required shape', () => {
    const folders = recordingFolders();
    expect(folders.length).toBeGreaterThan(0);
    for (const folder of folders) {
      const listed = readManifest(folder)
        .histories.map((h) => h.file)
        .sort();
      expect({ folder, files: historyFiles(folder) }).toEqual({ folder, files: listed });
    }
    const first = new Set(readManifest(folders[0]).histories.map((h) => h.scenario));
    expect(REQUIRED_SCENARIOS.filter((s) => !first.has(s))).toEqual([]);
    // The completed applies carry their apply-batch children.
    expect(histories.some((h) => h.entry.workflowType === 'applyGroupsBatch')).toBe(true);
  });

  it("replay on today's workflow code without a determinism violation", async () => {
    const bundle = await bundleWorkflowsOnce(WORKFLOWS_PATH);
    const failures = await replayFailures(
      bundle,
      histories.map((h) => ({ workflowId: h.entry.workflowId, history: h.history })),
      histories.map((h) => `${h.recording}/${h.entry.file}`),
    );
    expect(failures).toEqual([]);
  });
});

describe('workflow changes replayed against a recorded run', () => {
  let variants: WorkflowBundleWithSourceMap;
  // The newest recording of a completed apply: it schedules both reads and the snapshot the variants change.
  const applied = histories
    .filter((h) => h.entry.scenario === 'apply-completed' && h.entry.workflowType === 'reconcileGroups')
    .at(-1)!;
  const replayAs = (variant: string): HistoryAndWorkflowId => ({
    workflowId: applied.entry.workflowId,
    history: withVariant(applied.history, variant),
  });

  beforeAll(async () => {
    variants = await bundleReplayVariants();
  });

  it.each([REPLAY_VARIANTS.swapReads, REPLAY_VARIANTS.unpatchedTimer])(
    '%s: replaying a recorded run throws DeterminismViolationError',
    async (variant) => {
      const { workflowId, history } = replayAs(variant);
      await expect(Worker.runReplayHistory({ workflowBundle: variants }, history, workflowId)).rejects.toBeInstanceOf(
        DeterminismViolationError,
      );
      // The batch replay that checks the committed histories reports it as well.
      expect(await replayFailures(variants, [replayAs(variant)], [variant])).toEqual([
        expect.stringMatching(new RegExp(`^${variant}: DeterminismViolationError: .*Nondeterminism`)),
      ]);
    },
  );

  it.each([REPLAY_VARIANTS.patchedTimer, REPLAY_VARIANTS.changedOptions])(
    '%s: replays the recorded run',
    async (variant) => {
      expect(await replayFailures(variants, [replayAs(variant)], [variant])).toEqual([]);
    },
  );
});
