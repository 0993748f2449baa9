/**
 * The rules file schema (version 1) and the parsed, normalised types the rest of the system codes against.
 *
 * File syntax and parsed form differ on purpose: the file is written for people (`include` may be one
 * selector, a list or a composition; values may be `/regex/flags`), the parsed form is a tagged union that is
 * easy to switch over and is plain JSON, so it can be passed into workflow code and hashed.
 */
import { z } from 'zod';
import { plural, quoteList, strictObject } from './strict-object';
import { type Matcher, parseMatcher } from './matcher';
import { findNestingCycle, formatCycle, longestNestingChain, MAX_NESTING_CHAIN } from './nesting-cycle';
import { type Policy, policySchema } from './policy-schema';
import { RULES_LIMITS } from './rules-limits';

export {
  APPROVAL_MODES,
  DEFAULT_FAILSAFE_SETTINGS,
  DEFAULT_POLICY,
  OFF,
  resolveFailsafeSettings,
  type ApprovalMode,
  type FailsafeSettings,
  type Limit,
  type Policy,
} from './policy-schema';

/** How a group's membership is owned. */
export const GROUP_MODES = ['exact', 'additive', 'managed'] as const;
/**
 * `exact`: the rules own every member (adds and removes). `additive`: only adds. `managed`: adds, and removes
 * only members this tool added earlier.
 */
export type GroupMode = (typeof GROUP_MODES)[number];

/** Selectors that test one user attribute. */
export const ATTRIBUTE_SELECTORS = [
  'role',
  'division',
  'department',
  'title',
  'location',
  'skill',
  'manager',
  'userId',
] as const;
/** Selectors that combine others. */
export const COMPOSITE_SELECTORS = ['any', 'all', 'not'] as const;

/** An attribute selector other than `skill` (which carries a proficiency threshold). */
export type SimpleSelectorKind = Exclude<(typeof ATTRIBUTE_SELECTORS)[number], 'skill'>;

/**
 * A parsed selector. `role`, `division`, `location` and `skill` match the name or the id; `manager` matches the
 * manager's user id; `userId` the user's id; `department` and `title` the text.
 */
export type Selector =
  | { kind: SimpleSelectorKind; match: Matcher }
  | { kind: 'skill'; match: Matcher; minProficiency?: number }
  | { kind: 'any' | 'all'; of: Selector[] }
  | { kind: 'not'; of: Selector };

/** One group entry. `include` lists are normalised to `{kind: 'any'}`. */
export interface GroupRule {
  /** The group's id or exact name, exactly as written; also the key used by nesting and `resolveDesired`. */
  group: string;
  mode: GroupMode;
  include?: Selector;
  exclude?: Selector;
  /** Other group entries (by their `group` value) whose desired members this group also gets. `[]` if none. */
  includeGroups: string[];
}

/** Mapping of Genesys groups to IdP group ids for SCIM notifications. */
export interface ScimSettings {
  /** Genesys group id or name → IdP group id. Groups not listed use their Genesys id. */
  groupMap: Record<string, string>;
}

/** A parsed, validated rules file. */
export interface RulesDocument {
  version: 1;
  policy: Policy;
  groups: GroupRule[];
  scim: ScimSettings;
}

/**
 * Turns zod issues into the short reasons shown after `file: path:`. Passed to every parse (including the
 * nested ones selectors delegate to) instead of being set globally, so other zod users are unaffected.
 */
export const rulesErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${String(issue.values[0])}`
        : `expected one of: ${issue.values.map(String).join(', ')}`;
    case 'too_small':
      if (issue.origin === 'array')
        return `expected at least ${String(issue.minimum)} item${issue.minimum === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return 'expected a non-empty string';
      return `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`;
    case 'too_big':
      return `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
    case 'unrecognized_keys':
      return `unknown ${plural('key', issue.keys.length)} ${quoteList(issue.keys)}`;
    default:
      return undefined;
  }
};

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Runs `schema` on `input` and re-reports its issues (paths relative to the current position). */
function delegate<T>(schema: z.ZodType<T>, input: unknown, ctx: z.core.$RefinementCtx): T | typeof z.NEVER {
  const result = schema.safeParse(input, { error: rulesErrorMap });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const params = issue.code === 'custom' ? issue.params : undefined;
    ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path, input, params });
  }
  return z.NEVER;
}

/** Longest group name or id (Genesys names are far shorter; this only bounds hostile input). */
export const MAX_GROUP_NAME_LENGTH = 1024;
/** Highest skill proficiency Genesys records (0-5). */
export const MAX_PROFICIENCY = 5;
/** Most `includeGroups` names in one entry. */
export const MAX_INCLUDE_GROUPS = 1000;

const nonEmptyString = z.string().min(1).max(MAX_GROUP_NAME_LENGTH);

const matcherSchema: z.ZodType<Matcher> = z.string().transform((text, ctx) => {
  const parsed = parseMatcher(text);
  if (parsed.ok) return parsed.matcher;
  ctx.addIssue({ code: 'custom', message: parsed.error, input: text });
  return z.NEVER;
});

const selectorSchema: z.ZodType<Selector> = z.lazy(() => selectorDispatch);
const selectorList = z.array(selectorSchema).min(1);

const SELECTOR_SHAPES = {
  role: strictObject({ role: matcherSchema }),
  division: strictObject({ division: matcherSchema }),
  department: strictObject({ department: matcherSchema }),
  title: strictObject({ title: matcherSchema }),
  location: strictObject({ location: matcherSchema }),
  skill: strictObject({
    skill: matcherSchema,
    minProficiency: z.number().int().min(0).max(MAX_PROFICIENCY).optional(),
  }),
  manager: strictObject({ manager: matcherSchema }),
  userId: strictObject({ userId: matcherSchema }),
  any: strictObject({ any: selectorList }),
  all: strictObject({ all: selectorList }),
  not: strictObject({ not: selectorSchema }),
} as const;
type SelectorKey = keyof typeof SELECTOR_SHAPES;
const SELECTOR_KEYS = Object.keys(SELECTOR_SHAPES) as SelectorKey[];
const SELECTOR_KEY_LIST = SELECTOR_KEYS.join(', ');

// A selector is an object with exactly one selector key. Dispatching on that key by hand (rather than a zod
// union) is what lets errors point at the real problem instead of "no union member matched".
const selectorDispatch: z.ZodType<Selector> = z.unknown().transform((input, ctx): Selector => {
  if (!isRecord(input)) {
    ctx.addIssue({ code: 'custom', message: `expected a selector object (one of: ${SELECTOR_KEY_LIST})`, input });
    return z.NEVER;
  }
  const present = Object.keys(input).filter((key): key is SelectorKey => Object.hasOwn(SELECTOR_SHAPES, key));
  if (present.length === 0) {
    const found = Object.keys(input);
    const message =
      found.length === 0
        ? `empty selector (expected one of: ${SELECTOR_KEY_LIST})`
        : `unknown selector ${quoteList(found)} (expected one of: ${SELECTOR_KEY_LIST})`;
    ctx.addIssue({ code: 'custom', message, input });
    return z.NEVER;
  }
  if (present.length > 1) {
    ctx.addIssue({
      code: 'custom',
      message: `a selector has exactly one of ${SELECTOR_KEY_LIST}; found ${quoteList(present)} (combine them with all: or any:)`,
      input,
    });
    return z.NEVER;
  }
  const kind = present[0];
  const parsed: unknown = delegate(SELECTOR_SHAPES[kind] as z.ZodType<unknown>, input, ctx);
  if (parsed === z.NEVER) return z.NEVER;
  return toSelector(kind, parsed as Record<string, unknown>);
});

function toSelector(kind: SelectorKey, parsed: Record<string, unknown>): Selector {
  switch (kind) {
    case 'any':
    case 'all':
      return { kind, of: parsed[kind] as Selector[] };
    case 'not':
      return { kind, of: parsed.not as Selector };
    case 'skill': {
      const selector: Selector = { kind, match: parsed.skill as Matcher };
      if (parsed.minProficiency !== undefined) selector.minProficiency = parsed.minProficiency as number;
      return selector;
    }
    default:
      return { kind, match: parsed[kind] as Matcher };
  }
}

/** `include`/`exclude`: a selector, or a list meaning `any`. */
const selectionSchema: z.ZodType<Selector> = z.unknown().transform((input, ctx): Selector => {
  if (Array.isArray(input)) {
    const of = delegate(selectorList, input, ctx);
    return of === z.NEVER ? z.NEVER : { kind: 'any', of };
  }
  return delegate(selectorSchema, input, ctx);
});

const groupRuleSchema: z.ZodType<GroupRule> = strictObject({
  group: nonEmptyString,
  mode: z.enum(GROUP_MODES).default('exact'),
  include: selectionSchema.optional(),
  exclude: selectionSchema.optional(),
  includeGroups: z.array(nonEmptyString).min(1).max(MAX_INCLUDE_GROUPS).default([]),
}).superRefine(
  (rule, ctx) => {
    const nested = Array.isArray(rule.includeGroups) && rule.includeGroups.length > 0;
    if (rule.include === undefined && !nested) {
      ctx.addIssue({ code: 'custom', message: 'a group needs include, includeGroups or both', input: rule });
    }
  },
  // Run even when sibling fields failed, so every problem in the entry is reported in one pass.
  { when: (payload) => isRecord(payload.value) },
);

const scimSchema: z.ZodType<ScimSettings> = strictObject({
  groupMap: z.record(nonEmptyString, nonEmptyString).default({}),
}).prefault({});

/**
 * Cross-entry checks: duplicate entries and `includeGroups` names that are not entries. They run on the
 * partially parsed document too (hence the defensive type checks) so they are reported alongside field errors.
 */
function checkGroupReferences(doc: { groups?: unknown }, ctx: z.core.$RefinementCtx): void {
  if (!Array.isArray(doc.groups)) return;
  const entries: unknown[] = doc.groups;
  const firstIndex = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (!isRecord(entry) || typeof entry.group !== 'string') return;
    const seen = firstIndex.get(entry.group);
    if (seen === undefined) {
      firstIndex.set(entry.group, index);
    } else {
      ctx.addIssue({
        code: 'custom',
        message: `duplicate group '${entry.group}' (already defined at groups[${seen}])`,
        path: ['groups', index, 'group'],
        input: entry.group,
        params: { rulesCode: 'duplicate-group', group: entry.group },
      });
    }
  });
  entries.forEach((entry, index) => {
    if (!isRecord(entry) || !Array.isArray(entry.includeGroups)) return;
    const refs: unknown[] = entry.includeGroups;
    refs.forEach((ref, refIndex) => {
      if (typeof ref === 'string' && ref !== '' && !firstIndex.has(ref)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown group '${ref}': includeGroups must name a group entry defined in this file`,
          path: ['groups', index, 'includeGroups', refIndex],
          input: ref,
          params: { rulesCode: 'unknown-group', group: ref },
        });
      }
    });
  });
}

/**
 * The whole-document schema. Parse with `{ error: rulesErrorMap }` for the project's messages; `parseRules`
 * and `parseRulesValue` (rules-parse.ts) do that and format the issues.
 */
export const rulesDocumentSchema: z.ZodType<RulesDocument> = strictObject({
  version: z.literal(1, {
    error: (issue) =>
      issue.input === undefined
        ? 'required (add version: 1)'
        : `unsupported rules version ${JSON.stringify(issue.input)} (this build reads version 1)`,
  }),
  policy: policySchema,
  groups: z.array(groupRuleSchema).min(1).max(RULES_LIMITS.maxGroups),
  scim: scimSchema,
})
  .superRefine(checkGroupReferences, { when: (payload) => isRecord(payload.value) })
  // Cycles only make sense once every entry is valid; this check runs only when nothing else failed.
  .superRefine((doc, ctx) => {
    const cycle = findNestingCycle(doc.groups);
    if (cycle !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: formatCycle(cycle),
        path: [],
        input: doc,
        params: { rulesCode: 'cycle', cycle },
      });
      return;
    }
    const chain = longestNestingChain(doc.groups);
    if (chain.length > MAX_NESTING_CHAIN) {
      const index = doc.groups.findIndex((rule) => rule.group === chain[0]);
      ctx.addIssue({
        code: 'custom',
        message: `includeGroups nests ${chain.length} levels deep, starting at '${chain[0]}' (at most ${MAX_NESTING_CHAIN})`,
        path: ['groups', index, 'includeGroups'],
        input: doc,
        params: { rulesCode: 'limit' },
      });
    }
    const selectors = countSelectors(doc.groups);
    if (selectors > RULES_LIMITS.maxSelectors) {
      ctx.addIssue({
        code: 'custom',
        message: `too many selectors: ${selectors} (at most ${RULES_LIMITS.maxSelectors})`,
        path: ['groups'],
        input: doc,
        params: { rulesCode: 'limit' },
      });
    }
  });

/** Every selector in `include` and `exclude`, composites included (iterative). */
function countSelectors(groups: readonly GroupRule[]): number {
  const stack: Selector[] = [];
  for (const rule of groups) {
    if (rule.include !== undefined) stack.push(rule.include);
    if (rule.exclude !== undefined) stack.push(rule.exclude);
  }
  let count = 0;
  while (stack.length > 0) {
    const selector = stack.pop()!;
    count++;
    if (selector.kind === 'any' || selector.kind === 'all') stack.push(...selector.of);
    else if (selector.kind === 'not') stack.push(selector.of);
  }
  return count;
}

export { rulesNeedExpand } from './rules-expand';
