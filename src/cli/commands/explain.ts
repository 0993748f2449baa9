/**
 * `gcsync explain`: for one user and the rules' groups (or one of them), is the user a member now, should they be,
 * and which clause decides. Reads that user and those groups only, never a full snapshot, with the same Genesys
 * settings as the worker (`GENESYS_*`); needs no Temporal.
 */
import type { Command } from 'commander';
import { fromGenesysUser } from '../../core/directory-user';
import { explainUser, type GroupExplanation, type ObservedTarget } from '../../core/explain-user';
import { resolveGroupRefs, type ResolvedGroupRef } from '../../core/group-refs';
import { rulesNeedExpand } from '../../core/rules-expand';
import { loadRulesFile } from '../../config/rules-file';
import type { RulesDocument } from '../../core/rules-schema';
import { loadGenesysConfig } from '../../config/genesys-config';
import { GenesysApiError } from '../../genesys/api-error';
import { createGenesysClient } from '../../genesys/client';
import { EXIT_ERROR, EXIT_OK } from '../output/exit-codes';
import { formatExplanation, type ExplainedUser } from '../output/explain-report';
import { printJson, printNote, printText } from '../output/print';
import { createExplainReads, type ExplainApiUser, type ExplainReads } from './explain-reads';

/** Options of `gcsync explain`. */
export interface ExplainOptions {
  rules: string;
  /** A user id, or an email address (anything with an `@`). */
  user: string;
  /** Only this group: as written in the rules, or the Genesys group's id or exact name. */
  group?: string;
  json?: boolean;
}

/** A problem the operator can fix (unknown user, unknown group); printed as one line, exit 1. */
export class ExplainError extends Error {
  override readonly name = 'ExplainError';
}

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(
      'Explain one user: member now? should be? which rule clause decides (reads only that user and those groups)',
    )
    .requiredOption('--rules <file>', 'rules file (YAML or JSON)')
    .requiredOption('--user <id|email>', 'the user: a Genesys user id, or an email address (exact match)')
    .option('--group <group>', 'only this group (as written in the rules, or its Genesys id or name)')
    .option('--json', 'print the explanation as JSON')
    .addHelpText(
      'after',
      `
Reads Genesys directly with the worker's settings (GENESYS_REGION or GENESYS_API_URL,
GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET or GENESYS_CLIENT_SECRET_FILE); Temporal is not needed.
Cost: 1-2 user reads, the group listing, and one /individuals read per group shown.
Exit codes: 0 explained, 1 error (invalid rules, unknown user or group, Genesys unreachable).

Examples:
  $ gcsync explain --rules rules.yaml --user jane.doe@example.com
  $ gcsync explain --rules rules.yaml --user 5f0c7a2e-… --group "Support Team" --json`,
    )
    .action(async (opts: ExplainOptions) => {
      process.exitCode = await runExplain(opts);
    });
}

/** Runs `gcsync explain`, prints the result and returns the exit code. `reads` replaces Genesys in tests. */
export async function runExplain(opts: ExplainOptions, reads?: ExplainReads): Promise<number> {
  const doc = loadRulesFile(opts.rules);
  const directory = reads ?? createExplainReads(await createGenesysClient(loadGenesysConfig()));
  const apiUser = await readUser(directory, opts.user, rulesNeedExpand(doc));
  const user = fromGenesysUser(apiUser);

  const { targets, errors } = await resolveTargets(directory, doc, opts.group);
  const observed: ObservedTarget[] = [];
  for (const target of targets) {
    const members = await directory.getIndividualIds(target.groupId);
    observed.push({ ...target, member: members.includes(user.id) });
  }
  const rows = explainUser(doc, user, observed);
  const shown: ExplainedUser = { id: user.id, name: user.name, state: user.state, ...emailOf(apiUser) };

  if (opts.json) printJson({ user: { ...shown, ...usernameOf(apiUser) }, groups: rows.map(toJson), errors });
  else if (rows.length > 0) printText(formatExplanation(shown, rows));
  for (const error of errors) printNote(`gcsync: ${error}`);
  return errors.length > 0 ? EXIT_ERROR : EXIT_OK;
}

/** Reads the user by id, or finds them by exact email first; fails closed on incomplete attribute data. */
async function readUser(reads: ExplainReads, idOrEmail: string, expand: readonly string[]): Promise<ExplainApiUser> {
  let id = idOrEmail;
  if (idOrEmail.includes('@')) {
    const wanted = idOrEmail.toLowerCase();
    // The search is asked for an exact email; check it, so a looser server match can never pick someone else.
    const found = (await searchByEmail(reads, idOrEmail)).filter((u) => u.email?.toLowerCase() === wanted && u.id);
    if (found.length === 0) throw new ExplainError(`no Genesys user has the email ${idOrEmail}`);
    if (found.length > 1) {
      const ids = found.map((u) => u.id as string).sort();
      throw new ExplainError(
        `${found.length} Genesys users have the email ${idOrEmail} (${ids.join(', ')}); use --user ID`,
      );
    }
    id = found[0].id as string;
  }
  const user = await reads.getUser(id, expand);
  if (user === undefined) {
    // User reads are division-filtered: a user in a division this OAuth client may not view looks the same.
    throw new ExplainError(
      `no Genesys user has the id ${id} that this OAuth client can read (or it lacks directory:user:view in the ` +
        "user's division)",
    );
  }
  // Genesys resolves expand "best effort": a user without `authorization` would look role-less and the
  // explanation would be wrong. Say so rather than guess (the planner refuses such data too).
  const missing = expand.filter((field) => (user as Record<string, unknown>)[field] === undefined);
  if (missing.length > 0) {
    throw new ExplainError(
      `Genesys returned user ${id} without ${missing.join(', ')}; cannot explain from incomplete data`,
    );
  }
  return user;
}

async function searchByEmail(reads: ExplainReads, email: string): Promise<ExplainApiUser[]> {
  try {
    return await reads.findUsersByEmail(email);
  } catch (err) {
    if (err instanceof GenesysApiError && err.status === 404) {
      throw new ExplainError(
        `this Genesys service has no user search (POST /api/v2/users/search answered 404); use --user with the user's id`,
      );
    }
    throw err;
  }
}

/** The targets to explain (rules order) and sentences for groups that could not be resolved. */
async function resolveTargets(
  reads: ExplainReads,
  doc: RulesDocument,
  only: string | undefined,
): Promise<{ targets: Omit<ObservedTarget, 'member'>[]; errors: string[] }> {
  const keys = doc.groups.map((g) => g.group);
  const resolution = resolveGroupRefs(keys, await reads.listGroups());
  if (only === undefined) return { targets: resolution.resolved.map(toTarget), errors: resolution.errors };

  const byKey = resolution.resolved.find((r) => r.key === only);
  const byGenesys = resolution.resolved.filter((r) => r.groupId === only || r.groupName === only);
  const target = byKey ?? (byGenesys.length === 1 ? byGenesys[0] : undefined);
  if (target !== undefined) return { targets: [toTarget(target)], errors: [] };
  if (keys.includes(only)) {
    // In the rules but not resolvable in Genesys: say why (not found, ambiguous name, listed twice).
    const why = resolution.errors.find((e) => e.includes(`'${only}'`)) ?? `group '${only}' could not be resolved`;
    throw new ExplainError(why);
  }
  throw new ExplainError(`group '${only}' is not in the rules (groups: ${keys.map((k) => `'${k}'`).join(', ')})`);
}

function toTarget(r: ResolvedGroupRef): Omit<ObservedTarget, 'member'> {
  return { key: r.key, groupId: r.groupId, groupName: r.groupName };
}

function toJson(row: GroupExplanation) {
  return {
    group: row.key,
    groupId: row.groupId,
    groupName: row.groupName,
    mode: row.mode,
    member: row.member,
    desired: row.desired,
    action: row.action,
    clause: row.reason.clause,
    reason: row.reason.text,
  };
}

function emailOf(user: ExplainApiUser): { email?: string } {
  return user.email ? { email: user.email } : {};
}

function usernameOf(user: ExplainApiUser): { username?: string } {
  return user.username ? { username: user.username } : {};
}
