import { resolveGroupRefs } from '../../../src/core/group-refs';
import { idpGroupIdFor } from '../../../src/core/scim-map';

const groups = [
  { id: 'g-1', name: 'Support Tier 1' },
  { id: 'g-2', name: 'Support Tier 2' },
  { id: 'g-3', name: 'Twins' },
  { id: 'g-4', name: 'Twins' },
  { id: 'Support Tier 2', name: 'A group whose id looks like a name' },
];

describe('resolveGroupRefs', () => {
  it('resolves by exact id first, then exact name', () => {
    expect(resolveGroupRefs(['g-1', 'Support Tier 2'], groups.slice(0, 2))).toEqual({
      resolved: [
        { key: 'g-1', groupId: 'g-1', groupName: 'Support Tier 1' },
        { key: 'Support Tier 2', groupId: 'g-2', groupName: 'Support Tier 2' },
      ],
      errors: [],
    });
    expect(resolveGroupRefs(['Support Tier 2'], groups).resolved[0].groupId).toBe('Support Tier 2');
  });

  it('matches names case-sensitively and reports missing groups', () => {
    expect(resolveGroupRefs(['support tier 1'], groups).errors).toEqual([
      "group 'support tier 1' not found (no group has this id or exact name)",
    ]);
  });

  it('refuses ambiguous names', () => {
    expect(resolveGroupRefs(['Twins'], groups).errors).toEqual([
      "group name 'Twins' matches 2 groups (g-3, g-4); use the group id",
    ]);
    expect(resolveGroupRefs(['g-3'], groups).resolved).toEqual([{ key: 'g-3', groupId: 'g-3', groupName: 'Twins' }]);
  });

  it('refuses two keys that resolve to the same group', () => {
    expect(resolveGroupRefs(['Support Tier 1', 'g-1'], groups)).toEqual({
      resolved: [{ key: 'Support Tier 1', groupId: 'g-1', groupName: 'Support Tier 1' }],
      errors: ["'Support Tier 1' and 'g-1' both resolve to group g-1 ('Support Tier 1'); list it once"],
    });
  });
});

describe('idpGroupIdFor', () => {
  const scim = { groupMap: { 'g-1': 'idp-by-id', 'Support Tier 2': 'idp-by-name', 'Tier3 key': 'idp-by-key' } };

  it('looks up by id, then the key as written, then the name', () => {
    expect(idpGroupIdFor(scim, { groupId: 'g-1', groupName: 'Support Tier 2' })).toBe('idp-by-id');
    expect(idpGroupIdFor(scim, { groupId: 'g-3', groupName: 'Tier 3', key: 'Tier3 key' })).toBe('idp-by-key');
    expect(idpGroupIdFor(scim, { groupId: 'g-2', groupName: 'Support Tier 2' })).toBe('idp-by-name');
  });

  it('defaults to the Genesys id, ignoring inherited properties', () => {
    expect(idpGroupIdFor(scim, { groupId: 'g-9', groupName: 'toString' })).toBe('g-9');
  });
});
