import type { z } from 'zod';
import { HttpError } from './http-error';
import { jsonShapeProblem } from './json-shape';

/** One field error of a 400 response. */
export interface FieldIssue {
  /** Dotted path of the field in the body (`overrides.maxRemovals`, `targetGroups.0`); `(body)` for the body itself. */
  path: string;
  message: string;
}

/**
 * Parses a request body with a zod schema, after refusing `__proto__` keys and excessive nesting anywhere in it.
 *
 * @throws {@link HttpError} 400 `{error: 'invalid request', issues: [{path, message}]}` listing every field error.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const shape = jsonShapeProblem(body);
  if (shape) throw new HttpError(400, 'invalid request', { issues: [shape] });
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues: FieldIssue[] = parsed.error.issues.flatMap((issue) =>
    // zod reports unknown keys on the parent object; the caller needs the field they misspelt.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown field' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
  throw new HttpError(400, 'invalid request', { issues });
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : '(body)';
}
