import { addOutcome, sumOutcomes } from '../../../src/core/outcome-tally';

describe('outcome tally', () => {
  const outcomes = [
    { added: 3, removed: 1, failed: false },
    { added: 0, removed: 0, failed: true },
    { added: 2, removed: 5, failed: false },
  ];

  it('sums added, removed, done and failed groups', () => {
    expect(sumOutcomes(outcomes)).toEqual({ groupsDone: 3, added: 5, removed: 6, failedGroups: 1 });
    expect(sumOutcomes([])).toEqual({ groupsDone: 0, added: 0, removed: 0, failedGroups: 0 });
  });

  it('adds into a live progress object in place, keeping its other fields', () => {
    const progress = { groupsDone: 1, groupsTotal: 9, added: 1, removed: 0, failedGroups: 0 };
    outcomes.forEach((o) => addOutcome(progress, o));
    expect(progress).toEqual({ groupsDone: 4, groupsTotal: 9, added: 6, removed: 6, failedGroups: 1 });
  });
});
