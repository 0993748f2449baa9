/** The rules file's one way of refusing unknown keys: the error lists what is allowed there. */
import { z } from 'zod';

/** `word` or `words`. */
export function plural(word: string, count: number): string {
  return count === 1 ? word : `${word}s`;
}

/** `'a', 'b'`: names quoted for a message. */
export function quoteList(items: readonly string[]): string {
  return items.map((item) => `'${item}'`).join(', ');
}

/** A strict object whose unknown-key error also lists what is allowed there. */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown ${plural('key', issue.keys.length)} ${quoteList(issue.keys)} (allowed: ${allowed})`
        : undefined,
  });
}
