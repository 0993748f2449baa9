/**
 * Deterministic org generator: the same (seed, users, groups, inactiveUsers) always yields byte-identical users,
 * groups and memberships. Generated groups start from a simple attribute rule and then drift (some matching users
 * missing, a few outsiders present) so a reconciler always has work to do on a fresh org.
 */
import {
  DEPARTMENT_WEIGHTS,
  DIVISION_WEIGHTS,
  FIRST_NAMES,
  LAST_NAMES,
  MANAGER_TITLES,
  TITLE_WEIGHTS,
  buildCatalog,
} from './catalog';
import type { Catalog, GeneratorRule, GroupRecord, NamedEntity, Org, UserRecord, UserSkill } from './model';
import { Prng, weightedPicker } from './prng';

/** Inputs of {@link generateOrg}. */
export interface GenerateOptions {
  seed: number;
  /** Active users. */
  users: number;
  groups: number;
  /** Extra users in state `inactive`, appended after the active ones. */
  inactiveUsers?: number;
  /** Share of rule-matching users left out of a generated group (drift). Default 0.1. */
  missingRatio?: number;
  /** Outsiders added to a generated group, as a share of its matching users (drift). Default 0.02. */
  outsiderRatio?: number;
  /**
   * When > 0, groups select generated cohort skills (one per group) and each user holds about this many, so each
   * user matches about this many groups (realistic density for large orgs). Default 0: today's attribute rules.
   */
  membershipsPerUser?: number;
}

/** Fixed reference date so generated `dateModified` values do not depend on when the emulator starts. */
const GENERATION_EPOCH_MS = Date.UTC(2026, 0, 1);
const DAY_MS = 86_400_000;
const EMAIL_DOMAIN = 'example.com';

/**
 * Role lists are shared between users with the same title (and the same random extras): a 200,000-user org then
 * needs a few dozen arrays instead of 200,000. Records are never mutated in place, so sharing is safe.
 */
class RolePicker {
  private readonly cache = new Map<string, NamedEntity[]>();
  private readonly byName: Map<string, NamedEntity>;

  constructor(private readonly catalog: Catalog) {
    this.byName = new Map(catalog.roles.map((r) => [r.name, r]));
  }

  pick(prng: Prng, title: string): NamedEntity[] {
    const outbound = title.includes('Agent') && prng.chance(0.15);
    const extra = prng.chance(0.05) ? prng.pick(this.catalog.roles) : undefined;
    const key = `${title}|${outbound}|${extra?.name ?? ''}`;
    let roles = this.cache.get(key);
    if (!roles) {
      roles = this.build(title, outbound, extra);
      this.cache.set(key, roles);
    }
    return roles;
  }

  private build(title: string, outbound: boolean, extra: NamedEntity | undefined): NamedEntity[] {
    const names = ['Employee'];
    if (title.includes('Agent')) names.push(outbound ? 'Outbound Agent' : 'Agent');
    if (title === 'Supervisor' || title === 'Team Lead' || title === 'Manager') names.push('Supervisor');
    if (title.includes('Engineer')) names.push('Developer');
    if (title.includes('Quality')) names.push('Quality Evaluator');
    if (title === 'Workforce Planner') names.push('Workforce Manager');
    if (title === 'Analyst') names.push('Reporting Analyst');
    if (title === 'Trainer') names.push('Trainer');
    if (title === 'Director') names.push('Admin');
    if (title.startsWith('Contractor')) names.push('Contractor Access');
    // Master Admin stays rare: only fixtures and the occasional Director get it.
    if (extra && extra.name !== 'Master Admin' && !names.includes(extra.name)) names.push(extra.name);
    return names.map((n) => this.byName.get(n) ?? this.catalog.roles[0]);
  }
}

function pickSkills(prng: Prng, catalog: Catalog): UserSkill[] {
  const count = prng.int(5);
  if (count === 0) return NO_SKILLS;
  return prng.sample(catalog.skills, count).map((skill) => ({ skill, proficiency: 1 + prng.int(5) }));
}

const NO_SKILLS: UserSkill[] = [];
const NO_LOCATIONS: NamedEntity[] = [];

/** Generates `count` active users (then `inactive` inactive ones) against `catalog`. */
export function generateUsers(seed: number, catalog: Catalog, count: number, inactive = 0): UserRecord[] {
  const prng = new Prng(seed, 'users');
  const users: UserRecord[] = new Array<UserRecord>(count + inactive);
  const managers: string[] = [];
  const names = new Map<string, { display: string; local: string; seen: number }>();
  const pickTitle = weightedPicker(catalog.titles, TITLE_WEIGHTS);
  const pickDepartment = weightedPicker(catalog.departments, DEPARTMENT_WEIGHTS);
  const pickDivision = weightedPicker(catalog.divisions, DIVISION_WEIGHTS);
  const locationLists = catalog.locations.map((l) => [l]);
  const roles = new RolePicker(catalog);
  for (let i = 0; i < users.length; i++) {
    const first = prng.pick(FIRST_NAMES);
    const last = prng.pick(LAST_NAMES);
    // Display names are shared strings; only the email needs to be unique per user.
    const nameKey = first + last;
    let name = names.get(nameKey);
    if (!name) {
      name = { display: `${first} ${last}`, local: `${first}.${last}`.toLowerCase(), seen: 0 };
      names.set(nameKey, name);
    }
    const email = `${name.seen === 0 ? name.local : name.local + name.seen}@${EMAIL_DOMAIN}`;
    name.seen++;
    // The first user heads the org so every later user can have a manager.
    const title = i === 0 ? 'Director' : pickTitle(prng);
    const id = prng.uuid();
    const user: UserRecord = {
      id,
      name: name.display,
      email,
      username: email,
      state: i < count ? 'active' : 'inactive',
      title,
      department: pickDepartment(prng),
      division: pickDivision(prng),
      managerId: managers.length > 0 ? managers[prng.int(managers.length)] : undefined,
      version: 1 + prng.int(6),
      roles: roles.pick(prng, title),
      skills: pickSkills(prng, catalog),
      locations: prng.chance(0.95) ? locationLists[prng.int(locationLists.length)] : NO_LOCATIONS,
    };
    if (MANAGER_TITLES.has(title)) managers.push(id);
    users[i] = user;
  }
  return users;
}

/** The rule behind the i-th generated group, cycling through attribute kinds so every kind is represented. */
function ruleFor(index: number, catalog: Catalog): { rule: GeneratorRule; name: string } {
  const round = Math.floor(index / 6);
  switch (index % 6) {
    case 0: {
      const value = catalog.departments[round % catalog.departments.length];
      return { rule: { attribute: 'department', value }, name: `${value} Team` };
    }
    case 1: {
      // Skip Employee (everyone holds it) and Master Admin (generated users never do).
      const roles = catalog.roles.filter((r) => r.name !== 'Employee' && r.name !== 'Master Admin');
      const value = roles[round % roles.length].name;
      return { rule: { attribute: 'role', value }, name: `${value} Role` };
    }
    case 2: {
      const value = catalog.divisions[round % catalog.divisions.length].name;
      return { rule: { attribute: 'division', value }, name: `${value} Division` };
    }
    case 3: {
      const words = ['Contractor', 'Agent', 'Engineer', 'Lead', 'Analyst'];
      const value = words[round % words.length];
      return { rule: { attribute: 'titleContains', value }, name: `${value} Titles` };
    }
    case 4: {
      const value = catalog.locations[round % catalog.locations.length].name;
      return { rule: { attribute: 'location', value }, name: `${value} Site` };
    }
    default: {
      const value = catalog.skills[round % catalog.skills.length].name;
      return { rule: { attribute: 'skill', value }, name: `${value} Skilled` };
    }
  }
}

/** Whether `user` satisfies a generator rule. */
export function matchesRule(user: UserRecord, rule: GeneratorRule): boolean {
  switch (rule.attribute) {
    case 'department':
      return user.department === rule.value;
    case 'role':
      return user.roles.some((r) => r.name === rule.value);
    case 'division':
      return user.division.name === rule.value;
    case 'titleContains':
      return user.title.includes(rule.value);
    case 'location':
      return user.locations.some((l) => l.name === rule.value);
    case 'skill':
      return user.skills.some((s) => s.skill.name === rule.value);
  }
}

/** Generates `count` groups whose initial individuals follow {@link ruleFor} plus drift. */
export function generateGroups(
  seed: number,
  catalog: Catalog,
  users: readonly UserRecord[],
  count: number,
  missingRatio = 0.1,
  outsiderRatio = 0.02,
): GroupRecord[] {
  const idPrng = new Prng(seed, 'groups');
  const memberPrng = new Prng(seed, 'membership');
  const groups: GroupRecord[] = [];
  const names = new Set<string>();
  for (let g = 0; g < count; g++) {
    const { rule, name: baseName } = ruleFor(g, catalog);
    let name = baseName;
    for (let n = 2; names.has(name); n++) name = `${baseName} ${n}`;
    names.add(name);
    const members = new Set<string>();
    for (const user of users) {
      if (matchesRule(user, rule) && !memberPrng.chance(missingRatio)) members.add(user.id);
    }
    const outsiders = users.length === 0 ? 0 : Math.max(1, Math.round(members.size * outsiderRatio));
    for (let k = 0; k < outsiders; k++) members.add(users[memberPrng.int(users.length)].id);
    groups.push({
      id: idPrng.uuid(),
      name,
      description: `Seeded group; initial members follow ${rule.attribute} = "${rule.value}" with drift.`,
      type: 'official',
      visibility: 'public',
      rulesVisible: true,
      state: 'active',
      version: 1 + idPrng.int(20),
      dateModified: GENERATION_EPOCH_MS - idPrng.int(365) * DAY_MS,
      members,
      generatorRule: rule,
    });
  }
  return groups;
}

/** Name of the i-th cohort skill (zero-padded so names sort like the groups). */
export function cohortSkillName(index: number): string {
  return `Cohort ${String(index + 1).padStart(4, '0')}`;
}

/** `count` distinct integers in [0, n), drawn by rejection (count is small next to n in practice). */
function distinctInts(prng: Prng, n: number, count: number): number[] {
  if (count >= n) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  while (out.length < count) {
    const k = prng.int(n);
    if (!out.includes(k)) out.push(k);
  }
  return out.sort((a, b) => a - b);
}

/**
 * Cohort mode: adds `groupCount` skills to the catalog, gives every active user about `perUser` of them (a
 * seeded count of perUser ± 1), and returns, per cohort, the matching users in user order. One pass over users,
 * so 200,000 users × 2,000 groups stays fast; skill entries are shared objects to keep memory small.
 */
function assignCohorts(
  seed: number,
  catalog: Catalog,
  users: readonly UserRecord[],
  groupCount: number,
  perUser: number,
): { skills: NamedEntity[]; matches: string[][] } {
  const prng = new Prng(seed, 'cohorts');
  const skills: NamedEntity[] = [];
  for (let g = 0; g < groupCount; g++) skills.push({ id: prng.uuid(), name: cohortSkillName(g) });
  (catalog.skills as NamedEntity[]).push(...skills);
  const held: UserSkill[] = skills.map((skill) => ({ skill, proficiency: 3 }));
  const matches: string[][] = skills.map(() => []);
  for (const user of users) {
    if (user.state !== 'active' || groupCount === 0) continue;
    const count = Math.max(0, perUser - 1 + prng.int(3));
    const picked = distinctInts(prng, groupCount, count);
    if (picked.length === 0) continue;
    user.skills = [...user.skills, ...picked.map((k) => held[k])];
    for (const k of picked) matches[k].push(user.id);
  }
  return { skills, matches };
}

/** Cohort groups: group g selects cohort skill g; drift as in {@link generateGroups}. */
function generateCohortGroups(
  seed: number,
  users: readonly UserRecord[],
  cohorts: { skills: NamedEntity[]; matches: string[][] },
  missingRatio: number,
  outsiderRatio: number,
): GroupRecord[] {
  const idPrng = new Prng(seed, 'groups');
  const memberPrng = new Prng(seed, 'membership');
  return cohorts.skills.map((skill, g) => {
    const rule: GeneratorRule = { attribute: 'skill', value: skill.name };
    const members = new Set<string>();
    for (const id of cohorts.matches[g]) if (!memberPrng.chance(missingRatio)) members.add(id);
    const outsiders = users.length === 0 ? 0 : Math.round(cohorts.matches[g].length * outsiderRatio);
    for (let k = 0; k < outsiders; k++) members.add(users[memberPrng.int(users.length)].id);
    return {
      id: idPrng.uuid(),
      name: `${skill.name} Skilled`,
      description: `Seeded group; initial members follow skill = "${skill.name}" with drift.`,
      type: 'official',
      visibility: 'public',
      rulesVisible: true,
      state: 'active',
      version: 1 + idPrng.int(20),
      dateModified: GENERATION_EPOCH_MS - idPrng.int(365) * DAY_MS,
      members,
      generatorRule: rule,
    };
  });
}

/** Generates a complete org. */
export function generateOrg(opts: GenerateOptions): Org {
  const catalog = buildCatalog(opts.seed);
  const users = generateUsers(opts.seed, catalog, opts.users, opts.inactiveUsers ?? 0);
  if ((opts.membershipsPerUser ?? 0) > 0) {
    const cohorts = assignCohorts(opts.seed, catalog, users, opts.groups, opts.membershipsPerUser ?? 0);
    const groups = generateCohortGroups(
      opts.seed,
      users,
      cohorts,
      opts.missingRatio ?? 0.1,
      opts.outsiderRatio ?? 0.02,
    );
    return { catalog, users, groups };
  }
  const groups = generateGroups(opts.seed, catalog, users, opts.groups, opts.missingRatio, opts.outsiderRatio);
  return { catalog, users, groups };
}
