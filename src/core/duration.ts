/** Duration strings in rules files (`approvalTimeout: 24h`). */

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SEGMENT = /(\d+)([smhd])/g;
const WHOLE = /^(?:\d+[smhd])+$/;

/**
 * Parses a duration such as `90s`, `15m`, `24h`, `7d` or a compound like `1h30m` into milliseconds.
 * Only whole numbers and the units s, m, h, d are accepted, so `1.5h`, `24` and `24 h` are errors: an
 * ambiguous timeout on an approval gate should fail loudly rather than be guessed.
 *
 * @throws Error naming the offending text and the accepted forms.
 */
export function parseDuration(text: string): number {
  if (typeof text !== 'string' || !WHOLE.test(text)) {
    throw new Error(
      `invalid duration ${JSON.stringify(text)}: expected a whole number followed by s, m, h or d (e.g. 90s, 15m, 24h, 7d, 1h30m)`,
    );
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(SEGMENT)) total += Number(amount) * UNIT_MS[unit];
  if (!Number.isSafeInteger(total)) throw new Error(`invalid duration ${JSON.stringify(text)}: too long`);
  return total;
}
