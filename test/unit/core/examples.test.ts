import { join } from 'node:path';
import { loadRulesFile } from '../../../src/config/rules-file';
import { rulesNeedExpand, type Selector } from '../../../src/core/rules-schema';

const examples = join(__dirname, '..', '..', '..', 'examples');

function kinds(selector: Selector | undefined, into: Set<string>): Set<string> {
  if (selector === undefined) return into;
  into.add(selector.kind);
  if (selector.kind === 'any' || selector.kind === 'all') selector.of.forEach((s) => kinds(s, into));
  if (selector.kind === 'not') kinds(selector.of, into);
  return into;
}

describe('examples/', () => {
  it('minimal.yaml parses with default policy', () => {
    const doc = loadRulesFile(join(examples, 'minimal.yaml'));
    expect(doc.groups).toHaveLength(1);
    expect(doc.policy.requireApproval).toBe('auto');
  });

  it('rules.yaml parses and uses every selector, mode and feature', () => {
    const doc = loadRulesFile(join(examples, 'rules.yaml'));
    const used = new Set<string>();
    for (const group of doc.groups) {
      kinds(group.include, used);
      kinds(group.exclude, used);
    }
    expect([...used].sort()).toEqual(
      ['all', 'any', 'department', 'division', 'location', 'manager', 'not', 'role', 'skill', 'title', 'userId'].sort(),
    );
    expect(new Set(doc.groups.map((g) => g.mode))).toEqual(new Set(['exact', 'additive', 'managed']));
    expect(doc.groups.some((g) => g.includeGroups.length > 0)).toBe(true);
    expect(doc.groups.some((g) => g.exclude !== undefined)).toBe(true);
    expect(JSON.stringify(doc)).toContain('"kind":"regex"');
    expect(JSON.stringify(doc)).toContain('"minProficiency"');
    expect(Object.keys(doc.scim.groupMap).length).toBeGreaterThan(0);
    expect(rulesNeedExpand(doc)).toEqual(['authorization', 'locations', 'skills']);
  });
});
