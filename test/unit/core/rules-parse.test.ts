import { parseRules } from '../../../src/core/rules-parse';
import { DEFAULT_POLICY, type Selector } from '../../../src/core/rules-schema';
import { parseRulesValue, RulesValidationError } from '../../../src/core/rules-validate';
import { errorsOf, rules } from './helpers';

function caught(yaml: string): RulesValidationError {
  try {
    parseRules(yaml, 'rules.yaml');
  } catch (err) {
    if (err instanceof RulesValidationError) return err;
    throw err;
  }
  throw new Error('expected the rules to be rejected');
}

const exact = (value: string) => ({ kind: 'exact', value }) as const;

describe('parseRules: valid documents', () => {
  it('fills policy, mode, includeGroups and scim defaults', () => {
    const doc = rules('version: 1\ngroups:\n  - group: Support\n    include: {department: Support}\n');
    expect(doc).toEqual({
      version: 1,
      policy: { requireApproval: 'auto', maxRemovals: 100, maxRemovalRatio: 0.2, approvalTimeout: '24h' },
      groups: [
        {
          group: 'Support',
          mode: 'exact',
          include: { kind: 'department', match: exact('Support') },
          includeGroups: [],
        },
      ],
      scim: { groupMap: {} },
    });
    expect(doc.policy).toEqual(DEFAULT_POLICY);
  });

  it('fills the policy fields that are left out', () => {
    const doc = rules(
      'version: 1\npolicy: {requireApproval: always, approvalTimeout: 90s}\ngroups: [{group: A, include: {userId: u1}}]',
    );
    expect(doc.policy).toEqual({
      requireApproval: 'always',
      maxRemovals: 100,
      maxRemovalRatio: 0.2,
      approvalTimeout: '90s',
    });
  });

  it('parses every selector kind into the tagged form', () => {
    const doc = rules(`
version: 1
groups:
  - group: G
    include:
      all:
        - role: Support Agent
        - division: /^EMEA$/
        - department: Support
        - title: Agent
        - location: Dublin
        - skill: Spanish
          minProficiency: 3
        - skill: French
        - manager: m-1
        - userId: u-1
        - not: {any: [{title: /contractor/i}]}
`);
    const expected: Selector = {
      kind: 'all',
      of: [
        { kind: 'role', match: exact('Support Agent') },
        { kind: 'division', match: { kind: 'regex', source: '^EMEA$', flags: '' } },
        { kind: 'department', match: exact('Support') },
        { kind: 'title', match: exact('Agent') },
        { kind: 'location', match: exact('Dublin') },
        { kind: 'skill', match: exact('Spanish'), minProficiency: 3 },
        { kind: 'skill', match: exact('French') },
        { kind: 'manager', match: exact('m-1') },
        { kind: 'userId', match: exact('u-1') },
        {
          kind: 'not',
          of: { kind: 'any', of: [{ kind: 'title', match: { kind: 'regex', source: 'contractor', flags: 'i' } }] },
        },
      ],
    };
    expect(doc.groups[0].include).toEqual(expected);
  });

  it('reads include/exclude lists as any, and single selectors as themselves', () => {
    const doc = rules(`
version: 1
groups:
  - group: G
    include: [{role: A}, {role: B}]
    exclude: {title: T}
`);
    expect(doc.groups[0].include).toEqual({
      kind: 'any',
      of: [
        { kind: 'role', match: exact('A') },
        { kind: 'role', match: exact('B') },
      ],
    });
    expect(doc.groups[0].exclude).toEqual({ kind: 'title', match: exact('T') });
  });

  it('accepts a group defined only by includeGroups, and keeps modes', () => {
    const doc = rules(`
version: 1
groups:
  - {group: T1, mode: managed, include: {role: A}}
  - {group: T2, mode: additive, include: {role: B}}
  - {group: All, includeGroups: [T1, T2]}
`);
    expect(doc.groups.map((g) => [g.group, g.mode, g.includeGroups])).toEqual([
      ['T1', 'managed', []],
      ['T2', 'additive', []],
      ['All', 'exact', ['T1', 'T2']],
    ]);
  });

  it('parses JSON text too', () => {
    const doc = parseRules(
      JSON.stringify({
        version: 1,
        groups: [{ group: 'A', include: { role: 'X' } }],
        scim: { groupMap: { A: 'idp-a' } },
      }),
      'rules.json',
    );
    expect(doc.scim.groupMap).toEqual({ A: 'idp-a' });
  });

  it('produces plain JSON (survives a JSON round trip unchanged)', () => {
    const doc = rules('version: 1\ngroups: [{group: A, include: {title: /x/i}, exclude: [{role: R}]}]');
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('parseRules: errors name the file, the path and the reason', () => {
  it('reports the documented example exactly', () => {
    const yaml = `
version: 1
groups:
  - group: A
    include: {role: X}
  - group: B
    include:
      any:
        - role: [not, a, string]
`;
    expect(errorsOf(yaml)).toEqual(['rules.yaml: groups[1].include.any[0].role: expected a string']);
  });

  it('collects every error in one pass, in document order, with lines', () => {
    const err = caught(`version: 1
policy:
  maxRemovals: -1
groups:
  - group: A
    mode: mirror
    include:
      - title: /con(/
      - departmnt: Support
  - group: A
    include: {role: X}
    colour: red
  - group: C
    mode: additve
`);
    expect(err.message.split('\n')).toEqual([
      'rules.yaml: policy.maxRemovals: must be >= 0',
      'rules.yaml: groups[0].mode: expected one of: exact, additive, managed',
      'rules.yaml: groups[0].include[0].title: invalid regular expression /con(/: Unterminated group',
      "rules.yaml: groups[0].include[1]: unknown selector 'departmnt' (expected one of: role, division, department, title, location, skill, manager, userId, any, all, not)",
      "rules.yaml: groups[1]: unknown key 'colour' (allowed: group, mode, include, exclude, includeGroups)",
      "rules.yaml: groups[1].group: duplicate group 'A' (already defined at groups[0])",
      'rules.yaml: groups[2]: a group needs include, includeGroups or both',
      'rules.yaml: groups[2].mode: expected one of: exact, additive, managed',
    ]);
    expect(err.issues.map((issue) => issue.line)).toEqual([3, 6, 8, 9, 10, 10, 13, 14]);
    expect(err.sourceName).toBe('rules.yaml');
  });

  it.each([
    ['a missing version', 'groups: [{group: A, include: {role: X}}]', 'rules.yaml: version: required (add version: 1)'],
    [
      'an unsupported version',
      'version: 2\ngroups: [{group: A, include: {role: X}}]',
      'rules.yaml: version: unsupported rules version 2 (this build reads version 1)',
    ],
    ['no groups', 'version: 1\ngroups: []', 'rules.yaml: groups: expected at least 1 item'],
    ['a missing group name', 'version: 1\ngroups: [{include: {role: X}}]', 'rules.yaml: groups[0].group: required'],
    [
      'an empty group name',
      "version: 1\ngroups: [{group: '', include: {role: X}}]",
      'rules.yaml: groups[0].group: expected a non-empty string',
    ],
    [
      'a group with neither include nor includeGroups',
      'version: 1\ngroups: [{group: A, mode: exact}]',
      'rules.yaml: groups[0]: a group needs include, includeGroups or both',
    ],
    [
      'an unknown top-level key',
      'version: 1\ngroups: [{group: A, include: {role: X}}]\nextras: 1',
      "rules.yaml: unknown key 'extras' (allowed: version, policy, groups, scim)",
    ],
    [
      'an unknown policy key',
      'version: 1\npolicy: {maxRemoval: 3}\ngroups: [{group: A, include: {role: X}}]',
      "rules.yaml: policy: unknown key 'maxRemoval' (allowed: requireApproval, maxRemovals, maxRemovalRatio, approvalTimeout, minGroupSizeForRatio, minMembersAfter, maxGroupsLosingMembersRatio, maxTotalRemovals, maxActiveUsersDropRatio, maxIndividualMembers, approveRoleGrantingGroups, approveUnmatchedSelectorRemovals)",
    ],
    [
      'a bad approval mode',
      'version: 1\npolicy: {requireApproval: sometimes}\ngroups: [{group: A, include: {role: X}}]',
      'rules.yaml: policy.requireApproval: expected one of: always, never, auto',
    ],
    [
      'a ratio above 1',
      'version: 1\npolicy: {maxRemovalRatio: 1.5}\ngroups: [{group: A, include: {role: X}}]',
      'rules.yaml: policy.maxRemovalRatio: must be <= 1',
    ],
    [
      'a fractional maxRemovals',
      'version: 1\npolicy: {maxRemovals: 2.5}\ngroups: [{group: A, include: {role: X}}]',
      'rules.yaml: policy.maxRemovals: expected a whole number',
    ],
    [
      'a bad duration',
      'version: 1\npolicy: {approvalTimeout: 1 day}\ngroups: [{group: A, include: {role: X}}]',
      'rules.yaml: policy.approvalTimeout: invalid duration "1 day": expected a whole number followed by s, m, h or d (e.g. 90s, 15m, 24h, 7d, 1h30m)',
    ],
    [
      'a zero duration',
      'version: 1\npolicy: {approvalTimeout: 0m}\ngroups: [{group: A, include: {role: X}}]',
      'rules.yaml: policy.approvalTimeout: must be longer than zero',
    ],
    [
      'a number where a selector value belongs',
      'version: 1\ngroups: [{group: A, include: {department: 42}}]',
      'rules.yaml: groups[0].include.department: expected a string',
    ],
    [
      'two selectors in one object',
      'version: 1\ngroups: [{group: A, include: {role: X, department: Y}}]',
      "rules.yaml: groups[0].include: a selector has exactly one of role, division, department, title, location, skill, manager, userId, any, all, not; found 'role', 'department' (combine them with all: or any:)",
    ],
    [
      'minProficiency on a non-skill selector',
      'version: 1\ngroups: [{group: A, include: {role: X, minProficiency: 2}}]',
      "rules.yaml: groups[0].include: unknown key 'minProficiency' (allowed: role)",
    ],
    [
      'a negative minProficiency',
      'version: 1\ngroups: [{group: A, include: {skill: X, minProficiency: -1}}]',
      'rules.yaml: groups[0].include.minProficiency: must be >= 0',
    ],
    [
      'an empty selector',
      'version: 1\ngroups: [{group: A, include: {}}]',
      'rules.yaml: groups[0].include: empty selector (expected one of: role, division, department, title, location, skill, manager, userId, any, all, not)',
    ],
    [
      'a scalar selector',
      'version: 1\ngroups: [{group: A, include: Support}]',
      'rules.yaml: groups[0].include: expected a selector object (one of: role, division, department, title, location, skill, manager, userId, any, all, not)',
    ],
    [
      'an empty any',
      'version: 1\ngroups: [{group: A, include: {any: []}}]',
      'rules.yaml: groups[0].include.any: expected at least 1 item',
    ],
    [
      'an empty include list',
      'version: 1\ngroups: [{group: A, include: []}]',
      'rules.yaml: groups[0].include: expected at least 1 item',
    ],
    [
      'a deeply nested bad regex',
      'version: 1\ngroups: [{group: A, include: {all: [{not: {any: [{title: "/[a-/"}]}}]}}]',
      'rules.yaml: groups[0].include.all[0].not.any[0].title: invalid regular expression /[a-/: Unterminated character class',
    ],
    [
      'a stateful regex flag',
      'version: 1\ngroups: [{group: A, exclude: {title: /x/g}, include: {role: R}}]',
      "rules.yaml: groups[0].exclude.title: invalid regular expression /x/g: flag 'g' is not allowed",
    ],
    [
      'an unknown mode',
      'version: 1\ngroups: [{group: A, mode: sync, include: {role: R}}]',
      'rules.yaml: groups[0].mode: expected one of: exact, additive, managed',
    ],
    [
      'an empty includeGroups',
      'version: 1\ngroups: [{group: A, include: {role: R}, includeGroups: []}]',
      'rules.yaml: groups[0].includeGroups: expected at least 1 item',
    ],
    [
      'a non-string groupMap value',
      'version: 1\ngroups: [{group: A, include: {role: R}}]\nscim: {groupMap: {"Support Tier 1": 7}}',
      'rules.yaml: scim.groupMap["Support Tier 1"]: expected a string',
    ],
    [
      'a non-mapping document',
      '- just\n- a list',
      'rules.yaml: expected a mapping with version: 1 and groups at the top level',
    ],
    ['an empty document', '', 'rules.yaml: the rules file is empty (expected version: 1 and groups)'],
  ])('reports %s', (_label, yaml, expected) => {
    expect(errorsOf(yaml)).toContain(expected);
  });

  it('reports unknown includeGroups names at their path', () => {
    const err = caught(`version: 1
groups:
  - group: All Support
    includeGroups: [Support Tier 1, Support Tier 9]
  - group: Support Tier 1
    include: {role: A}
`);
    expect(err.message).toBe(
      "rules.yaml: groups[0].includeGroups[1]: unknown group 'Support Tier 9': includeGroups must name a group entry defined in this file",
    );
    expect(err.unknownGroups).toEqual(['Support Tier 9']);
    expect(err.issues[0]).toMatchObject({ code: 'unknown-group', group: 'Support Tier 9', line: 4 });
  });

  it('reports a nesting cycle with the names as written', () => {
    const err = caught(`version: 1
groups:
  - {group: A, includeGroups: [B]}
  - {group: B, includeGroups: [C], include: {role: X}}
  - {group: C, includeGroups: [A]}
`);
    expect(err.message).toBe('rules.yaml: nesting cycle: A → B → C → A');
    expect(err.cycle).toEqual(['A', 'B', 'C', 'A']);
    expect(err.issues[0].code).toBe('cycle');
  });

  it('reports YAML syntax errors with a position', () => {
    const err = caught('version: 1\ngroups: [\n');
    expect(err.issues[0].code).toBe('syntax');
    expect(err.message).toMatch(/^rules\.yaml: line \d+, column \d+: /);
  });

  it('rejects duplicate keys, which JSON.parse would silently accept', () => {
    const err = caught('{"version": 1, "version": 1, "groups": [{"group": "A", "include": {"role": "X"}}]}');
    expect(err.message).toBe('rules.yaml: line 1, column 16: Map keys must be unique');
  });

  it('names whatever source it is given', () => {
    expect(() => parseRules('version: 3', 'config/prod-rules.yaml')).toThrow(
      'config/prod-rules.yaml: version: unsupported rules version 3 (this build reads version 1)\nconfig/prod-rules.yaml: groups: required',
    );
  });
});

describe('parseRulesValue', () => {
  it('validates an already-decoded value', () => {
    const doc = parseRulesValue({ version: 1, groups: [{ group: 'A', include: { role: 'X' } }] }, 'request body');
    expect(doc.groups[0].include).toEqual({ kind: 'role', match: exact('X') });
  });

  it('throws RulesValidationError naming the source', () => {
    expect(() => parseRulesValue({ version: 1, groups: [{ group: 'A' }] }, 'request body')).toThrow(
      new RulesValidationError('request body', [
        { code: 'schema', path: 'groups[0]', message: 'a group needs include, includeGroups or both' },
      ]),
    );
  });

  it('re-validates its own output (a parsed document is not accepted as input)', () => {
    const doc = rules('version: 1\ngroups: [{group: A, include: {role: X}}]');
    expect(() => parseRulesValue(doc, 'x')).toThrow(/groups\[0\]\.include: unknown selector 'kind', 'match'/);
  });
});
