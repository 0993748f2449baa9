import { rulesNeedExpand as fromSchema } from '../../../src/core/rules-schema';
import { rulesNeedExpand } from '../../../src/core/rules-expand';
import { rules } from './helpers';

const doc = (groups: string) => rules(`version: 1\ngroups:\n${groups}`);

describe('rulesNeedExpand', () => {
  it('needs nothing for top-level attributes', () => {
    expect(
      rulesNeedExpand(
        doc('  - {group: A, include: {all: [{department: D}, {title: T}, {division: V}, {manager: M}, {userId: U}]}}'),
      ),
    ).toEqual([]);
  });

  it('needs authorization for roles, skills for skills, locations for locations', () => {
    expect(rulesNeedExpand(doc('  - {group: A, include: {role: R}}'))).toEqual(['authorization']);
    expect(rulesNeedExpand(doc('  - {group: A, include: {skill: S}}'))).toEqual(['skills']);
    expect(rulesNeedExpand(doc('  - {group: A, include: {location: L}}'))).toEqual(['locations']);
  });

  it('looks inside compositions and excludes, and returns sorted unique values', () => {
    const d = doc(`  - group: A
    include: {any: [{not: {skill: S}}, {all: [{role: R}]}]}
    exclude: [{location: L}, {role: R2}]`);
    expect(rulesNeedExpand(d)).toEqual(['authorization', 'locations', 'skills']);
  });

  it('is re-exported from rules-schema', () => {
    expect(fromSchema).toBe(rulesNeedExpand);
  });
});
