import { RUN_SUMMARY_MAX_CHARS, runStaticSummary } from '../../../src/core/run-summary';

describe('runStaticSummary', () => {
  it('says the mode, the target groups, the rules ref and who asked', () => {
    expect(
      runStaticSummary({
        mode: 'apply',
        targetGroups: ['Support Tier 1', 'Sales'],
        rulesRef: '/etc/gcsync/rules.yaml',
        requestedBy: 'alice',
      }),
    ).toBe('gcsync apply · groups: Support Tier 1, Sales · rules /etc/gcsync/rules.yaml · by alice');
    expect(runStaticSummary({ mode: 'plan' })).toBe('gcsync plan (dry run) · all groups in the rules');
  });

  it('counts a long target list instead of listing it, and stays one bounded line', () => {
    const targets = Array.from({ length: 40 }, (_, i) => `Group number ${i}`);
    expect(runStaticSummary({ mode: 'apply', targetGroups: targets, requestedBy: 'bob' })).toBe(
      'gcsync apply · 40 groups · by bob',
    );
    const odd = runStaticSummary({ mode: 'apply', requestedBy: `x\ny${'z'.repeat(500)}` });
    expect(odd).not.toContain('\n');
    expect(Array.from(odd)).toHaveLength(RUN_SUMMARY_MAX_CHARS);
    expect(odd.endsWith('…')).toBe(true);
  });
});
