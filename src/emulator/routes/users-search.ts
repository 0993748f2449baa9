/**
 * `POST /api/v2/users/search` (and its `GET ?q64=` follow-up pages), minimal: `EXACT` criteria on a few fields,
 * AND across criteria, OR across a criterion's fields and values (reference §2.1, `UserSearchRequest` /
 * `UsersSearchResponse`). Enough to look users up by email, username or id.
 */
import { badRequest } from '../errors';
import { API_MAX_BODY_BYTES, readJson } from '../http/body';
import { queryList, queryValue } from '../http/query';
import type { UserRecord } from '../model';
import { parseExpand } from '../serialize';
import type { ApiRequest, Reply } from './types';
import { userViewer, userVisibility } from './user-view';

/** Fields an `EXACT` criterion may name. Email and username compare case-insensitively (UNCONFIRMED). */
const FIELDS = ['email', 'username', 'id', 'name', 'state', 'department', 'title'] as const;
type Field = (typeof FIELDS)[number];
const CASE_INSENSITIVE: ReadonlySet<Field> = new Set(['email', 'username']);
/** A Genesys sample caps searches at 10 criteria and 50 values per criterion (reference §10). */
const MAX_CRITERIA = 10;
const MAX_VALUES = 50;

interface Criterion {
  fields: Field[];
  values: string[];
}

/** The request after validation. */
interface SearchRequest {
  pageSize: number;
  pageNumber: number;
  expand: string[];
  criteria: Criterion[];
  /** The body as sent (re-encoded into q64 page links). */
  raw: Record<string, unknown>;
}

function intField(body: Record<string, unknown>, key: string, fallback: number, max: number): number {
  const v = body[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw badRequest(`${key} must be an integer between 1 and ${max}.`, key);
  }
  return v;
}

function parseCriterion(c: unknown, i: number): Criterion {
  if (typeof c !== 'object' || c === null) throw badRequest(`query[${i}] must be an object.`, 'query');
  const { type, fields, value, values } = c as Record<string, unknown>;
  if (type !== 'EXACT') throw badRequest(`query[${i}].type ${String(type)} is not supported (use EXACT).`, 'type');
  if (!Array.isArray(fields) || fields.length === 0 || !fields.every((f) => FIELDS.includes(f as Field))) {
    throw badRequest(`query[${i}].fields must name some of ${FIELDS.join(', ')}.`, 'fields');
  }
  const list = values !== undefined ? values : value !== undefined ? [value] : undefined;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string')) {
    throw badRequest(`query[${i}] needs value or values (strings).`, 'value');
  }
  if (list.length > MAX_VALUES) throw badRequest(`query[${i}] has more than ${MAX_VALUES} values.`, 'values');
  return { fields: fields as Field[], values: list as string[] };
}

function parseRequest(body: unknown, maxPageSize: number): SearchRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('The request body must be a UserSearchRequest object.');
  }
  const raw = body as Record<string, unknown>;
  const criteria = raw.query;
  if (!Array.isArray(criteria) || criteria.length === 0) throw badRequest('query must list criteria.', 'query');
  if (criteria.length > MAX_CRITERIA) throw badRequest(`At most ${MAX_CRITERIA} criteria are allowed.`, 'query');
  const expand = raw.expand === undefined ? [] : raw.expand;
  if (!Array.isArray(expand) || !expand.every((e) => typeof e === 'string'))
    throw badRequest('expand must list strings.');
  return {
    pageSize: intField(raw, 'pageSize', 25, maxPageSize),
    pageNumber: intField(raw, 'pageNumber', 1, Number.MAX_SAFE_INTEGER),
    expand: expand as string[],
    criteria: criteria.map(parseCriterion),
    raw,
  };
}

function fieldValue(user: UserRecord, field: Field): string {
  return user[field];
}

function matches(user: UserRecord, c: Criterion): boolean {
  return c.fields.some((f) => {
    const actual = fieldValue(user, f);
    return CASE_INSENSITIVE.has(f)
      ? c.values.some((v) => v.toLowerCase() === actual.toLowerCase())
      : c.values.includes(actual);
  });
}

function q64(raw: Record<string, unknown>, pageNumber: number): string {
  return Buffer.from(JSON.stringify({ ...raw, pageNumber }), 'utf8').toString('base64');
}

function run(r: ApiRequest, req: SearchRequest): Reply {
  const dir = r.state.directory;
  const onState = req.criteria.some((c) => c.fields.includes('state'));
  const { visible } = userVisibility(r);
  const found: UserRecord[] = [];
  for (const u of dir.listUsers('any')) {
    // Deleted users are not searchable unless a criterion asks for a state.
    if (!onState && u.state === 'deleted') continue;
    if (!visible(u)) continue;
    if (req.criteria.every((c) => matches(u, c))) found.push(u);
  }
  const { pageSize, pageNumber } = req;
  const pageCount = Math.ceil(found.length / pageSize);
  const expand = parseExpand(req.expand);
  const start = (pageNumber - 1) * pageSize;
  const body: Record<string, unknown> = {
    total: found.length,
    pageCount,
    pageSize,
    pageNumber,
    currentPage: q64(req.raw, pageNumber),
    types: ['users'],
    results: found.slice(start, start + pageSize).map(userViewer(r, expand)),
  };
  if (pageNumber > 1) body.previousPage = q64(req.raw, pageNumber - 1);
  if (pageNumber < pageCount) body.nextPage = q64(req.raw, pageNumber + 1);
  return { status: 200, body };
}

/** `POST /api/v2/users/search` → `{total, pageCount, pageSize, pageNumber, types, results, currentPage, ...}`. */
export async function searchUsers(r: ApiRequest): Promise<Reply> {
  const body = await readJson(r.req, API_MAX_BODY_BYTES);
  return run(r, parseRequest(body, r.state.options.maxPageSize));
}

/** `GET /api/v2/users/search?q64=…`: the page a previous answer's `nextPage`/`previousPage` names. */
export function searchUsersQ64(r: ApiRequest): Reply {
  const encoded = queryValue(r.query, 'q64');
  if (encoded === undefined || encoded === '') throw badRequest('q64 is required.', 'q64');
  let body: unknown;
  try {
    // A raw `+` in the query string was decoded as a space; base64 needs it back.
    body = JSON.parse(Buffer.from(encoded.replace(/ /g, '+'), 'base64').toString('utf8'));
  } catch {
    throw badRequest('q64 is not a search request.', 'q64');
  }
  const req = parseRequest(body, r.state.options.maxPageSize);
  const expand = queryList(r.query, 'expand');
  return run(r, expand.length > 0 ? { ...req, expand } : req);
}
