import { compileSelector, desiredMembers, matches } from '../../../src/core/evaluate';
import type { Selector } from '../../../src/core/rules-schema';
import { rules, user } from './helpers';

/** The first group's include selector of a one-group rules file. */
function sel(yaml: string): Selector {
  return rules(`version: 1\ngroups:\n  - group: G\n    include: ${yaml}\n`).groups[0].include!;
}

const ada = user('u-ada', {
  divisionId: 'div-emea',
  divisionName: 'EMEA',
  department: 'Support',
  title: 'Senior Contractor',
  managerId: 'u-boss',
  roles: [{ id: 'role-agent', name: 'Support Agent' }],
  skills: [{ id: 'skill-es', name: 'Spanish', proficiency: 3 }],
  locations: [{ id: 'loc-dub', name: 'Dublin' }],
});
const bare = user('u-bare');

describe('matches: attribute selectors', () => {
  it.each([
    ['{role: Support Agent}', true],
    ['{role: role-agent}', true],
    ['{role: support agent}', false],
    ['{role: Support}', false],
    ['{role: /^support/i}', true],
    ['{division: EMEA}', true],
    ['{division: div-emea}', true],
    ['{division: APAC}', false],
    ['{department: Support}', true],
    ['{department: Sales}', false],
    ['{title: Senior Contractor}', true],
    ['{title: /contractor/i}', true],
    ['{title: /contractor/}', false],
    ['{location: Dublin}', true],
    ['{location: loc-dub}', true],
    ['{location: London}', false],
    ['{skill: Spanish}', true],
    ['{skill: skill-es}', true],
    ['{skill: Spanish, minProficiency: 3}', true],
    ['{skill: Spanish, minProficiency: 4}', false],
    ['{skill: French}', false],
    ['{manager: u-boss}', true],
    ['{manager: u-other}', false],
    ['{userId: u-ada}', true],
    ['{userId: /^u-a/}', true],
    ['{userId: u-bob}', false],
  ])('%s → %s', (selector, expected) => {
    expect(matches(sel(selector), ada)).toBe(expected);
  });

  it('never matches an attribute the user does not have, even with a match-all regex', () => {
    for (const selector of [
      '{department: /.*/}',
      '{title: /^$/}',
      '{division: /.*/}',
      '{manager: /.*/}',
      '{role: /.*/}',
      '{skill: /.*/}',
      '{location: /.*/}',
    ]) {
      expect(matches(sel(selector), bare)).toBe(false);
    }
  });
});

describe('matches: composition', () => {
  it('any/all/not combine as expected', () => {
    expect(matches(sel('{any: [{department: Sales}, {department: Support}]}'), ada)).toBe(true);
    expect(matches(sel('{any: [{department: Sales}, {department: Billing}]}'), ada)).toBe(false);
    expect(matches(sel('{all: [{department: Support}, {role: Support Agent}]}'), ada)).toBe(true);
    expect(matches(sel('{all: [{department: Support}, {role: Admin}]}'), ada)).toBe(false);
    expect(matches(sel('{not: {department: Sales}}'), ada)).toBe(true);
    expect(matches(sel('{not: {department: Support}}'), ada)).toBe(false);
  });

  it('not matches users lacking the attribute', () => {
    expect(matches(sel('{not: {department: Support}}'), bare)).toBe(true);
  });

  it('evaluates deep nesting', () => {
    const deep = sel(`
      all:
        - any: [{role: Admin}, {all: [{division: EMEA}, {not: {title: /intern/i}}]}]
        - not: {any: [{location: London}, {skill: French}]}`);
    expect(matches(deep, ada)).toBe(true);
    expect(matches(deep, { ...ada, locations: [{ id: 'l', name: 'London' }] })).toBe(false);
    expect(matches(deep, { ...ada, title: 'Intern' })).toBe(false);
    expect(matches(deep, { ...ada, divisionName: 'APAC', divisionId: 'x' })).toBe(false);
    expect(matches(deep, { ...ada, divisionName: 'APAC', divisionId: 'x', roles: [{ id: 'a', name: 'Admin' }] })).toBe(
      true,
    );
  });

  it('compileSelector gives the same answers as matches', () => {
    const selector = sel('{any: [{title: /contractor/i}, {userId: u-bare}]}');
    const predicate = compileSelector(selector);
    for (const u of [ada, bare, user('u-x')]) expect(predicate(u)).toBe(matches(selector, u));
  });
});

describe('desiredMembers', () => {
  const doc = rules(`
version: 1
groups:
  - group: Support
    include: {department: Support}
    exclude: [{title: /contractor/i}]
  - group: Nested only
    includeGroups: [Support]
`);
  const users = [
    user('u3', { department: 'Support' }),
    user('u1', { department: 'Support', title: 'Agent' }),
    user('u2', { department: 'Support', title: 'Contractor' }),
    user('u4', { department: 'Support', state: 'inactive' }),
    user('u5', { department: 'Support', state: 'deleted' }),
    user('u6', { department: 'Sales' }),
    user('u1', { department: 'Support', title: 'Agent' }),
    user('u10', { department: 'Support' }),
  ];

  it('returns active users matching include minus exclude, sorted and unique', () => {
    expect(desiredMembers(doc.groups[0], users)).toEqual(['u1', 'u10', 'u3']);
  });

  it('selects nobody for a rule without include (nesting is resolved elsewhere)', () => {
    expect(desiredMembers(doc.groups[1], users)).toEqual([]);
  });

  it('returns an empty list when nobody matches', () => {
    expect(desiredMembers(doc.groups[0], [user('x', { department: 'HR' })])).toEqual([]);
  });
});
