/**
 * Directory snapshot activities. Pages and groups are stored one blob each under deterministic keys and the
 * cursor is heartbeated, so a retried or crashed attempt resumes where the last one stopped instead of
 * re-reading (and re-spending rate budget on) the whole org.
 */
import { activityInfo, heartbeat } from '@temporalio/activity';
import { fromGenesysUser, type DirectoryUser, type GenesysApiUser } from '../src/core/directory-user';
import { blobKeys, type ActivityDeps } from './deps';
import { toDirectoryFailure } from './failures';
import type { ReadGroupsInput, ReadGroupsResult, SnapshotUsersInput, SnapshotUsersResult } from './types';

/** Stored form of one group's observed state. */
export interface ObservedGroup {
  id: string;
  name: string;
  version: number;
  individuals: string[];
}

/** Manifest of a users snapshot: the blob key of each page, in order. */
export interface UsersManifest {
  pages: string[];
  count: number;
}

/** Manifest of the observed groups: group id → blob key of its {@link ObservedGroup}. */
export interface GroupsManifest {
  groups: Record<string, string>;
}

interface UsersCursor {
  nextPage: number;
  count: number;
}

export function makeSnapshotActivities(deps: ActivityDeps) {
  const pageSize = deps.usersPageSize ?? 500;

  async function snapshotUsers({ ctx, expand }: SnapshotUsersInput): Promise<SnapshotUsersResult> {
    // The cursor is two numbers: page blobs have deterministic keys, so it stays tiny for any org size.
    const resumed = activityInfo().heartbeatDetails as UsersCursor | undefined;
    const cursor: UsersCursor = resumed?.nextPage ? resumed : { nextPage: 1, count: 0 };
    for (;;) {
      let page;
      try {
        page = await deps.directory.listUsersPage(cursor.nextPage, pageSize, expand);
      } catch (err) {
        throw toDirectoryFailure(err, `listing users page ${cursor.nextPage}`);
      }
      const users = await completeExpansions(page.users, expand);
      await deps.blobs.put(blobKeys.usersPage(ctx, cursor.nextPage), users);
      cursor.count += users.length;
      const last = !page.nextUri || page.pageNumber >= page.pageCount || page.users.length === 0;
      cursor.nextPage += 1;
      heartbeat(cursor);
      if (last) break;
    }
    const pages = Array.from({ length: cursor.nextPage - 1 }, (_, i) => blobKeys.usersPage(ctx, i + 1));
    const manifest: UsersManifest = { pages, count: cursor.count };
    const stored = await deps.blobs.put(blobKeys.usersManifest(ctx), manifest);
    return { usersRef: stored.ref, count: cursor.count, pages: pages.length };
  }

  /**
   * Genesys resolves `expand` "best effort": a user returned without `authorization` would look role-less and
   * an `exact` group would drop them. Such users are fetched again by id; if still incomplete, the attempt fails
   * (retryable) rather than plan removals from missing data.
   */
  async function completeExpansions(apiUsers: GenesysApiUser[], expand: readonly string[]): Promise<DirectoryUser[]> {
    const incomplete = (u: GenesysApiUser) => missingExpansions(u, expand).length > 0;
    let users = apiUsers;
    const missing = users.filter(incomplete).map((u) => u.id as string);
    if (missing.length) {
      let refetched: GenesysApiUser[];
      try {
        refetched = await deps.directory.getUsersByIds(missing, expand);
      } catch (err) {
        throw toDirectoryFailure(err, 're-reading users with incomplete expansions');
      }
      const byId = new Map(refetched.map((u) => [u.id, u]));
      users = users.map((u) => byId.get(u.id) ?? u);
      const still = users.filter(incomplete);
      if (still.length) {
        throw new Error(
          `${still.length} user(s) came back without ${expand.join(',')} (e.g. ${still[0].id}); not planning from incomplete data`,
        );
      }
    }
    return users.map(fromGenesysUser);
  }

  async function readGroups({ ctx, groupIds }: ReadGroupsInput): Promise<ReadGroupsResult> {
    // The heartbeat carries only how many groups are stored: their keys are deterministic, so the cursor stays a
    // few bytes whatever the number of target groups.
    const resumed = activityInfo().heartbeatDetails as { next?: number } | undefined;
    for (let index = resumed?.next ?? 0; index < groupIds.length; index++) {
      const groupId = groupIds[index];
      let observed: ObservedGroup;
      try {
        const group = await deps.directory.getGroup(groupId);
        const individuals = await deps.directory.getIndividuals(groupId);
        observed = { id: group.id, name: group.name, version: group.version, individuals: [...individuals].sort() };
      } catch (err) {
        throw toDirectoryFailure(err, `reading group ${groupId}`);
      }
      await deps.blobs.put(blobKeys.group(ctx, groupId), observed);
      heartbeat({ next: index + 1 });
    }
    const manifest: GroupsManifest = {
      groups: Object.fromEntries(groupIds.map((id) => [id, blobKeys.group(ctx, id)])),
    };
    const stored = await deps.blobs.put(blobKeys.groupsManifest(ctx), manifest);
    return { groupsRef: stored.ref, count: groupIds.length };
  }

  return { snapshotUsers, readGroups };
}

function missingExpansions(user: GenesysApiUser, expand: readonly string[]): string[] {
  const u = user as Record<string, unknown>;
  return expand.filter((field) => u[field] === undefined);
}
