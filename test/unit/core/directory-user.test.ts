import type { Models } from 'purecloud-platform-client-v2';
import { fromGenesysUser, type GenesysApiUser } from '../../../src/core/directory-user';

describe('fromGenesysUser', () => {
  it('maps every attribute the rules use', () => {
    expect(
      fromGenesysUser({
        id: 'u1',
        name: 'Ada Lovelace',
        state: 'active',
        division: { id: 'd1', name: 'EMEA' },
        department: 'Support',
        title: 'Senior Agent',
        manager: { id: 'm1' },
        authorization: { roles: [{ id: 'r1', name: 'Support Agent' }] },
        skills: [{ id: 's1', name: 'Spanish', proficiency: 4, state: 'active' }],
        locations: [{ id: 'l1', locationDefinition: { id: 'l1', name: 'Dublin' } }],
      }),
    ).toEqual({
      id: 'u1',
      name: 'Ada Lovelace',
      state: 'active',
      divisionId: 'd1',
      divisionName: 'EMEA',
      department: 'Support',
      title: 'Senior Agent',
      managerId: 'm1',
      roles: [{ id: 'r1', name: 'Support Agent' }],
      skills: [{ id: 's1', name: 'Spanish', proficiency: 4 }],
      locations: [{ id: 'l1', name: 'Dublin' }],
    });
  });

  it('omits absent optional fields instead of setting them to undefined', () => {
    const user = fromGenesysUser({ id: 'u2', name: 'Bo', state: 'inactive', department: '', manager: null });
    expect(user).toEqual({ id: 'u2', name: 'Bo', state: 'inactive', roles: [], skills: [], locations: [] });
    expect(Object.keys(user)).not.toContain('department');
    expect(Object.keys(user)).not.toContain('managerId');
  });

  it('defaults a missing state to unknown (never active)', () => {
    expect(fromGenesysUser({ id: 'u3' }).state).toBe('unknown');
  });

  it('drops deactivated skills and entries without ids; defaults proficiency and names', () => {
    const user = fromGenesysUser({
      id: 'u4',
      authorization: { roles: [{ name: 'no id' }, { id: 'r2' }] },
      skills: [
        { id: 's1', name: 'Old', proficiency: 5, state: 'inactive' },
        { id: 's2', name: 'Gone', proficiency: 5, state: 'deleted' },
        { id: 's3', name: 'NoProficiency' },
        { name: 'NoId', proficiency: 1 },
      ],
      locations: [{ locationDefinition: { id: 'l9', name: 'Remote' } }, { locationDefinition: { name: 'no id' } }],
    });
    expect(user.roles).toEqual([{ id: 'r2', name: '' }]);
    expect(user.skills).toEqual([{ id: 's3', name: 'NoProficiency', proficiency: 0 }]);
    expect(user.locations).toEqual([{ id: 'l9', name: 'Remote' }]);
  });

  it('throws for a user without an id', () => {
    expect(() => fromGenesysUser({ name: 'Ghost' })).toThrow('Genesys user without an id (name: "Ghost")');
  });

  it('accepts the SDK User model', () => {
    const sdkUser: Models.User = {
      id: 'u5',
      name: 'SDK',
      version: 3,
      state: 'active',
      authorization: { roles: [{ id: 'r', name: 'R' }] },
    };
    const input: GenesysApiUser = sdkUser;
    expect(fromGenesysUser(input).roles).toEqual([{ id: 'r', name: 'R' }]);
  });
});
