/** `GET /api/v2/authorization/subjects/{subjectId}`: role grants of a group (or a user) as a subject. */
import type { ApiRequest, Reply } from './types';

/** `{id, name, grants: [{subjectId, division: {id, name}, role: {id, name}}], version, selfUri}`; 404 if unknown. */
export function getAuthorizationSubject(r: ApiRequest): Reply {
  return { status: 200, body: r.state.authorizationSubject(r.params[0]) };
}
