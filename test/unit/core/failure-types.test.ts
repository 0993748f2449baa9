/**
 * The failure type names live in one module: every name listed is thrown by some activity (a name nobody throws
 * would sit in retry policies' `nonRetryableErrorTypes` and mislead), and activities throw no name spelled out as a
 * string literal instead of through FAILURE_TYPES.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FAILURE_TYPES, NON_RETRYABLE_READ_FAILURES } from '../../../src/core/failure-types';

const activitiesDir = join(__dirname, '..', '..', '..', 'activities');
const activitySources = readdirSync(activitiesDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, source: readFileSync(join(activitiesDir, f), 'utf8') }));

describe('FAILURE_TYPES', () => {
  it.each(Object.keys(FAILURE_TYPES))('%s is thrown by an activity', (key) => {
    const users = activitySources.filter(({ source }) => source.includes(`FAILURE_TYPES.${key}`));
    expect(users.map((u) => u.file)).not.toEqual([]);
  });

  it.each(Object.values(FAILURE_TYPES))('activities never spell %s as a string literal', (name) => {
    const spelled = activitySources.filter(
      ({ source }) => source.includes(`'${name}'`) || source.includes(`"${name}"`),
    );
    expect(spelled.map((s) => s.file)).toEqual([]);
  });

  it('has distinct names', () => {
    const names = Object.values(FAILURE_TYPES);
    expect(new Set(names).size).toBe(names.length);
  });

  it('lists only known names as non-retryable for reads', () => {
    const known = new Set<string>(Object.values(FAILURE_TYPES));
    expect(NON_RETRYABLE_READ_FAILURES.filter((name) => !known.has(name))).toEqual([]);
  });
});
