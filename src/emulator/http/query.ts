/**
 * Query-string parsing as the Genesys SDK encodes it: arrays comma-joined (`id=a,b`), `+` meaning a space, and
 * repeated keys also accepted (other clients send `id=a&id=b`).
 */
import { badRequest } from '../errors';

/** Parsed query: every value of every key, in order. */
export type Query = Map<string, string[]>;

function decode(text: string): string {
  if (text.indexOf('%') === -1 && text.indexOf('+') === -1) return text;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw badRequest(`Malformed percent-encoding in the query string: ${text}`);
  }
}

/** Parses the part of a URL after `?` (empty string for none). */
export function parseQuery(search: string): Query {
  const query: Query = new Map();
  if (search === '') return query;
  for (const pair of search.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const values = query.get(key);
    if (values) values.push(value);
    else query.set(key, [value]);
  }
  return query;
}

/** Last value of `key`, or undefined. */
export function queryValue(query: Query, key: string): string | undefined {
  const values = query.get(key);
  return values === undefined ? undefined : values[values.length - 1];
}

/** All comma-separated items of `key` (across repeats), blanks dropped, trimmed. */
export function queryList(query: Query, key: string): string[] {
  const values = query.get(key);
  if (!values) return [];
  const out: string[] = [];
  for (const v of values) {
    for (const item of v.split(',')) {
      const t = item.trim();
      if (t !== '') out.push(t);
    }
  }
  return out;
}

/** An integer query parameter within [min, max], or `fallback` when absent; 400 otherwise. */
export function queryInt(query: Query, key: string, fallback: number, min: number, max: number): number {
  const raw = queryValue(query, key);
  if (raw === undefined || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw badRequest(`Invalid value for ${key}: ${raw}. It must be an integer.`, key);
  const n = Number(raw);
  if (n < min || n > max)
    throw badRequest(`Invalid value for ${key}: ${raw}. It must be between ${min} and ${max}.`, key);
  return n;
}

/** Encodes a query value like axios does for the SDK: commas stay literal, a space becomes `+`. */
export function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/%2C/gi, ',').replace(/%20/g, '+');
}
