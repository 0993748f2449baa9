/** Quoting for commands gcsync prints for the operator to paste into a POSIX shell. */

/** A word as the shell should see it: bare when it holds only safe characters, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
