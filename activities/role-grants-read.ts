/** Reading the role grants of the groups a plan changes, for the gate's `approveRoleGrantingGroups` failsafe. */
import { heartbeat } from '@temporalio/activity';
import type { GroupPlan } from '../src/core/diff';
import type { GrantsByGroupId, RoleGrant } from '../src/core/role-grants';
import type { ActivityDeps } from './deps';
import { toDirectoryFailure } from './failures';
import type { ResolvedTarget } from './types';

/**
 * Role grants of the groups this plan changes (only those: a group that does not change grants nobody anything
 * new, and only where the listing does not already say roles are off for the group). `undefined` when the directory
 * cannot read grants: the role check then reports itself not checked. `groupPlans[i]` is the plan of `targets[i]`.
 */
export async function roleGrantsOfChanged(
  deps: Pick<ActivityDeps, 'directory'>,
  groupPlans: readonly GroupPlan[],
  targets: readonly ResolvedTarget[],
): Promise<GrantsByGroupId | undefined> {
  const read = deps.directory.getRoleGrants?.bind(deps.directory);
  if (!read) return undefined;
  const grants: Record<string, RoleGrant[]> = {};
  for (const [index, group] of groupPlans.entries()) {
    if (group.toAdd.length + group.toRemove.length === 0) continue;
    // The listing says roles are off for this group: it grants nothing, no read needed (unknown → read).
    if (targets[index].rolesEnabled === false) {
      grants[group.groupId] = [];
      continue;
    }
    try {
      grants[group.groupId] = await read(group.groupId);
    } catch (err) {
      throw toDirectoryFailure(err, `reading the role grants of group ${group.groupName}`);
    }
    heartbeat({ phase: 'role grants' });
  }
  return grants;
}
