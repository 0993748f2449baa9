import {
  RUN_PAGE_MAX_BYTES,
  runPageMarkdown,
  utf8Length,
  type RunPageGroup,
  type RunPageInput,
  type RunPageStatus,
} from '../../../src/core/run-page';

const DIGEST = 'a'.repeat(64);

function status(overrides: Partial<RunPageStatus> = {}): RunPageStatus {
  return {
    phase: 'awaiting-approval',
    mode: 'apply',
    startedAt: '2026-12-06T04:00:00.000Z',
    planDigest: DIGEST,
    totals: { groups: 3, groupsChanged: 2, adds: 5, removes: 7 },
    awaitingApproval: true,
    approvalRequired: true,
    approvalReasons: ['Support Tier 1: removes 7 of 20 members (35 % > 20 %)'],
    warnings: ['selector include.any[2] matches nobody'],
    failsafesTripped: ['maxRemovalRatio: Support Tier 1 35 %'],
    approvalDeadline: '2026-12-07T04:00:00.000Z',
    refusedApprovals: [],
    progress: { groupsDone: 0, groupsTotal: 0, added: 0, removed: 0, failedGroups: 0 },
    ...overrides,
  };
}

function group(n: number, overrides: Partial<RunPageGroup> = {}): RunPageGroup {
  return {
    groupId: `g-${n}`,
    groupName: `Group ${n}`,
    mode: 'exact',
    adds: 1,
    removes: 2,
    currentCount: 10,
    ...overrides,
  };
}

function page(overrides: Partial<RunPageInput> = {}): string {
  return runPageMarkdown({
    workflowId: 'gcsync-apply-20261206T040000Z-abc123',
    status: status(),
    groups: [group(1), group(2, { groupName: 'Sales', adds: 4, removes: 5 }), group(3, { adds: 0, removes: 0 })],
    ...overrides,
  });
}

describe('runPageMarkdown', () => {
  it('says the phase, the totals, the digest and why approval is needed', () => {
    const md = page();
    expect(md).toContain('## gcsync apply run: **waiting for approval**');
    expect(md).toContain('**Plan:** 2 of 3 groups change, **+5** to add, **−7** to remove');
    expect(md).toContain(`**Plan digest:** \`${DIGEST}\``);
    expect(md).toContain('**Approval needed because:**\n\n- Support Tier 1: removes 7 of 20 members (35 % \\> 20 %)');
    expect(md).toContain('**Failsafes tripped:**\n\n- maxRemovalRatio: Support Tier 1 35 %');
    expect(md).toContain('**Warnings:**\n\n- selector include.any\\[2\\] matches nobody');
  });

  it('tables the changed groups only, with their + and − counts and the members the plan leaves', () => {
    const additive = group(4, { groupName: 'Skilled', mode: 'additive', adds: 7, removes: 0, currentCount: 73 });
    expect(page({ groups: [additive] })).toContain('| Skilled | additive | +7 | −0 | 73 → 80 |');
    const md = page();
    expect(md).toContain('### Changed groups (2)');
    expect(md).toContain('| Group 1 | exact | +1 | −2 | 10 → 9 |');
    expect(md).toContain('| Sales | exact | +4 | −5 | 10 → 9 |');
    expect(md).not.toContain('Group 3');
  });

  it('gives the exact approve command, HTTP call and Web UI signal input for this run and digest', () => {
    const md = page();
    expect(md).toContain(`gcsync approve gcsync-apply-20261206T040000Z-abc123 --by you@example.com --digest ${DIGEST}`);
    const body = JSON.stringify({ by: 'you@example.com', planDigest: DIGEST, comment: 'reviewed the plan' });
    expect(md).toContain(`-d '${body}' "$GCSYNC_URL/api/reconciliations/gcsync-apply-20261206T040000Z-abc123/approve"`);
    expect(md).toContain(`\`\`\`json\n${body}\n\`\`\``);
    expect(md).toContain('signal name `approve`');
    expect(md).toContain('before 2026-12-07T04:00:00.000Z');
  });

  it('says in words how a run ended, whatever its phase', () => {
    const ended = (phase: string) => page({ status: status({ phase, awaitingApproval: false }) }).split('\n')[0];
    expect(ended('superseded')).toBe('## gcsync apply run: superseded by a newer plan (nothing written)');
    expect(ended('cancelled')).toBe('## gcsync apply run: cancelled');
    expect(ended('some-new-phase')).toBe('## gcsync apply run: some-new-phase');
  });

  it('counts refused approvals', () => {
    const refused = { by: 'x', at: '2026-12-06T04:30:00.000Z', planDigest: 'b'.repeat(64) };
    expect(page()).not.toContain('refused');
    expect(page({ status: status({ refusedApprovals: [refused, refused] }) })).toContain(
      '2 approval(s) refused (another plan digest, or nobody named).',
    );
  });

  it('shows how to approve only while the run waits', () => {
    const md = page({ status: status({ phase: 'applying', awaitingApproval: false }) });
    expect(md).not.toContain('How to approve');
    expect(md).toContain('run: applying the plan');
  });

  it('shows the outcome of applied groups and the progress', () => {
    const outcomes = new Map([
      ['g-1', { added: 1, removed: 2, failed: false }],
      ['g-2', { added: 0, removed: 0, failed: true, error: 'HTTP 403 on Sales' }],
    ]);
    const md = page({
      status: status({
        phase: 'completed',
        awaitingApproval: false,
        progress: { groupsDone: 2, groupsTotal: 2, added: 1, removed: 2, failedGroups: 1 },
      }),
      outcomes,
    });
    expect(md).toContain('**Applied:** 2 of 2 groups, +1 −2, **1 failed**');
    expect(md).toContain('| Group 1 | exact | +1 | −2 | 10 → 9 | +1 −2 |');
    expect(md).toContain('| Sales | exact | +4 | −5 | 10 → 9 | **failed**: HTTP 403 on Sales |');
  });

  it('says who rejected and why, and an abort error', () => {
    const rejected = page({
      status: status({
        phase: 'rejected',
        awaitingApproval: false,
        rejection: { by: 'carol', at: '2026-12-06T05:00:00.000Z', reason: 'not during the sale' },
      }),
    });
    expect(rejected).toContain('run: rejected (nothing written)');
    expect(rejected).toContain('**Rejected** by carol at 2026-12-06T05:00:00.000Z: not during the sale');
    const aborted = page({
      status: status({ phase: 'aborted', awaitingApproval: false, error: 'nesting cycle: A → B → A' }),
    });
    expect(aborted).toContain('**Error:** nesting cycle: A → B → A');
  });

  it('lists the first 50 changed groups, then says how many more', () => {
    const groups = Array.from({ length: 130 }, (_, i) => group(i + 1));
    const md = page({ groups });
    expect(md).toContain('| Group 50 |');
    expect(md).not.toContain('| Group 51 |');
    expect(md).toContain('… and 80 more changed groups');
  });

  it('neutralises markdown and HTML in group names, reasons and ids', () => {
    const md = page({
      workflowId: "wf `x` 'y'",
      status: status({ approvalReasons: ['<img src=x onerror=alert(1)> [link](http://evil)'] }),
      groups: [group(1, { groupName: 'A | B\n# heading <script>' })],
    });
    // Every `<`, `[` and `]` of the data is escaped: no tag, no link.
    expect(md).not.toMatch(/(^|[^\\])[<[\]]/m);
    expect(md).toContain('- \\<img src=x onerror=alert(1)\\> \\[link\\](http://evil)');
    expect(md).toContain('| A \\| B \\# heading \\<script\\> |');
    // The id is shell-quoted in the command, and code spans outlast its backticks.
    expect(md).toContain("gcsync approve 'wf `x` '\\''y'\\''' --by");
    expect(md).toContain("To reject: ``gcsync reject 'wf `x` '\\''y'\\''' --by you@example.com --reason \"why\"``");
  });

  it('stays within its size bound for hostile sizes: 2,000 long emoji-named groups, long reasons', () => {
    const long = '😀'.repeat(500);
    const groups = Array.from({ length: 2000 }, (_, i) => group(i, { groupName: `${long}${i}` }));
    const many = Array.from({ length: 500 }, () => `${long}<>|*`);
    const md = page({
      groups,
      status: status({ approvalReasons: many, warnings: many, failsafesTripped: many, error: long.repeat(10) }),
    });
    expect(utf8Length(md)).toBeLessThanOrEqual(RUN_PAGE_MAX_BYTES);
    expect(Buffer.byteLength(md, 'utf8')).toBe(utf8Length(md));
    // Still says how to approve, and how much it left out.
    expect(md).toContain('How to approve');
    expect(md).toMatch(/… and \d+ more changed groups/);
  });

  it('keeps a typical 50-row page well under 20 KB', () => {
    const groups = Array.from({ length: 500 }, (_, i) => group(i, { groupName: `Customer Support Tier ${i} EMEA` }));
    const md = page({ groups });
    expect(md).toContain('| Customer Support Tier 49 EMEA |');
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThan(8_000);
  });
});
