/**
 * Fixed vocabularies for the org generator and the catalog built from them. Ids come from the seeded PRNG, so
 * one seed always yields the same role, division, skill and location ids whatever the org size.
 */
import type { Catalog, NamedEntity } from './model';
import { Prng } from './prng';

export const ROLE_NAMES = [
  'Employee',
  'Agent',
  'Supervisor',
  'Admin',
  'Master Admin',
  'Quality Evaluator',
  'Developer',
  'Workforce Manager',
  'Reporting Analyst',
  'Trainer',
  'Outbound Agent',
  'Contractor Access',
] as const;

export const DIVISION_NAMES = ['Home', 'North America', 'EMEA', 'APAC', 'LATAM', 'Back Office'] as const;
/** Relative frequency of each division; most real orgs keep the bulk of users in Home. */
export const DIVISION_WEIGHTS = [40, 20, 15, 10, 8, 7] as const;

export const DEPARTMENT_NAMES = [
  'Sales',
  'Support',
  'Billing',
  'Collections',
  'Retention',
  'Engineering',
  'Human Resources',
  'Finance',
  'Marketing',
  'Operations',
  'Quality',
  'IT',
] as const;
export const DEPARTMENT_WEIGHTS = [18, 24, 10, 6, 8, 8, 3, 3, 4, 8, 4, 4] as const;

/** Titles; the `Contractor` ones let rules exercise substring matches. */
export const TITLE_NAMES = [
  'Agent',
  'Senior Agent',
  'Team Lead',
  'Supervisor',
  'Manager',
  'Director',
  'Analyst',
  'Engineer',
  'Quality Analyst',
  'Trainer',
  'Workforce Planner',
  'Contractor - Agent',
  'Contractor - Engineer',
  'Contractor Support Specialist',
] as const;
export const TITLE_WEIGHTS = [40, 14, 5, 4, 2, 0.5, 5, 6, 3, 2, 2, 8, 2, 2] as const;

/** Titles whose holders can be picked as someone's manager. */
export const MANAGER_TITLES: ReadonlySet<string> = new Set(['Team Lead', 'Supervisor', 'Manager', 'Director']);

export const LOCATION_NAMES = [
  'Indianapolis',
  'Raleigh',
  'Toronto',
  'Dublin',
  'London',
  'Frankfurt',
  'Sydney',
  'Tokyo',
  'Sao Paulo',
  'Remote',
] as const;

export const SKILL_NAMES = [
  'Sales',
  'Billing',
  'Technical Support',
  'Escalations',
  'Retention',
  'VIP',
  'Chat',
  'Email',
  'Outbound',
  'Spanish',
  'French',
  'German',
] as const;

// prettier-ignore
export const FIRST_NAMES = [
  'Ada', 'Alan', 'Amara', 'Ana', 'Arjun', 'Ben', 'Bianca', 'Carlos', 'Chen', 'Chloe', 'Daniel', 'Diego', 'Elena',
  'Emma', 'Fatima', 'Felix', 'Grace', 'Hana', 'Hugo', 'Ines', 'Isaac', 'Jack', 'Jana', 'Javier', 'Kai', 'Kenji',
  'Lara', 'Leo', 'Liam', 'Lucia', 'Maya', 'Mei', 'Mia', 'Noah', 'Nora', 'Olga', 'Omar', 'Paul', 'Priya', 'Quinn',
  'Rafael', 'Rosa', 'Sam', 'Sara', 'Sofia', 'Tariq', 'Tom', 'Uma', 'Victor', 'Wei', 'Yara', 'Yusuf', 'Zoe',
] as const;

// prettier-ignore
export const LAST_NAMES = [
  'Adams', 'Ahmed', 'Alvarez', 'Bauer', 'Becker', 'Brown', 'Costa', 'Dubois', 'Evans', 'Fischer', 'Garcia', 'Gupta',
  'Hansen', 'Ito', 'Jensen', 'Johnson', 'Kim', 'Kowalski', 'Lee', 'Lopez', 'Martin', 'Meyer', 'Moreau', 'Murphy',
  'Nakamura', 'Nguyen', 'Novak', 'OBrien', 'Okafor', 'Patel', 'Petrov', 'Rossi', 'Santos', 'Schmidt', 'Silva',
  'Singh', 'Smith', 'Suzuki', 'Tanaka', 'Taylor', 'Walsh', 'Wang', 'Weber', 'Williams', 'Wilson', 'Young', 'Zhang',
] as const;

function entities(prng: Prng, names: readonly string[]): NamedEntity[] {
  return names.map((name) => ({ id: prng.uuid(), name }));
}

/** Builds the catalog for `seed`; the same seed always gives the same ids. */
export function buildCatalog(seed: number): Catalog {
  const prng = new Prng(seed, 'catalog');
  return {
    roles: entities(prng, ROLE_NAMES),
    divisions: entities(prng, DIVISION_NAMES),
    departments: [...DEPARTMENT_NAMES],
    titles: [...TITLE_NAMES],
    locations: entities(prng, LOCATION_NAMES),
    skills: entities(prng, SKILL_NAMES),
  };
}
