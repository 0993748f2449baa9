/**
 * The `policy` section of the rules file: approval mode, the `auto` thresholds and the failsafes, their
 * defaults and their zod schema. `rules-schema.ts` embeds {@link policySchema} in the document schema.
 *
 * Two kinds of guard live here, and the difference is deliberate:
 * - **Thresholds** (`maxRemovals`, `maxRemovalRatio`, `minGroupSizeForRatio`, `maxIndividualMembers`) are the
 *   routine gate of `requireApproval: auto`. `never` skips them (as it always has): the operator accepted
 *   large changes.
 * - **Failsafes** (`minMembersAfter`, `maxGroupsLosingMembersRatio`, `maxTotalRemovals`,
 *   `maxActiveUsersDropRatio`, `approveRoleGrantingGroups`, `approveUnmatchedSelectorRemovals`) gate in every
 *   mode, `never` included: a failsafe
 *   that trips means the directory may have been misread or privileges are changing, and a blanket "never"
 *   is not a considered decision about that run (Grouper: a tripped failsafe blocks the job until approved).
 *   The only way past one without approval is to switch it off explicitly in the policy (`off`, or `false`
 *   for the two `approve…` ones).
 */
import { z } from 'zod';
import { strictObject } from './strict-object';
import { MAX_APPROVAL_TIMEOUT_MS, parseDuration } from './duration';

/** When a run must wait for a human. */
export const APPROVAL_MODES = ['always', 'never', 'auto'] as const;
/**
 * `always`: every run. `auto`: when a threshold or a failsafe trips. `never`: only when a failsafe trips
 * (thresholds are skipped).
 */
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** The value that switches a numeric failsafe or threshold off. */
export const OFF = 'off';
/** A numeric limit, or {@link OFF}. */
export type Limit = number | typeof OFF;

/**
 * The failsafes and the thresholds added with them. Every field is optional in the rules file; resolve the
 * values a run uses with {@link resolveFailsafeSettings} (defaults in {@link DEFAULT_FAILSAFE_SETTINGS}).
 */
export interface FailsafeSettings {
  /**
   * Threshold. `maxRemovalRatio` applies only to groups with at least this many current individual members
   * (small groups swing by large ratios on ordinary churn). Default `0`: every group with members.
   */
  minGroupSizeForRatio: number;
  /**
   * Failsafe. A group that loses members must keep at least this many individual members after the change.
   * Default `off` (a useful floor depends on the org; `1` gates any run that would empty a group).
   */
  minMembersAfter: Limit;
  /**
   * Failsafe. Approval when more than this fraction of the run's target groups would lose members (a misread
   * directory hits many groups at once). Default `off`, like every Grouper failsafe; `0.5` is a typical value.
   */
  maxGroupsLosingMembersRatio: Limit;
  /**
   * Failsafe. Approval when the run would remove more than this many members across all groups. Unlike the
   * `maxRemovals` threshold it applies with `requireApproval: never` too. Default `off`.
   */
  maxTotalRemovals: Limit;
  /**
   * Failsafe (shrink guard). Approval when the active users in this run's snapshot fell by more than this
   * fraction since the last completed run. Not checked on a first run. Default `0.1` (10 %).
   */
  maxActiveUsersDropRatio: Limit;
  /**
   * Threshold, and a warning in every mode. Genesys recommends at most 1,000 individually added members per
   * group: a changed group whose individual members after the change exceed this is reported, and needs
   * approval in `auto`. Default `1000`.
   */
  maxIndividualMembers: Limit;
  /**
   * Failsafe. Any change to a group that grants roles (role + division grants with the group as subject)
   * needs approval, with the roles named. Default `true`; `false` switches it off.
   */
  approveRoleGrantingGroups: boolean;
  /**
   * Failsafe. A group that would lose members while a selector of its rules (or of a group it includes) that can
   * only take members away matches no active user needs approval: a role, division or skill renamed in Genesys,
   * or a typo, would otherwise empty the group unattended. Default `true`; `false` switches it off.
   */
  approveUnmatchedSelectorRemovals: boolean;
}

/** Approval and safety thresholds. The four v1 fields are always present once parsed; the rest are optional. */
export interface Policy extends Partial<FailsafeSettings> {
  requireApproval: ApprovalMode;
  /** Threshold (in `auto`): approval when a run would remove more than this many members in total. */
  maxRemovals: number;
  /** Threshold (in `auto`): approval when any group would lose more than this fraction of its current members. */
  maxRemovalRatio: number;
  /** Duration string (`90s`, `15m`, `24h`, `7d`); convert with `parseDuration`. */
  approvalTimeout: string;
}

/** Policy values used when the file leaves them out (the v1 fields; failsafes: {@link DEFAULT_FAILSAFE_SETTINGS}). */
export const DEFAULT_POLICY: Readonly<Policy> = Object.freeze({
  requireApproval: 'auto',
  maxRemovals: 100,
  maxRemovalRatio: 0.2,
  approvalTimeout: '24h',
});

/** Failsafe values used when the file leaves them out. Chosen so that the default never trips an ordinary run. */
export const DEFAULT_FAILSAFE_SETTINGS: Readonly<FailsafeSettings> = Object.freeze({
  minGroupSizeForRatio: 0,
  minMembersAfter: OFF,
  maxGroupsLosingMembersRatio: OFF,
  maxTotalRemovals: OFF,
  maxActiveUsersDropRatio: 0.1,
  maxIndividualMembers: 1000,
  approveRoleGrantingGroups: true,
  approveUnmatchedSelectorRemovals: true,
});

/** The failsafe settings a run uses: the policy's values, defaults for the rest. */
export function resolveFailsafeSettings(policy: Partial<FailsafeSettings>): FailsafeSettings {
  const resolved = { ...DEFAULT_FAILSAFE_SETTINGS };
  for (const key of Object.keys(DEFAULT_FAILSAFE_SETTINGS) as Array<keyof FailsafeSettings>) {
    const value = policy[key];
    // `undefined` (not given) falls back; anything else was validated by the schema.
    if (value !== undefined) (resolved as Record<string, unknown>)[key] = value;
  }
  return resolved;
}

const durationSchema = z.string().transform((text, ctx) => {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message, input: text });
    return z.NEVER;
  }
  if (ms <= 0) {
    ctx.addIssue({ code: 'custom', message: 'must be longer than zero', input: text });
    return z.NEVER;
  }
  if (ms > MAX_APPROVAL_TIMEOUT_MS) {
    ctx.addIssue({ code: 'custom', message: 'must be at most 30d', input: text });
    return z.NEVER;
  }
  return text;
});

interface LimitBounds {
  whole: boolean;
  min: number;
  max?: number;
}

/**
 * A number within bounds, or `off`. Checked by hand (not a zod union) so a wrong value gets one precise
 * message ("must be <= 1") instead of "no union member matched".
 */
function limitSchema(bounds: LimitBounds) {
  const expected = bounds.whole ? 'a whole number or off' : 'a number or off';
  return z.unknown().transform((input, ctx): Limit => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message, input });
      return z.NEVER;
    };
    if (input === OFF) return OFF;
    if (typeof input !== 'number') return fail(`expected ${expected}`);
    if (!Number.isFinite(input)) return fail(`expected a finite number or off`);
    if (bounds.whole && !Number.isInteger(input)) return fail(`expected ${expected}`);
    if (input < bounds.min) return fail(`must be >= ${bounds.min} (or off)`);
    if (bounds.max !== undefined && input > bounds.max) return fail(`must be <= ${bounds.max} (or off)`);
    return input;
  });
}

const count = (min: number) => limitSchema({ whole: true, min, max: 10_000_000 });
const ratio = () => limitSchema({ whole: false, min: 0, max: 1 });

/**
 * The `policy` section. The v1 fields get their defaults here; the failsafe fields stay absent when not written
 * (so a parsed document shows what the file says) and are defaulted by {@link resolveFailsafeSettings}.
 */
export const policySchema: z.ZodType<Policy> = strictObject({
  requireApproval: z.enum(APPROVAL_MODES).default(DEFAULT_POLICY.requireApproval),
  maxRemovals: z.number().int().min(0).max(10_000_000).default(DEFAULT_POLICY.maxRemovals),
  maxRemovalRatio: z.number().min(0).max(1).default(DEFAULT_POLICY.maxRemovalRatio),
  approvalTimeout: durationSchema.default(DEFAULT_POLICY.approvalTimeout),
  minGroupSizeForRatio: z.number().int().min(0).max(10_000_000).optional(),
  minMembersAfter: count(0).optional(),
  maxGroupsLosingMembersRatio: ratio().optional(),
  maxTotalRemovals: count(0).optional(),
  maxActiveUsersDropRatio: ratio().optional(),
  maxIndividualMembers: count(1).optional(),
  approveRoleGrantingGroups: z.boolean().optional(),
  approveUnmatchedSelectorRemovals: z.boolean().optional(),
}).prefault({});
