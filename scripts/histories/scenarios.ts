/**
 * The runs `npm run histories:record` records, one per released shape of `reconcileGroups` (and, through the apply
 * runs, of `applyGroupsBatch`). Each scenario sets up its own preconditions on a small emulator org, drives one run
 * to its end, checks it ended the way its name says (a scenario that drifted into another shape fails the
 * recording rather than commit a mislabelled history) and returns the run's handle; the recorder exports that run
 * and every child it started.
 *
 * To add a shape: append a scenario with a new `name` (it becomes the file name; never reuse one for a different
 * shape). Scenarios run in this order on the same org, so a scenario must not rely on what an earlier one left
 * behind except through the helpers below.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { approve, resultOf } from '../../src/client/reconciliation-client';
import type { RunningEmulator } from '../../src/emulator';
import type { reconcileGroups } from '../../workflows';
import {
  approveSignal,
  rejectSignal,
  statusQuery,
  type ReconcileResult,
  type RunStatus,
} from '../../workflows/messages';
import { expectedMembers, rulesFor } from '../../test/support/org-rules';
import { waitFor, type Reconciler } from '../../test/support/reconciler';

/** Which reconciler a scenario runs on: `plain` has no IdP; `scim` notifies a SCIM peer after each group. */
export type ReconcilerKind = 'plain' | 'scim';

/** What a scenario gets to work with. */
export interface ScenarioContext {
  client: Client;
  rec: Reconciler;
  /** Workflow id to start the run under (stable names make the histories easy to read). */
  workflowId: string;
}

/** One recorded run. */
export interface Scenario {
  /** File-name-safe, unique, never reused for another shape. */
  name: string;
  /** What shape of run this is, for the manifest and the docs. */
  description: string;
  reconciler: ReconcilerKind;
  /** Drives the run to its end and returns its handle. Throws if the run did not end as described. */
  run(ctx: ScenarioContext): Promise<WorkflowHandle<typeof reconcileGroups>>;
}

/** Org of each reconciler: small, so histories stay a few dozen KB. */
export const SCENARIO_ORG = { users: 40, groups: 3, seed: 7 } as const;

/** Any removal needs approval; the timeout is what the `expired` scenario shortens. */
const gatedPolicy = (approvalTimeout: string): string =>
  ['requireApproval: auto', 'maxRemovals: 0', 'maxRemovalRatio: 1', `approvalTimeout: ${approvalTimeout}`].join('\n  ');

/** Puts a user the rules do not select into the `index`-th ruled group, so the next plan has a removal there. */
function addOutsider(emulator: RunningEmulator, index = 0): string {
  const [groupId, want] = [...expectedMembers(emulator)][index];
  const present = new Set([...want, ...emulator.state.groupMembers(groupId)]);
  const outsider = emulator.state.listUsers().find((u) => u.state === 'active' && !present.has(u.id));
  if (!outsider) throw new Error(`no user left to drift into group ${groupId}`);
  emulator.state.externalEdit(emulator.state.getGroup(groupId)!, [outsider.id], []);
  return groupId;
}

function expectStatus(result: ReconcileResult, want: ReconcileResult['status'], scenario: string): void {
  if (result.status !== want) {
    throw new Error(`scenario ${scenario}: run ended ${result.status}, not ${want}: ${JSON.stringify(result)}`);
  }
}

async function awaitingApproval(handle: WorkflowHandle<typeof reconcileGroups>): Promise<RunStatus> {
  return waitFor(
    () => handle.query(statusQuery),
    (s) => s.awaitingApproval,
  );
}

/** Starts a run, waits for it to end in `want`, returns its handle. */
async function runTo(
  ctx: ScenarioContext,
  name: string,
  want: ReconcileResult['status'],
  input: Parameters<Reconciler['start']>[0],
): Promise<WorkflowHandle<typeof reconcileGroups>> {
  const handle = await ctx.rec.start(input, ctx.workflowId);
  expectStatus(await resultOf(handle), want, name);
  return handle;
}

/** Every released shape of today's workflows. Append new shapes at the end. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'apply-completed',
    description: 'apply, no approval needed: plan, then one applyGroupsBatch child applies the drifted groups',
    reconciler: 'plain',
    run: async (ctx) => {
      addOutsider(ctx.rec.emulator);
      const handle = await runTo(ctx, 'apply-completed', 'completed', {
        mode: 'apply',
        rules: rulesFor(ctx.rec.emulator),
        requestedBy: 'histories:record',
      });
      const result = await handle.result();
      if (result.totals.added + result.totals.removed === 0) throw new Error('apply-completed changed nothing');
      return handle;
    },
  },
  {
    name: 'no-changes',
    description: 'apply on an org already in line with the rules: plan has nothing to do, no child',
    reconciler: 'plain',
    run: async (ctx) => {
      // Converge first (not recorded), so this run's plan is empty whatever came before.
      await ctx.rec.run({ mode: 'apply', rules: rulesFor(ctx.rec.emulator) });
      return runTo(ctx, 'no-changes', 'no-changes', { mode: 'apply', rules: rulesFor(ctx.rec.emulator) });
    },
  },
  {
    name: 'plan-only',
    description: 'mode plan (dry run) with changes to make: ends planned, writes nothing',
    reconciler: 'plain',
    run: async (ctx) => {
      addOutsider(ctx.rec.emulator);
      return runTo(ctx, 'plan-only', 'planned', { mode: 'plan', rules: rulesFor(ctx.rec.emulator) });
    },
  },
  {
    name: 'approval-approved',
    description:
      'waits for approval; a wrong-digest approval is refused (audited while waiting), then a signal approves; applied',
    reconciler: 'plain',
    run: async (ctx) => {
      addOutsider(ctx.rec.emulator);
      const handle = await ctx.rec.start(
        { mode: 'apply', rules: rulesFor(ctx.rec.emulator, { policy: gatedPolicy('1h') }) },
        ctx.workflowId,
      );
      const status = await awaitingApproval(handle);
      await handle.signal(approveSignal, { by: 'mallory', planDigest: '0'.repeat(64) });
      await waitFor(
        () => handle.query(statusQuery),
        (s) => s.refusedApprovals.length === 1,
      );
      await handle.signal(approveSignal, { by: 'ops-oncall', planDigest: status.planDigest!, comment: 'recorded' });
      expectStatus(await handle.result(), 'completed', 'approval-approved');
      return handle;
    },
  },
  {
    name: 'approval-approved-update',
    description: 'waits for approval; the approvePlan Update approves (as the CLI and HTTP service do); applied',
    reconciler: 'plain',
    run: async (ctx) => {
      addOutsider(ctx.rec.emulator);
      const handle = await ctx.rec.start(
        { mode: 'apply', rules: rulesFor(ctx.rec.emulator, { policy: gatedPolicy('1h') }) },
        ctx.workflowId,
      );
      const status = await awaitingApproval(handle);
      await approve(ctx.client, handle.workflowId, {
        by: 'ops-oncall',
        planDigest: status.planDigest!,
        origin: { via: 'cli', osUser: 'recorder' },
      });
      expectStatus(await handle.result(), 'completed', 'approval-approved-update');
      return handle;
    },
  },
  {
    name: 'approval-rejected',
    description: 'waits for approval; a signal rejects; nothing written',
    reconciler: 'plain',
    run: async (ctx) => {
      addOutsider(ctx.rec.emulator);
      const handle = await ctx.rec.start(
        { mode: 'apply', rules: rulesFor(ctx.rec.emulator, { policy: gatedPolicy('1h') }) },
        ctx.workflowId,
      );
      await awaitingApproval(handle);
      await handle.signal(rejectSignal, { by: 'ops-oncall', reason: 'recorded rejection' });
      expectStatus(await handle.result(), 'rejected', 'approval-rejected');
      return handle;
    },
  },
  {
    name: 'approval-expired',
    description: 'waits for approval; nobody decides before the (2 s) deadline timer fires; nothing written',
    reconciler: 'plain',
    run: async (ctx) => {
      addOutsider(ctx.rec.emulator);
      return runTo(ctx, 'approval-expired', 'expired', {
        mode: 'apply',
        rules: rulesFor(ctx.rec.emulator, { policy: gatedPolicy('2s') }),
      });
    },
  },
  {
    name: 'aborted-unknown-group',
    description: 'rules name a group the org does not have: prepareRun refuses, the run ends aborted before any read',
    reconciler: 'plain',
    run: async (ctx) => {
      const rules =
        rulesFor(ctx.rec.emulator) +
        '  - group: "No Such Group"\n    mode: exact\n    include:\n      department: "Nowhere"\n';
      return runTo(ctx, 'aborted-unknown-group', 'aborted', { mode: 'apply', rules });
    },
  },
  {
    name: 'apply-scim',
    description: 'apply with a SCIM peer configured: the child notifies the IdP after each applied group',
    reconciler: 'scim',
    run: async (ctx) => {
      // The IdP mirrors each Genesys group under the same id, so notifications land on an existing group.
      for (const g of ctx.rec.emulator.state.listGroups()) {
        ctx.rec.scim!.createGroup(g.id, g.name, ctx.rec.emulator.state.groupMembers(g.id));
      }
      addOutsider(ctx.rec.emulator);
      return runTo(ctx, 'apply-scim', 'completed', { mode: 'apply', rules: rulesFor(ctx.rec.emulator) });
    },
  },
  {
    name: 'apply-group-failed',
    description: 'apply where one group answers 403: the child audits group.failed and applies the other; completed',
    reconciler: 'plain',
    run: async (ctx) => {
      const state = ctx.rec.emulator.state;
      const forbidden = addOutsider(ctx.rec.emulator, 0);
      addOutsider(ctx.rec.emulator, 1);
      state.applyFaults({ groupStatus: { groupId: forbidden, status: 403 } });
      try {
        const handle = await runTo(ctx, 'apply-group-failed', 'completed', {
          mode: 'apply',
          rules: rulesFor(ctx.rec.emulator),
        });
        const result = await handle.result();
        if (result.totals.failedGroups !== 1)
          throw new Error(`apply-group-failed: ${result.totals.failedGroups} failed`);
        return handle;
      } finally {
        state.applyFaults({ groupStatus: { groupId: forbidden, status: null } });
      }
    },
  },
  {
    name: 'aborted-credentials',
    description: 'the OAuth secret was rotated: a read activity fails non-retryably and the run ends aborted',
    reconciler: 'plain',
    run: async (ctx) => {
      const state = ctx.rec.emulator.state;
      const original = state.options.clientSecret;
      state.rotateClientSecret('rotated-by-an-admin');
      try {
        return await runTo(ctx, 'aborted-credentials', 'aborted', { mode: 'apply', rules: rulesFor(ctx.rec.emulator) });
      } finally {
        state.rotateClientSecret(original);
      }
    },
  },
  {
    name: 'revert-completed',
    description: 'gcsync revert: an applied run (not recorded) is undone through the same plan, gate and apply path',
    reconciler: 'plain',
    run: async (ctx) => {
      addOutsider(ctx.rec.emulator);
      const applied = await ctx.rec.start({ mode: 'apply', rules: rulesFor(ctx.rec.emulator) });
      expectStatus(await resultOf(applied), 'completed', 'revert-completed (the run to revert)');
      const handle = await runTo(ctx, 'revert-completed', 'completed', {
        mode: 'apply',
        revertOf: { workflowId: applied.workflowId },
        overrides: { requireApproval: 'never' },
      });
      return handle;
    },
  },
  {
    name: 'cancelled-awaiting-approval',
    description: 'a run waiting for approval is cancelled: audited run.finished (cancelled) and ends CANCELLED',
    reconciler: 'plain',
    run: async (ctx) => {
      addOutsider(ctx.rec.emulator);
      const handle = await ctx.rec.start(
        { mode: 'apply', rules: rulesFor(ctx.rec.emulator, { policy: gatedPolicy('1h') }) },
        ctx.workflowId,
      );
      await awaitingApproval(handle);
      await handle.cancel();
      const described = await waitFor(
        () => handle.describe(),
        (d) => d.status.name !== 'RUNNING',
      );
      if (described.status.name !== 'CANCELLED') {
        throw new Error(`cancelled-awaiting-approval: run ended ${described.status.name}, not CANCELLED`);
      }
      return handle;
    },
  },
];
