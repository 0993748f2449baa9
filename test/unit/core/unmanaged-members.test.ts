import { unmanagedMemberWarnings, unreadableMemberWarnings } from '../../../src/core/unmanaged-members';

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

describe('unreadableMemberWarnings', () => {
  it('names each group holding members the client cannot read, with a count and an example', () => {
    const unreadable = new Set(['u9', 'u7']);
    expect(
      unreadableMemberWarnings(
        [
          { groupName: 'Support', individuals: ['u1', 'u7', 'u9'] },
          { groupName: 'Sales', individuals: ['u1', 'u2'] },
        ],
        unreadable,
      ),
    ).toEqual([
      "group 'Support': 2 member(s) that this OAuth client cannot read by id (e.g. u7; it may lack " +
        'directory:user:view in their division): kept, never removed on data gcsync cannot read',
    ]);
  });

  it('says nothing when every member could be read', () => {
    expect(unreadableMemberWarnings([{ groupName: 'Support', individuals: ['u1'] }], new Set())).toEqual([]);
  });
});
