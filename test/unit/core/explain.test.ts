import { explainMembership, MembershipExplainer, reasonsFor } from '../../../src/core/explain';
import { actionFor, explainUser } from '../../../src/core/explain-user';
import type { GroupRule } from '../../../src/core/rules-schema';
import { describeSelector } from '../../../src/core/selector-describe';
import { rules, user } from './helpers';

const doc = rules(`
version: 1
groups:
  - group: Support Team
    include:
      any:
        - role: Support Agent
        - department: Support
    exclude:
      - title: /contractor/i
  - group: Tier 1
    include:
      all:
        - department: Support
        - skill: Phones
          minProficiency: 3
  - group: Everyone in support
    includeGroups: [Tier 1]
  - group: Leads
    include:
      - title: Lead
    includeGroups: [Tier 1]
`);

const agent = user('u-agent', { roles: [{ id: 'r1', name: 'Support Agent' }], department: 'Sales' });
const supportDept = user('u-dept', { department: 'Support' });
const contractor = user('u-contractor', { department: 'Support', title: 'Contractor (ACME)' });
const tier1 = user('u-t1', { department: 'Support', skills: [{ id: 's1', name: 'Phones', proficiency: 4 }] });
const lowSkill = user('u-low', { department: 'Support', skills: [{ id: 's1', name: 'Phones', proficiency: 2 }] });
const nobody = user('u-none', { department: 'Finance' });

describe('explainMembership: adds name the clause that selected the user', () => {
  it('the first matching include alternative', () => {
    expect(explainMembership(doc, 'Support Team', agent)).toEqual({
      desired: true,
      reason: { clause: 'include.any[0]', text: 'include.any[0]: role = Support Agent' },
    });
    expect(explainMembership(doc, 'Support Team', supportDept).reason).toEqual({
      clause: 'include.any[1]',
      text: 'include.any[1]: department = Support',
    });
  });

  it('an all: the whole composite is the witness', () => {
    expect(explainMembership(doc, 'Tier 1', tier1)).toEqual({
      desired: true,
      reason: { clause: 'include', text: 'include: department = Support and skill = Phones (proficiency >= 3)' },
    });
  });

  it('nesting: included via includeGroups[i] with the nested clause', () => {
    expect(explainMembership(doc, 'Everyone in support', tier1)).toEqual({
      desired: true,
      reason: {
        clause: 'includeGroups[0]',
        text: 'included via includeGroups[0] (Tier 1): include: department = Support and skill = Phones (proficiency >= 3)',
      },
    });
  });

  it('own include wins over nesting when both select', () => {
    const lead = { ...tier1, title: 'Lead' };
    expect(explainMembership(doc, 'Leads', lead).reason.clause).toBe('include.any[0]');
  });
});

describe('explainMembership: non-members and removals say why not', () => {
  it('excluded by the exclude clause that matched', () => {
    expect(explainMembership(doc, 'Support Team', contractor, 'remove')).toEqual({
      desired: false,
      reason: { clause: 'exclude.any[0]', text: 'excluded by exclude.any[0] (title ~ /contractor/i)' },
    });
  });

  it('inactive users and users the directory did not return', () => {
    expect(explainMembership(doc, 'Support Team', { ...agent, state: 'inactive' }, 'remove')).toEqual({
      desired: false,
      reason: { clause: 'inactive', text: 'inactive (state inactive)' },
    });
    expect(explainMembership(doc, 'Support Team', undefined, 'remove').reason).toEqual({
      clause: 'inactive',
      text: 'inactive (not an active user in the directory)',
    });
  });

  it('several ways in: not selected by any rule, listing them', () => {
    expect(explainMembership(doc, 'Support Team', nobody, 'remove').reason).toEqual({
      clause: 'unselected',
      text: 'not selected by any rule (matches none of include.any[0] (role = Support Agent), include.any[1] (department = Support))',
    });
    expect(explainMembership(doc, 'Leads', nobody).reason).toEqual({
      clause: 'unselected',
      text: 'not selected by any rule (matches none of include.any[0] (title = Lead), includeGroups[0] (Tier 1))',
    });
  });

  it('one way in: names the failing part of an all, worded for a removal or an absence', () => {
    expect(explainMembership(doc, 'Tier 1', lowSkill, 'remove').reason).toEqual({
      clause: 'include.all[1]',
      text: 'no longer matches include.all[1] (skill = Phones (proficiency >= 3))',
    });
    expect(explainMembership(doc, 'Tier 1', nobody).reason).toEqual({
      clause: 'include.all[0]',
      text: 'does not match include.all[0] (department = Support)',
    });
  });

  it('a one-item include list is that item: no longer matches include.any[0]', () => {
    const single = rules(`
version: 1
groups:
  - group: Agents
    include: [{ role: Support Agent }]
`);
    expect(explainMembership(single, 'Agents', nobody, 'remove').reason).toEqual({
      clause: 'include.any[0]',
      text: 'no longer matches include.any[0] (role = Support Agent)',
    });
  });

  it('only nested: not included via includeGroups[0] with the nested reason', () => {
    expect(explainMembership(doc, 'Everyone in support', lowSkill, 'remove').reason).toEqual({
      clause: 'includeGroups[0]',
      text: 'no longer included via includeGroups[0] (Tier 1): no longer matches include.all[1] (skill = Phones (proficiency >= 3))',
    });
  });

  it('a not: the not itself is the failing clause', () => {
    const notDoc = rules(`
version: 1
groups:
  - group: Non-sales
    include:
      not: { department: Sales }
`);
    expect(explainMembership(notDoc, 'Non-sales', agent).reason).toEqual({
      clause: 'include',
      text: 'does not match include (not department = Sales)',
    });
    expect(explainMembership(notDoc, 'Non-sales', nobody).reason.text).toBe('include: not department = Sales');
  });
});

describe('errors', () => {
  it('refuses an unknown group key', () => {
    expect(() => explainMembership(doc, 'Nope', agent)).toThrow("group 'Nope' is not a group entry of the rules");
    expect(() => reasonsFor(doc, [], 'Nope', [], 'add')).toThrow('not a group entry');
  });

  it('refuses a cycle like resolveDesired (the schema refuses it too; the core checks again)', () => {
    const groups: GroupRule[] = [
      { group: 'A', mode: 'exact', includeGroups: ['B'] },
      { group: 'B', mode: 'exact', includeGroups: ['A'] },
    ];
    expect(() => new MembershipExplainer({ groups })).toThrow('nesting cycle: A → B → A');
  });
});

describe('reasonsFor', () => {
  it('explains each requested id once, absent users as inactive, from an array or a map', () => {
    const users = [agent, supportDept, contractor, nobody];
    const expected = new Map([
      ['u-contractor', { clause: 'exclude.any[0]', text: 'excluded by exclude.any[0] (title ~ /contractor/i)' }],
      ['u-gone', { clause: 'inactive', text: 'inactive (not an active user in the directory)' }],
    ]);
    expect(reasonsFor(doc, users, 'Support Team', ['u-contractor', 'u-gone', 'u-gone'], 'remove')).toEqual(expected);
    const byId = new Map(users.map((u) => [u.id, u]));
    expect(reasonsFor(doc, byId, 'Support Team', ['u-contractor', 'u-gone'], 'remove')).toEqual(expected);
    expect(reasonsFor(doc, byId, 'Support Team', ['u-agent'], 'add').get('u-agent')).toEqual({
      clause: 'include.any[0]',
      text: 'include.any[0]: role = Support Agent',
    });
  });
});

describe('describeSelector', () => {
  it('writes every selector kind back readably', () => {
    const d = rules(`
version: 1
groups:
  - group: G
    include:
      any:
        - role: /^Agent/i
        - division: Home
        - location: Paris
        - manager: m-1
        - all: [{ userId: u-1 }, { any: [{ title: B }, { title: C }] }]
`);
    expect(describeSelector(d.groups[0].include!)).toBe(
      'role ~ /^Agent/i or division = Home or location = Paris or manager = m-1 or (userId = u-1 and (title = B or title = C))',
    );
  });

  it('cuts very long descriptions', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `{ userId: user-${i} }`).join(', ');
    const d = rules(`version: 1\ngroups:\n  - group: G\n    include: { any: [${ids}] }\n`);
    const text = describeSelector(d.groups[0].include!);
    expect(text).toHaveLength(120);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('explainUser / actionFor', () => {
  it('follows planGroup per mode', () => {
    expect(actionFor('exact', false, true)).toBe('add');
    expect(actionFor('exact', true, true)).toBe('none');
    expect(actionFor('exact', true, false)).toBe('remove');
    expect(actionFor('managed', true, false)).toBe('remove-if-owned');
    expect(actionFor('additive', true, false)).toBe('keep');
    expect(actionFor('additive', false, false)).toBe('none');
  });

  it('words a current member as a removal and a non-member as an absence', () => {
    const rows = explainUser(doc, lowSkill, [
      { key: 'Tier 1', groupId: 'g1', groupName: 'Tier One', member: true },
      { key: 'Everyone in support', groupId: 'g2', groupName: 'Everyone', member: false },
    ]);
    expect(rows.map((r) => [r.groupName, r.action, r.reason.text])).toEqual([
      ['Tier One', 'remove', 'no longer matches include.all[1] (skill = Phones (proficiency >= 3))'],
      [
        'Everyone',
        'none',
        'not included via includeGroups[0] (Tier 1): does not match include.all[1] (skill = Phones (proficiency >= 3))',
      ],
    ]);
    expect(() => explainUser(doc, lowSkill, [{ key: 'X', groupId: 'x', groupName: 'X', member: false }])).toThrow(
      "group 'X' is not a group entry",
    );
  });
});
