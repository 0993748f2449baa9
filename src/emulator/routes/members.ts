/**
 * Member writes: `POST /api/v2/groups/{id}/members` (`{memberIds, version}`) and
 * `DELETE /api/v2/groups/{id}/members?ids=`. Both accept at most 50 ids, answer 202, and bump the group version
 * when membership changes.
 */
import { badRequest, errorForStatus, invalidValue, versionConflict } from '../errors';
import { API_MAX_BODY_BYTES, readJson } from '../http/body';
import { queryList } from '../http/query';
import type { GroupRecord } from '../model';
import { groupParam } from './groups';
import type { ApiRequest, Reply } from './types';

/** Genesys' documented cap on ids per member write. */
export const MAX_MEMBERS_PER_REQUEST = 50;

function written(r: ApiRequest): Reply {
  return { status: 202, body: r.state.options.writeResponseBody === 'object' ? {} : undefined };
}

/** Group of the write, after the injected per-group status (e.g. 403) has had its say. */
function writableGroup(r: ApiRequest): GroupRecord {
  const group = groupParam(r);
  r.write = { groupId: group.id, userIds: [] };
  const forced = r.state.faults.statusForGroup(group.id);
  if (forced !== undefined) throw errorForStatus(forced);
  return group;
}

function checkCount(ids: readonly string[], field: string): void {
  if (ids.length === 0) throw badRequest(`${field} must name at least one user.`, field);
  if (ids.length > MAX_MEMBERS_PER_REQUEST) {
    throw badRequest(`A maximum of ${MAX_MEMBERS_PER_REQUEST} members are allowed per request.`, field);
  }
}

function parseAddBody(body: unknown): { memberIds: string[]; version: number | undefined } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a JSON object with memberIds and version.');
  }
  const { memberIds, version } = body as { memberIds?: unknown; version?: unknown };
  if (!Array.isArray(memberIds) || memberIds.some((id) => typeof id !== 'string' || id === '')) {
    throw badRequest('memberIds must be an array of user ids.', 'memberIds');
  }
  if (version !== undefined && version !== null && !Number.isInteger(version)) {
    throw badRequest('version must be an integer.', 'version');
  }
  return { memberIds: [...new Set(memberIds as string[])], version: (version ?? undefined) as number | undefined };
}

/** `POST /api/v2/groups/{id}/members`. */
export async function addMembers(r: ApiRequest): Promise<Reply> {
  const group = writableGroup(r);
  const { memberIds, version } = parseAddBody(await readJson(r.req, API_MAX_BODY_BYTES));
  r.write = { groupId: group.id, userIds: memberIds, versionBefore: group.version };
  checkCount(memberIds, 'memberIds');
  if (version === undefined && r.state.options.missingVersion === 'reject') {
    throw badRequest('version is required: send the current group version.', 'version');
  }
  const unknown = r.state.directory.unknownUserIds(memberIds);
  if (unknown.length > 0) {
    throw invalidValue(`Invalid user id(s): ${unknown.slice(0, 5).join(', ')}`, 'memberIds', unknown[0]);
  }
  // An edit queued with `concurrentEdit.onNextWrite` lands between the client's read and this write.
  r.state.runPendingEdits(group);
  r.write.versionBefore = group.version;
  if (version !== undefined && version !== group.version) throw versionConflict();
  const change = r.state.directory.addMembers(group, memberIds, r.state.now(), r.state.options.noopWritesBumpVersion);
  r.write.versionAfter = change.versionAfter;
  return written(r);
}

/** `DELETE /api/v2/groups/{id}/members?ids=a,b`. */
export function removeMembers(r: ApiRequest): Reply {
  const group = writableGroup(r);
  const ids = [...new Set(queryList(r.query, 'ids'))];
  r.write = { groupId: group.id, userIds: ids, versionBefore: group.version };
  if (!r.query.has('ids')) throw badRequest('The ids query parameter is required.', 'ids');
  checkCount(ids, 'ids');
  // DELETE carries no version; a concurrent edit that lands first is reported as a conflict, as CX as Code
  // expects (it retries DELETE on 409 too).
  if (r.state.runPendingEdits(group)) {
    r.write.versionBefore = group.version;
    throw versionConflict();
  }
  if (r.state.options.ruleMemberDelete === 'reject') {
    const native = ids.filter((id) => r.state.directory.isNativeOnlyMember(group, id));
    if (native.length > 0) {
      // UNCONFIRMED in Genesys: whether removing a rule-added member is refused or silently ignored.
      throw badRequest(
        `Members added by a membership rule or as owners cannot be removed individually: ${native.slice(0, 5).join(', ')}`,
        'ids',
      );
    }
  }
  const change = r.state.directory.removeMembers(group, ids, r.state.now(), r.state.options.noopWritesBumpVersion);
  r.write.versionAfter = change.versionAfter;
  return written(r);
}
