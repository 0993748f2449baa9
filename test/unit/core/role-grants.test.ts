import { describeGrant, findRoleFeedbackLoops } from '../../../src/core/role-grants';
import { rules } from './helpers';

const ids = { Supervisors: 'g-sup', Agents: 'g-agents', Floor: 'g-floor', Other: 'g-other' };
const supervisorGrant = { roleId: 'r-sup', roleName: 'Supervisor', divisionId: 'd1', divisionName: 'Home' };

describe('findRoleFeedbackLoops', () => {
  it('finds a role selector naming a role its own group grants, by name, with rule, path and role', () => {
    const doc = rules(`
version: 1
groups:
  - group: Supervisors
    include:
      - department: Management
      - role: Supervisor
`);
    const loops = findRoleFeedbackLoops(doc, { 'g-sup': [supervisorGrant] }, ids);
    expect(loops).toEqual([
      {
        ruleIndex: 0,
        rule: 'Supervisors',
        path: 'include.any[1].role',
        grantingGroup: 'Supervisors',
        grantingGroupId: 'g-sup',
        roles: ['Supervisor'],
        message:
          "groups[0].include.any[1].role: role feedback loop in 'Supervisors': role: Supervisor matches role " +
          "'Supervisor', which group 'Supervisors' itself grants; membership would grant the role and the role " +
          'would change membership (select by something else, or remove the grant)',
      },
    ]);
  });

  it('matches by role id and by regex, inside exclude and under not', () => {
    const doc = rules(`
version: 1
groups:
  - group: Supervisors
    include: {department: Management}
    exclude:
      all:
        - not: {role: r-sup}
        - role: /^super/i
`);
    const loops = findRoleFeedbackLoops(
      doc,
      { 'g-sup': [supervisorGrant, { roleId: 'r-x', roleName: 'Reporting' }] },
      ids,
    );
    expect(loops.map((l) => [l.path, l.roles])).toEqual([
      ['exclude.all[0].not.role', ['Supervisor']],
      ['exclude.all[1].role', ['Supervisor']],
    ]);
  });

  it('names every granted role one selector matches', () => {
    const doc = rules('version: 1\ngroups:\n  - group: Supervisors\n    include: {role: /./}\n');
    const grants = [supervisorGrant, { roleId: 'r-qa', roleName: 'Quality' }, { roleId: 'r-qa', roleName: 'Quality' }];
    const [loop] = findRoleFeedbackLoops(doc, { 'g-sup': grants }, ids);
    expect(loop.roles).toEqual(['Supervisor', 'Quality']);
    expect(loop.message).toContain("matches roles 'Supervisor', 'Quality', which group");
  });

  it('follows includeGroups: a rule feeding a group that grants the role it selects on is a loop too', () => {
    const doc = rules(`
version: 1
groups:
  - group: Agents
    include: {role: Supervisor}
  - group: Floor
    includeGroups: [Agents]
  - group: Supervisors
    includeGroups: [Floor]
`);
    const loops = findRoleFeedbackLoops(doc, { 'g-sup': [supervisorGrant], 'g-agents': [], 'g-floor': [] }, ids);
    expect(loops).toHaveLength(1);
    expect(loops[0]).toMatchObject({ rule: 'Agents', grantingGroup: 'Supervisors', path: 'include.role' });
    expect(loops[0].message).toContain(
      "which group 'Supervisors' grants, and 'Supervisors' includes 'Agents' through includeGroups",
    );
  });

  it('is empty when no fed group grants a matching role (the normal case)', () => {
    const doc = rules(`
version: 1
groups:
  - group: Agents
    include: {role: Agent}
  - group: Supervisors
    include: {role: Supervisor}
  - group: Other
    include: {department: Sales}
`);
    // Cross grants: Agents grants Supervisor and Supervisors grants Agent; no rule selects on a role its own
    // group (or a group including it) grants.
    const grants = { 'g-agents': [supervisorGrant], 'g-sup': [{ roleId: 'r-ag', roleName: 'Agent' }] };
    expect(findRoleFeedbackLoops(doc, grants, ids)).toEqual([]);
    expect(findRoleFeedbackLoops(doc, {}, ids)).toEqual([]);
  });

  it('does not match a grant without a name by an empty-matching regex on the absent name', () => {
    const doc = rules('version: 1\ngroups:\n  - group: Supervisors\n    include: {role: /^$/}\n');
    expect(findRoleFeedbackLoops(doc, { 'g-sup': [{ roleId: 'r-sup' }] }, ids)).toEqual([]);
  });
});

describe('describeGrant', () => {
  it('shows role and division by name, falling back to ids', () => {
    expect(describeGrant(supervisorGrant)).toBe('Supervisor (division Home)');
    expect(describeGrant({ roleId: 'r1', divisionId: 'd9' })).toBe('r1 (division d9)');
    expect(describeGrant({ roleId: 'r1' })).toBe('r1');
  });
});
