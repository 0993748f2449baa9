/** Evaluating selectors against directory users. */
import type { DirectoryUser } from './directory-user';
import { compileMatcher } from './matcher';
import type { GroupRule, Selector } from './rules-schema';

/** A compiled selector. */
export type UserPredicate = (user: DirectoryUser) => boolean;

/**
 * Compiles a selector into a predicate, building each regex once. A user without the attribute never matches
 * an attribute selector (so `not: {department: X}` does match users with no department).
 */
export function compileSelector(selector: Selector): UserPredicate {
  switch (selector.kind) {
    case 'any': {
      const parts = selector.of.map(compileSelector);
      return (user) => parts.some((part) => part(user));
    }
    case 'all': {
      const parts = selector.of.map(compileSelector);
      return (user) => parts.every((part) => part(user));
    }
    case 'not': {
      const inner = compileSelector(selector.of);
      return (user) => !inner(user);
    }
    case 'role': {
      const test = compileMatcher(selector.match);
      return (user) => user.roles.some((role) => hit(test, role.name, role.id));
    }
    case 'division': {
      const test = compileMatcher(selector.match);
      return (user) => hit(test, user.divisionName, user.divisionId);
    }
    case 'department': {
      const test = compileMatcher(selector.match);
      return (user) => hit(test, user.department);
    }
    case 'title': {
      const test = compileMatcher(selector.match);
      return (user) => hit(test, user.title);
    }
    case 'location': {
      const test = compileMatcher(selector.match);
      return (user) => user.locations.some((location) => hit(test, location.name, location.id));
    }
    case 'skill': {
      const test = compileMatcher(selector.match);
      const min = selector.minProficiency ?? 0;
      return (user) => user.skills.some((skill) => skill.proficiency >= min && hit(test, skill.name, skill.id));
    }
    case 'manager': {
      const test = compileMatcher(selector.match);
      return (user) => hit(test, user.managerId);
    }
    case 'userId': {
      const test = compileMatcher(selector.match);
      return (user) => hit(test, user.id);
    }
  }
}

// Absent and empty values are skipped so that a regex like /^$/ or /.*/ cannot match a missing attribute.
function hit(test: (candidate: string) => boolean, ...values: Array<string | undefined>): boolean {
  return values.some((value) => value !== undefined && value !== '' && test(value));
}

/** Whether `user` satisfies `selector` (ignores the user's state; see {@link desiredMembers}). */
export function matches(selector: Selector, user: DirectoryUser): boolean {
  return compileSelector(selector)(user);
}

/**
 * The ids of users a rule selects directly: active users matching `include` and not matching `exclude`,
 * sorted and unique. A rule without `include` selects nobody here; members contributed by `includeGroups`
 * are added by `resolveDesired`.
 */
export function desiredMembers(
  rule: Pick<GroupRule, 'include' | 'exclude'>,
  users: readonly DirectoryUser[],
): string[] {
  if (rule.include === undefined) return [];
  const include = compileSelector(rule.include);
  const exclude = rule.exclude === undefined ? undefined : compileSelector(rule.exclude);
  const ids = new Set<string>();
  for (const user of users) {
    if (user.state === 'active' && include(user) && !(exclude?.(user) ?? false)) ids.add(user.id);
  }
  return [...ids].sort();
}
