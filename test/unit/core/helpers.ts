/** Builders shared by the core unit tests. */
import type { DirectoryUser } from '../../../src/core/directory-user';
import type { GroupPlan } from '../../../src/core/diff';
import { parseRules } from '../../../src/core/rules-parse';
import type { RulesDocument } from '../../../src/core/rules-schema';

/** An active user with no attributes, overridable. */
export function user(id: string, fields: Partial<DirectoryUser> = {}): DirectoryUser {
  return { id, name: `User ${id}`, state: 'active', roles: [], skills: [], locations: [], ...fields };
}

/** Parses YAML rules text, failing the test with the full error text if invalid. */
export function rules(yaml: string): RulesDocument {
  return parseRules(yaml, 'rules.yaml');
}

/** The issues `parseRules` reports for `yaml` as `path: message` strings (empty if it parses). */
export function errorsOf(yaml: string): string[] {
  try {
    parseRules(yaml, 'rules.yaml');
    return [];
  } catch (err) {
    return (err as Error).message.split('\n');
  }
}

/** A group plan with counts derived from the id lists. */
export function groupPlan(
  groupId: string,
  toAdd: string[],
  toRemove: string[],
  currentCount = 100,
  groupName = `Group ${groupId}`,
): GroupPlan {
  return {
    groupId,
    groupName,
    mode: 'exact',
    toAdd,
    toRemove,
    unchanged: currentCount - toRemove.length,
    currentCount,
    desiredCount: currentCount - toRemove.length + toAdd.length,
  };
}
