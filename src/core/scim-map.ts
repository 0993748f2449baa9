/** Which IdP group a Genesys group's SCIM notification goes to. */
import type { ScimSettings } from './rules-schema';

/**
 * The IdP group id for a Genesys group: `scim.groupMap` looked up by the Genesys id, then by the key as
 * written in the rules, then by the group name; the Genesys id itself when the group is not mapped.
 */
export function idpGroupIdFor(
  scim: Pick<ScimSettings, 'groupMap'>,
  group: { groupId: string; groupName: string; key?: string },
): string {
  const map = scim.groupMap;
  for (const candidate of [group.groupId, group.key, group.groupName]) {
    if (candidate !== undefined && Object.hasOwn(map, candidate)) return map[candidate];
  }
  return group.groupId;
}
