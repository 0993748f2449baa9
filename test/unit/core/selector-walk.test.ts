import { attributeSelectors, describeSelector } from '../../../src/core/selector-walk';
import { rules } from './helpers';

describe('attributeSelectors', () => {
  it('visits include then exclude, depth first, with paths and negation', () => {
    const [rule] = rules(`
version: 1
groups:
  - group: G
    include:
      all:
        - role: /^Team (Lead|Manager)$/i
        - not: {any: [{department: Sales}, {not: {title: Intern}}]}
    exclude: {userId: u-1}
`).groups;
    expect(attributeSelectors(rule).map((s) => [s.path, describeSelector(s.selector), s.inExclude, s.negated])).toEqual(
      [
        ['include.all[0].role', 'role: /^Team (Lead|Manager)$/i', false, false],
        ['include.all[1].not.any[0].department', 'department: Sales', false, true],
        ['include.all[1].not.any[1].not.title', 'title: Intern', false, false],
        ['exclude.userId', 'userId: u-1', true, false],
      ],
    );
  });

  it('is empty for a rule made only of includeGroups', () => {
    const doc = rules(
      'version: 1\ngroups:\n  - {group: A, include: {userId: x}}\n  - {group: B, includeGroups: [A]}\n',
    );
    expect(attributeSelectors(doc.groups[1])).toEqual([]);
  });
});
