import type { IdpOutOfSyncGroup, ReconcileResult, RunStatus } from '../../workflows/messages';
import type { RunDescription } from '../../src/client/reconciliation-client';
import { applyRunExitCode, EXIT_IDP_OUT_OF_SYNC } from '../../src/cli/commands/run';
import { EXIT_ERROR, EXIT_OK } from '../../src/cli/output/exit-codes';
import {
  formatIdpOutOfSync,
  formatResult,
  formatResultLine,
  formatRunDescription,
} from '../../src/cli/output/run-report';

const behind = (over: Partial<IdpOutOfSyncGroup> = {}): IdpOutOfSyncGroup => ({
  groupId: 'g-1',
  groupName: 'Sales',
  idpGroupId: 'idp-1',
  ops: 3,
  since: '2026-12-05T22:00:00.000Z',
  lastError: 'SCIM PATCH Groups/idp-1 chunk 1/1 failed: HTTP 503; retryable',
  ...over,
});

const result = (over: Partial<ReconcileResult> = {}): ReconcileResult => ({
  status: 'no-changes',
  totals: { groups: 2, added: 0, removed: 0, failedGroups: 0 },
  groups: [],
  ...over,
});

const status = (over: Partial<RunStatus> = {}): RunStatus => ({
  phase: 'applying',
  mode: 'apply',
  startedAt: '2026-12-06T00:00:00.000Z',
  awaitingApproval: false,
  approvalRequired: false,
  approvalReasons: [],
  refusedApprovals: [],
  progress: { groupsDone: 0, groupsTotal: 0, added: 0, removed: 0, failedGroups: 0 },
  ...over,
});

const description = (over: Partial<RunDescription>): RunDescription =>
  ({
    workflowId: 'wf-1',
    runId: 'r-1',
    executionStatus: 'RUNNING',
    startTime: '2026-12-06T00:00:00.000Z',
    ...over,
  }) as RunDescription;

describe('IdP out of sync in the CLI', () => {
  it('exits 3 when a run that needed no Genesys change leaves the IdP out of sync', () => {
    expect(EXIT_IDP_OUT_OF_SYNC).toBe(3);
    expect(applyRunExitCode(result({ idpOutOfSync: [behind()] }))).toBe(EXIT_IDP_OUT_OF_SYNC);
    expect(applyRunExitCode(result({ status: 'completed', idpOutOfSync: [behind()] }))).toBe(EXIT_IDP_OUT_OF_SYNC);
  });

  it('exits 0 when the IdP is in sync (list empty or absent)', () => {
    expect(applyRunExitCode(result())).toBe(EXIT_OK);
    expect(applyRunExitCode(result({ idpOutOfSync: [] }))).toBe(EXIT_OK);
  });

  it('keeps 1 for a run that failed, whatever the IdP', () => {
    const failed = result({
      status: 'completed',
      totals: { groups: 2, added: 1, removed: 0, failedGroups: 1 },
      idpOutOfSync: [behind()],
    });
    expect(applyRunExitCode(failed)).toBe(EXIT_ERROR);
    expect(applyRunExitCode(result({ status: 'rejected', idpOutOfSync: [behind()] }))).toBe(EXIT_ERROR);
  });

  it('prints the lagging groups under the result, with pending count, since and last error', () => {
    const text = formatResult(result({ idpOutOfSync: [behind(), behind({ groupId: 'g-2', groupName: '', ops: 12 })] }));
    expect(text).toContain('no-changes: 0 added, 0 removed across 2 groups, IdP out of sync for 2 groups');
    expect(text).toContain('IdP out of sync: 2 groups changed in Genesys but not yet accepted by the IdP');
    const lines = text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('GROUP'));
    expect(lines[header]).toMatch(/^GROUP\s+IDP GROUP\s+PENDING\s+SINCE\s+LAST ERROR$/);
    expect(lines[header + 1]).toMatch(/^Sales\s+idp-1\s+3\s+2026-12-05T22:00:00.000Z\s+SCIM PATCH .*HTTP 503/);
    expect(lines[header + 2]).toMatch(/^g-2\s+idp-1\s+12\s/); // no name: the id stands in
  });

  it('prints nothing extra when the IdP is in sync', () => {
    expect(formatIdpOutOfSync(undefined)).toBe('');
    expect(formatIdpOutOfSync([])).toBe('');
    expect(formatResult(result())).toBe(formatResultLine(result()));
    expect(formatResult(result())).not.toContain('IdP');
  });

  it('shortens a long error in the table (the full text stays in --json and the audit log)', () => {
    const text = formatIdpOutOfSync([behind({ lastError: 'x'.repeat(500) })]);
    expect(text).toContain(`${'x'.repeat(120)}…`);
    expect(text).not.toContain('x'.repeat(121));
  });

  it('status shows the run status list while running and the result list once finished', () => {
    const running = formatRunDescription(
      description({ status: status({ idpOutOfSync: [behind({ groupName: 'Live' })] }) }),
    );
    expect(running).toContain('IdP out of sync: 1 group');
    expect(running).toMatch(/^Live\s+idp-1/m);

    const done = formatRunDescription(
      description({
        executionStatus: 'COMPLETED',
        status: status({ phase: 'no-changes', idpOutOfSync: [behind({ groupName: 'Live' })] }),
        result: result({ idpOutOfSync: [behind({ groupName: 'Final' })] }),
      }),
    );
    expect(done).toMatch(/^Final\s+idp-1/m);
    expect(done).not.toMatch(/^Live\s/m);

    expect(formatRunDescription(description({ status: status() }))).not.toContain('IdP out of sync');
  });
});
