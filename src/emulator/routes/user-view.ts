/**
 * The user view every `/api/v2` read uses: `expand`, the group-roles switch, and the best-effort expand fault
 * (Genesys documents expand values as "resolved with a best effort approach and not guaranteed to be returned").
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
