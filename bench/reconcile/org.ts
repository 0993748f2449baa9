/**
 * The benchmark's org, built in an empty emulator through `emulator.state` (the way `test/support/scale-org.ts`
 * does): `users` users, `groups` target groups, each user holding `membershipsPerUser` skills so that they belong to
 * that many groups (rule `skill: "<name>"` per group), and each group drifted: `drift` × its wanted members are
 * missing and as many outsiders are present. Everything is derived from the seed, so building the org again in a
 * fresh emulator with the same seed gives the same ids and the same drift (the naive run relies on that).
 */
import { createHash } from 'node:crypto';
import type { RunningEmulator } from '../../src/emulator';

/** Sizes and drift of the org. */
export interface OrgSpec {
  users: number;
  groups: number;
  membershipsPerUser: number;
  drift: number;
  seed: number;
}

/** One target group as built. */
export interface BenchGroup {
  id: string;
  name: string;
  /** The skill its rule selects. */
  skill: string;
  /** Wanted members (sorted): what a converged org holds. */
  expected: string[];
  /** Members that must be added / removed to converge. */
  adds: number;
  removes: number;
  /** Individual members before the run. */
  initialCount: number;
}

/** The built org. */
export interface BenchOrg {
  /** YAML rules: one `mode: exact` rule per group, approval never. */
  rules: string;
  groups: BenchGroup[];
  users: number;
  /** SHA-256 over every group's id and initial members: equal digests = the same seeded org. */
  digest: string;
}

const pad = (n: number): string => String(n).padStart(5, '0');
/** Name of the k-th group. */
export const benchGroupName = (k: number): string => `Bench Group ${pad(k)}`;
// The distinguishing digits come first: the emulator finds catalog entries by a linear scan comparing names, and
// an early difference keeps building a 200,000-user org with 10 skills each fast.
const skillName = (k: number): string => `S${pad(k)} bench`;

/** The groups user `i` belongs to: `k` groups spread evenly over all groups. */
export function groupsOfUser(i: number, spec: Pick<OrgSpec, 'groups' | 'membershipsPerUser'>): number[] {
  const step = Math.floor(spec.groups / spec.membershipsPerUser);
  const out: number[] = [];
  for (let j = 0; j < spec.membershipsPerUser; j++) out.push((i + j * step) % spec.groups);
  return out;
}

/** How many members of a group of `wanted` members are missing (and how many outsiders are present). */
export function driftCount(wanted: number, drift: number): number {
  if (drift === 0 || wanted === 0) return 0;
  // At least one, so every group has work whatever its size.
  return Math.max(1, Math.round(wanted * drift));
}

/** Creates users and groups in `emulator`, which must be empty (`startEmulator({ users: 0, groups: 0 })`). */
export function buildBenchOrg(emulator: RunningEmulator, spec: OrgSpec): BenchOrg {
  const state = emulator.state;
  if (state.listUsers().length || state.listGroups().length) throw new Error('the emulator must start empty');
  const random = mulberry32(spec.seed);
  const userIds: string[] = new Array<string>(spec.users);
  const wanted: string[][] = Array.from({ length: spec.groups }, () => []);
  for (let i = 0; i < spec.users; i++) {
    const ks = groupsOfUser(i, spec);
    const user = state.createUser({
      name: `Bench User ${i}`,
      department: 'Bench',
      title: 'Agent',
      skills: ks.map((k) => ({ name: skillName(k) })),
    });
    userIds[i] = user.id;
    for (const k of ks) wanted[k].push(user.id);
  }

  const groups: BenchGroup[] = [];
  const hash = createHash('sha256');
  const lines = ['version: 1', 'policy:', '  requireApproval: never', 'groups:'];
  for (let k = 0; k < spec.groups; k++) {
    const want = wanted[k];
    const n = driftCount(want.length, spec.drift);
    const missing = new Set(pick(want, n, random));
    const wantSet = new Set(want);
    const outsiders = new Set<string>();
    // Rejection sampling: groups hold a small share of all users, so this ends quickly; bounded anyway.
    for (let tries = 0; outsiders.size < n && tries < 100 * n + 1000; tries++) {
      const id = userIds[Math.floor(random() * userIds.length)];
      if (!wantSet.has(id)) outsiders.add(id);
    }
    const memberIds = [...want.filter((id) => !missing.has(id)), ...outsiders];
    const group = state.createGroup({ name: benchGroupName(k), memberIds });
    hash.update(`${group.id}:${[...memberIds].sort().join(',')}\n`);
    groups.push({
      id: group.id,
      name: group.name,
      skill: skillName(k),
      expected: [...want].sort(),
      adds: missing.size,
      removes: outsiders.size,
      initialCount: memberIds.length,
    });
    lines.push(
      `  - group: ${JSON.stringify(group.name)}`,
      '    mode: exact',
      '    include:',
      `      skill: ${JSON.stringify(skillName(k))}`,
    );
  }
  return { rules: lines.join('\n') + '\n', groups, users: spec.users, digest: hash.digest('hex') };
}

/** Groups (by id) whose members differ from what the rules want; empty when the org converged. */
export function unconvergedGroups(emulator: RunningEmulator, org: BenchOrg): string[] {
  return org.groups
    .filter((g) => emulator.state.groupMembers(g.id).sort().join() !== g.expected.join())
    .map((g) => g.id);
}

/** True when two builds produced the same org (same ids, members and rules): the naive run's org equals gcsync's. */
export function sameOrg(a: BenchOrg, b: BenchOrg): boolean {
  return a.rules === b.rules && a.digest === b.digest;
}

function pick<T>(items: readonly T[], n: number, random: () => number): T[] {
  const copy = [...items];
  const out: T[] = [];
  for (let i = 0; i < n && copy.length; i++) {
    const j = Math.floor(random() * copy.length);
    out.push(copy[j]);
    copy[j] = copy[copy.length - 1];
    copy.pop();
  }
  return out;
}

/** Small seeded PRNG (mulberry32): the drift must be reproducible from the seed alone. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
