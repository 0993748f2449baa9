import { DEFAULT_FAILSAFE_SETTINGS, resolveFailsafeSettings } from '../../../src/core/policy-schema';
import { errorsOf, rules } from './helpers';

const withPolicy = (policy: string) => `version: 1\npolicy: ${policy}\ngroups: [{group: A, include: {role: X}}]`;

describe('policy schema: failsafe fields', () => {
  it('leaves unwritten failsafe fields out of the parsed policy, and resolves them to the documented defaults', () => {
    const doc = rules(withPolicy('{requireApproval: never}'));
    expect(doc.policy).toEqual({
      requireApproval: 'never',
      maxRemovals: 100,
      maxRemovalRatio: 0.2,
      approvalTimeout: '24h',
    });
    expect(resolveFailsafeSettings(doc.policy)).toEqual({
      minGroupSizeForRatio: 0,
      minMembersAfter: 'off',
      maxGroupsLosingMembersRatio: 'off',
      maxTotalRemovals: 'off',
      maxActiveUsersDropRatio: 0.1,
      maxIndividualMembers: 1000,
      approveRoleGrantingGroups: true,
      approveUnmatchedSelectorRemovals: true,
    });
    expect(resolveFailsafeSettings({})).toEqual(DEFAULT_FAILSAFE_SETTINGS);
  });

  it('reads every field, numbers and off', () => {
    const doc = rules(
      withPolicy(
        '{minGroupSizeForRatio: 25, minMembersAfter: 1, maxGroupsLosingMembersRatio: 0.5, maxTotalRemovals: off, ' +
          'maxActiveUsersDropRatio: off, maxIndividualMembers: 800, approveRoleGrantingGroups: false, ' +
          'approveUnmatchedSelectorRemovals: false}',
      ),
    );
    expect(resolveFailsafeSettings(doc.policy)).toEqual({
      minGroupSizeForRatio: 25,
      minMembersAfter: 1,
      maxGroupsLosingMembersRatio: 0.5,
      maxTotalRemovals: 'off',
      maxActiveUsersDropRatio: 'off',
      maxIndividualMembers: 800,
      approveRoleGrantingGroups: false,
      approveUnmatchedSelectorRemovals: false,
    });
  });

  it('accepts the bounds themselves', () => {
    const doc = rules(
      withPolicy(
        '{minGroupSizeForRatio: 0, minMembersAfter: 0, maxGroupsLosingMembersRatio: 1, maxTotalRemovals: 0, ' +
          'maxActiveUsersDropRatio: 0, maxIndividualMembers: 1}',
      ),
    );
    expect(doc.policy).toMatchObject({
      maxGroupsLosingMembersRatio: 1,
      maxActiveUsersDropRatio: 0,
      maxIndividualMembers: 1,
    });
  });

  it.each([
    ['minGroupSizeForRatio: -1', 'policy.minGroupSizeForRatio: must be >= 0'],
    ['minGroupSizeForRatio: 2.5', 'policy.minGroupSizeForRatio: expected a whole number'],
    ['minGroupSizeForRatio: off', 'policy.minGroupSizeForRatio: expected a number'],
    ['minMembersAfter: -1', 'policy.minMembersAfter: must be >= 0 (or off)'],
    ['minMembersAfter: 1.5', 'policy.minMembersAfter: expected a whole number or off'],
    ['minMembersAfter: none', 'policy.minMembersAfter: expected a whole number or off'],
    ['maxGroupsLosingMembersRatio: 1.5', 'policy.maxGroupsLosingMembersRatio: must be <= 1 (or off)'],
    ['maxGroupsLosingMembersRatio: -0.1', 'policy.maxGroupsLosingMembersRatio: must be >= 0 (or off)'],
    ['maxGroupsLosingMembersRatio: "50%"', 'policy.maxGroupsLosingMembersRatio: expected a number or off'],
    ['maxTotalRemovals: .inf', 'policy.maxTotalRemovals: expected a finite number or off'],
    ['maxActiveUsersDropRatio: 10', 'policy.maxActiveUsersDropRatio: must be <= 1 (or off)'],
    ['maxActiveUsersDropRatio: Off', 'policy.maxActiveUsersDropRatio: expected a number or off'],
    ['maxIndividualMembers: 0', 'policy.maxIndividualMembers: must be >= 1 (or off)'],
    ['approveRoleGrantingGroups: off', 'policy.approveRoleGrantingGroups: expected true or false'],
  ])('rejects %s', (field, message) => {
    expect(errorsOf(withPolicy(`{${field}}`))).toEqual([`rules.yaml: ${message}`]);
  });

  it('reports every bad field in one pass', () => {
    expect(errorsOf(withPolicy('{minMembersAfter: -1, maxIndividualMembers: 0}'))).toEqual([
      'rules.yaml: policy.minMembersAfter: must be >= 0 (or off)',
      'rules.yaml: policy.maxIndividualMembers: must be >= 1 (or off)',
    ]);
  });
});
