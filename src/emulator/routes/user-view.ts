/**
 * The user view every `/api/v2` read uses: `expand`, the group-roles switch, and the best-effort expand fault
 * (Genesys documents expand values as "resolved with a best effort approach and not guaranteed to be returned");
 * and which users the caller may see at all (users reads are division-filtered by `directory:user:view`).
 */
import type { UserRecord } from '../model';
import { type Expand, userView } from '../serialize';
import type { ApiRequest } from './types';

/** A function that renders one user as this request asks, after the `expandDrop` fault has had its say. */
export function userViewer(r: ApiRequest, expand: Expand): (u: UserRecord) => Record<string, unknown> {
  const { state } = r;
  const dir = state.directory;
  const groupRoles = state.options.groupRolesInUserAuthorization;
  const faults = state.faults;
  if (!faults.expandDropActive) return (u) => userView(u, expand, dir, groupRoles);
  return (u) => {
    const view = userView(u, expand, dir, groupRoles);
    for (const field of faults.takeExpandDrop(Object.keys(expand).filter((k) => expand[k as keyof Expand]))) {
      delete view[field];
    }
    return view;
  };
}

/**
 * Whether the API's clients may view users of every division (`userViewDivisions` empty), and otherwise which users
 * they may: those whose division (name or id) is listed. Reference §2.1: "Results are still division-filtered".
 */
export function userVisibility(r: ApiRequest): { all: boolean; visible: (u: UserRecord) => boolean } {
  const divisions = r.state.options.userViewDivisions;
  if (divisions.length === 0) return { all: true, visible: () => true };
  const allowed = new Set(divisions);
  return { all: false, visible: (u) => allowed.has(u.division.name) || allowed.has(u.division.id) };
}
