/**
 * Test-control API under `/__emulator/` (no bearer auth; loopback clients only unless `allowRemoteControl`).
 * Errors use the ErrorBody shape so one client helper can read them all.
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import {
  clientSpecSchema,
  faultSpecSchema,
  grantsSpecSchema,
  groupFixtureSchema,
  nativeMembershipSchema,
  runtimeConfigSchema,
  resetSpecSchema,
  revokeSpecSchema,
  rotateSpecSchema,
  userFixturesSchema,
} from '../control-schemas';
import { badRequest, notAuthorized, notFound } from '../errors';
import { readJson } from '../http/body';
import { type Query, queryValue } from '../http/query';
import type { GroupRecord } from '../model';
import { groupView, userView } from '../serialize';
import type { EmulatorState } from '../state';

/** Fixture batches can be large; still bounded so a runaway test cannot exhaust memory. */
const CONTROL_MAX_BODY_BYTES = 64 * 1024 * 1024;

const FULL_EXPAND = { authorization: true, groups: true, skills: true, locations: true };

/** Status and JSON body (undefined = empty) of a control answer. */
export interface ControlReply {
  status: number;
  body?: unknown;
}

/** True for a loopback peer address (IPv4, IPv6 or IPv4-mapped); the control API serves only those by default. */
export function isLoopback(address: string | undefined): boolean {
  return (
    address !== undefined && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'))
  );
}

async function parse<T>(req: IncomingMessage, schema: z.ZodType<T>, emptyOk: boolean): Promise<T> {
  const body = await readJson(req, CONTROL_MAX_BODY_BYTES);
  const result = schema.safeParse(body === undefined && emptyOk ? {} : body);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw badRequest(`Invalid control request: ${issues}`);
  }
  return result.data;
}

function groupWithMembers(group: GroupRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...groupView(group), members: [...group.members] };
  if (group.ruleMembers) out.ruleMembers = [...group.ruleMembers];
  return out;
}

/**
 * `POST /__emulator/groups/{id}/native`, `POST /__emulator/groups/{id}/grants` and `DELETE /__emulator/users/{id}`
 * (an admin deleting a user).
 */
async function handleEntityControl(
  state: EmulatorState,
  req: IncomingMessage,
  method: string,
  kind: string,
  id: string,
  action: string | undefined,
): Promise<ControlReply> {
  if (kind === 'users' && action === undefined && method === 'DELETE') {
    state.deleteUser(id);
    return { status: 204 };
  }
  if (kind === 'groups' && action === 'native' && method === 'POST') {
    const group = state.setNativeMembership(id, await parse(req, nativeMembershipSchema, false));
    return { status: 200, body: groupWithMembers(group) };
  }
  if (kind === 'groups' && action === 'grants' && method === 'POST') {
    state.setGroupGrants(id, await parse(req, grantsSpecSchema, false));
    return { status: 200, body: state.authorizationSubject(id) };
  }
  throw notFound();
}

/** Handles one control request; throws ApiError for refusals. */
export async function handleControl(
  state: EmulatorState,
  req: IncomingMessage,
  method: string,
  path: string,
  query: Query,
): Promise<ControlReply> {
  if (!state.options.allowRemoteControl && !isLoopback(req.socket.remoteAddress)) throw notAuthorized();
  const key = `${method} ${path}`;
  const sub = /^\/__emulator\/(groups|users)\/([^/]+)(?:\/(native|grants))?$/.exec(path);
  if (sub) return handleEntityControl(state, req, method, sub[1], decodeURIComponent(sub[2]), sub[3]);
  switch (key) {
    case 'POST /__emulator/config':
      return { status: 200, body: state.configure(await parse(req, runtimeConfigSchema, false)) };
    case 'POST /__emulator/clients': {
      const spec = await parse(req, clientSpecSchema, false);
      state.addClient(spec);
      return { status: 201, body: { clientId: spec.clientId } };
    }
    case 'GET /__emulator/state':
      return { status: 200, body: state.snapshot(queryValue(query, 'members') !== 'false') };
    case 'GET /__emulator/calls':
      return { status: 200, body: state.callsReport() };
    case 'DELETE /__emulator/calls':
      state.resetCalls();
      return { status: 204 };
    case 'GET /__emulator/faults':
      return { status: 200, body: state.faults.snapshot() };
    case 'POST /__emulator/faults':
      return { status: 200, body: state.applyFaults(await parse(req, faultSpecSchema, false)) };
    case 'DELETE /__emulator/faults':
      state.clearFaults();
      return { status: 204 };
    case 'POST /__emulator/tokens':
      return { status: 201, body: { access_token: state.issueToken(), token_type: 'bearer' } };
    case 'POST /__emulator/tokens/revoke': {
      const spec = await parse(req, revokeSpecSchema, true);
      return { status: 200, body: { revoked: state.revokeTokens(spec.token) } };
    }
    case 'POST /__emulator/credentials/rotate': {
      const spec = await parse(req, rotateSpecSchema, false);
      return { status: 200, body: { revoked: state.rotateClientSecret(spec.clientSecret) } };
    }
    case 'POST /__emulator/reset':
      state.reset(await parse(req, resetSpecSchema, true));
      return { status: 200, body: state.snapshot(false) };
    case 'POST /__emulator/groups':
      return { status: 201, body: groupWithMembers(state.createGroup(await parse(req, groupFixtureSchema, false))) };
    case 'POST /__emulator/users': {
      const spec = await parse(req, userFixturesSchema, false);
      const created = (Array.isArray(spec) ? spec : [spec]).map((s) =>
        userView(state.createUser(s), FULL_EXPAND, state.directory),
      );
      return { status: 201, body: Array.isArray(spec) ? created : created[0] };
    }
    default:
      throw notFound();
  }
}
