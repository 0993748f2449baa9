/**
 * Validation of an already-decoded rules value (for example a JSON body or a workflow input) and the error
 * type every rules problem is reported with. No YAML here, so this file stays cheap to import from workflows.
 */
import type { z } from 'zod';
import { checkNestingLimits, checkRulesValueLimits } from './rules-limits';
import { rulesDocumentSchema, rulesErrorMap, type RulesDocument } from './rules-schema';

/**
 * What kind of problem an issue is, so callers can react without parsing messages: `syntax` (YAML/JSON),
 * `schema` (a field is wrong), `duplicate-group`, `unknown-group` (in `includeGroups`), `cycle` (nesting),
 * `io` (the file could not be read), `limit` (a size or nesting limit is exceeded).
 */
export type RulesIssueCode = 'syntax' | 'schema' | 'duplicate-group' | 'unknown-group' | 'cycle' | 'io' | 'limit';

/** One problem in a rules source. */
export interface RulesIssue {
  code: RulesIssueCode;
  /** Field path like `groups[1].include.any[0].role`; `''` for whole-file problems (syntax, cycles). */
  path: string;
  /** Short reason, e.g. `expected a string`. */
  message: string;
  /** 1-based line in the source text, when known. */
  line?: number;
  /** For `cycle`: the cycle as written, first name repeated last (`['A', 'B', 'A']`). */
  cycle?: string[];
  /** For `duplicate-group` and `unknown-group`: the group name concerned. */
  group?: string;
}

/**
 * All problems found in a rules source. `message` has one line per issue in the form
 * `rules.yaml: groups[1].include.any[0].role: expected a string`.
 */
export class RulesValidationError extends Error {
  override readonly name = 'RulesValidationError';

  constructor(
    /** The file name (or other label) the issues refer to. */
    readonly sourceName: string,
    readonly issues: readonly RulesIssue[],
  ) {
    super(formatIssues(sourceName, issues));
  }

  /** The nesting cycle, when that is one of the problems. */
  get cycle(): string[] | undefined {
    return this.issues.find((issue) => issue.code === 'cycle')?.cycle;
  }

  /** Sorted, unique names referenced by `includeGroups` that are not group entries. */
  get unknownGroups(): string[] {
    const names = this.issues.filter((issue) => issue.code === 'unknown-group').map((issue) => issue.group ?? '');
    return [...new Set(names)].sort();
  }
}

/** Most issues spelled out in an error message; the rest are counted (all stay in `issues`). */
const MAX_LISTED_ISSUES = 50;

function formatIssues(sourceName: string, issues: readonly RulesIssue[]): string {
  const lines = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => formatIssue(sourceName, issue));
  if (issues.length > MAX_LISTED_ISSUES) lines.push(`${sourceName}: … and ${issues.length - MAX_LISTED_ISSUES} more`);
  return lines.join('\n');
}

/** `source: path: message`, or `source: message` for whole-file problems. */
export function formatIssue(sourceName: string, issue: Pick<RulesIssue, 'path' | 'message'>): string {
  return issue.path === '' ? `${sourceName}: ${issue.message}` : `${sourceName}: ${issue.path}: ${issue.message}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Renders a path as `groups[1].include.any[0].role` (keys that are not identifiers as `["a b"]`). */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'string' && IDENTIFIER.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(String(key))}]`;
  }
  return text;
}

/** An issue together with its structured path, so the YAML parser can attach line numbers. */
export interface PathedIssue extends RulesIssue {
  rawPath: readonly PropertyKey[];
}

/** Validates a decoded value; on failure returns every issue, in document order as far as possible. */
export function validateRulesValue(
  value: unknown,
): { ok: true; doc: RulesDocument } | { ok: false; issues: PathedIssue[] } {
  if (value === null || value === undefined) {
    const message = 'the rules file is empty (expected version: 1 and groups)';
    return { ok: false, issues: [{ code: 'schema', path: '', rawPath: [], message }] };
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    const message = 'expected a mapping with version: 1 and groups at the top level';
    return { ok: false, issues: [{ code: 'schema', path: '', rawPath: [], message }] };
  }
  // Limits first: the schema's walk is recursive and must only ever see bounded input.
  const limit = checkRulesValueLimits(value) ?? checkNestingLimits(value);
  if (limit !== undefined) {
    const issue: PathedIssue = {
      code: 'limit',
      path: formatPath(limit.path),
      rawPath: limit.path,
      message: limit.message,
    };
    return { ok: false, issues: [limit.cycle ? { ...issue, code: 'cycle', cycle: limit.cycle } : issue] };
  }
  const result = rulesDocumentSchema.safeParse(value, { error: rulesErrorMap });
  if (result.success) return { ok: true, doc: result.data };
  return { ok: false, issues: result.error.issues.map(toRulesIssue) };
}

function toRulesIssue(issue: z.core.$ZodIssue): PathedIssue {
  const base: PathedIssue = {
    code: 'schema',
    path: formatPath(issue.path),
    rawPath: issue.path,
    message: issue.message,
  };
  const params = (issue.code === 'custom' ? issue.params : undefined) as
    { rulesCode?: RulesIssueCode; cycle?: string[]; group?: string } | undefined;
  if (params?.rulesCode === undefined) return base;
  const detailed: PathedIssue = { ...base, code: params.rulesCode };
  if (params.cycle !== undefined) detailed.cycle = params.cycle;
  if (params.group !== undefined) detailed.group = params.group;
  return detailed;
}

/** Drops the structured path (kept internal to parsing). */
export function withoutRawPath({ rawPath: _rawPath, ...issue }: PathedIssue): RulesIssue {
  return issue;
}

/**
 * Validates and normalises an already-decoded rules value (defaults filled, selectors parsed, nesting
 * checked).
 *
 * @param sourceName how errors name the source (`rules.yaml`, `request body`).
 * @throws RulesValidationError listing every problem.
 */
export function parseRulesValue(value: unknown, sourceName: string): RulesDocument {
  const result = validateRulesValue(value);
  if (!result.ok) throw new RulesValidationError(sourceName, result.issues.map(withoutRawPath));
  return result.doc;
}
