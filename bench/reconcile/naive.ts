/**
 * The naive baseline: how a tutorial writes this job with the official SDK (`purecloud-platform-client-v2`).
 * Lists users 100 per page, lists groups, reads every group's `/individuals`, computes the diff, then for each
 * batch of ≤ 50 changes reads the group (for its version) and writes: strictly sequential, and on a 429 sleeps a
 * fixed 2 s and tries again. No pacing, no concurrency, no re-use of versions.
 *
 * Run by `bench/reconcile/main.ts` as a child process (so its CPU and memory are its own):
 *   node --import tsx bench/reconcile/naive.ts <NaiveSpec JSON file>   (secret in NAIVE_CLIENT_SECRET)
 * Prints one JSON line, a {@link NaiveResult}.
 */
import { readFileSync } from 'node:fs';
import { loggedInSdk, type EmulatorSdk } from '../../test/support/emulator-sdk';

/** What to reconcile: each group's name and the skill its members must hold. */
export interface NaiveSpec {
  url: string;
  clientId: string;
  groups: { name: string; skill: string }[];
}

/** What the script did. */
export interface NaiveResult {
  wallMs: number;
  added: number;
  removed: number;
  groupsChanged: number;
  /** 429 answers the script slept on. */
  sleptOn429: number;
}

const PAGE_SIZE = 100;
const BATCH = 50;
const SLEEP_ON_429_MS = 2_000;

interface SdkUser {
  id?: string;
  skills?: { name?: string }[];
}

async function main(): Promise<void> {
  const specFile = process.argv[2];
  if (!specFile) throw new Error('usage: naive.ts <spec.json>');
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as NaiveSpec;
  const secret = process.env.NAIVE_CLIENT_SECRET;
  if (!secret) throw new Error('NAIVE_CLIENT_SECRET is not set');
  const started = Date.now();
  const result: NaiveResult = { wallMs: 0, added: 0, removed: 0, groupsChanged: 0, sleptOn429: 0 };

  // The tutorial's retry: any 429 → wait 2 s, same call again.
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        if ((err as { status?: number }).status !== 429) throw err;
        result.sleptOn429++;
        await new Promise((r) => setTimeout(r, SLEEP_ON_429_MS));
      }
    }
  };
  const sdk: EmulatorSdk = await call(() => loggedInSdk(spec.url, spec.clientId, secret));

  const users: SdkUser[] = [];
  for (let page = 1; ; page++) {
    const listing = await call(() => sdk.users.getUsers({ pageSize: PAGE_SIZE, pageNumber: page, expand: ['skills'] }));
    users.push(...((listing.entities ?? []) as SdkUser[]));
    if (page >= (listing.pageCount ?? 0)) break;
  }

  const groupIds = new Map<string, string>();
  for (let page = 1; ; page++) {
    const listing = await call(() => sdk.groups.getGroups({ pageSize: PAGE_SIZE, pageNumber: page }));
    for (const g of listing.entities ?? []) if (g.name && g.id) groupIds.set(g.name, g.id);
    if (page >= (listing.pageCount ?? 0)) break;
  }

  // Desired members per skill, indexed once: the baseline is about API calls, not about CPU in the diff.
  const holders = new Map<string, string[]>();
  for (const u of users) {
    for (const s of u.skills ?? []) {
      if (!s.name) continue;
      const list = holders.get(s.name) ?? [];
      list.push(String(u.id));
      holders.set(s.name, list);
    }
  }

  const plan: { groupId: string; adds: string[]; removes: string[] }[] = [];
  for (const { name, skill } of spec.groups) {
    const groupId = groupIds.get(name);
    if (!groupId) throw new Error(`group ${name} not found`);
    const individuals = await call(() => sdk.groups.getGroupIndividuals(groupId));
    const current = new Set((individuals.entities ?? []).map((u) => String(u.id)));
    const desired = new Set(holders.get(skill) ?? []);
    const adds = [...desired].filter((id) => !current.has(id));
    const removes = [...current].filter((id) => !desired.has(id));
    if (adds.length || removes.length) plan.push({ groupId, adds, removes });
  }

  for (const { groupId, adds, removes } of plan) {
    result.groupsChanged++;
    for (let i = 0; i < removes.length; i += BATCH) {
      const batch = removes.slice(i, i + BATCH);
      await call(() => sdk.groups.getGroup(groupId));
      await call(() => sdk.groups.deleteGroupMembers(groupId, batch.join(',')));
      result.removed += batch.length;
    }
    for (let i = 0; i < adds.length; i += BATCH) {
      const batch = adds.slice(i, i + BATCH);
      const group = await call(() => sdk.groups.getGroup(groupId));
      await call(() => sdk.groups.postGroupMembers(groupId, { memberIds: batch, version: group.version ?? 0 }));
      result.added += batch.length;
    }
  }
  result.wallMs = Date.now() - started;
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((err: unknown) => {
  const detail = err instanceof Error ? (err.stack ?? err.message) : JSON.stringify(err);
  process.stderr.write(`naive: ${detail}\n`);
  process.exit(1);
});
