import { unmanagedMemberWarnings } from '../../../src/core/unmanaged-members';

describe('unmanagedMemberWarnings', () => {
  it('reports a group whose listing counts more members than its individuals', () => {
    expect(unmanagedMemberWarnings([{ groupName: 'Support', listedMemberCount: 12, individuals: 9 }])).toEqual([
      "group 'Support': 3 member(s) beyond its 9 individual member(s) (Genesys membership rules, owners, or " +
        'inactive users): not managed by gcsync, never removed by it',
    ]);
  });

  it('says nothing when the counts agree, the listing counts fewer, or gives no count', () => {
    expect(
      unmanagedMemberWarnings([
        { groupName: 'A', listedMemberCount: 4, individuals: 4 },
        { groupName: 'B', listedMemberCount: 2, individuals: 4 },
        { groupName: 'C', individuals: 4 },
      ]),
    ).toEqual([]);
  });
});
