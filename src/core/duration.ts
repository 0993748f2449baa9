/** Duration strings in rules files (`approvalTimeout: 24h`). */

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SEGMENT = /(\d+)([smhd])/g;
const WHOLE = /^(?:\d+[smhd])+$/;
/** Longest duration text accepted (`1d12h30m15s` is 11). */
const MAX_TEXT_LENGTH = 32;

/** Longest approval wait a rules file or a request may ask for: 30 days. */
export const MAX_APPROVAL_TIMEOUT_MS = 30 * 86_400_000;
/** Longest duration of any kind: 366 days (beyond that a value is a typo, and timers misbehave). */
export const MAX_DURATION_MS = 366 * 86_400_000;

/**
 * Parses a duration such as `90s`, `15m`, `24h`, `7d` or a compound like `1h30m` into milliseconds.
 * Only whole numbers and the units s, m, h, d are accepted, so `1.5h`, `24` and `24 h` are errors: an
 * ambiguous timeout on an approval gate should fail loudly rather than be guessed.
 *
 * @throws Error naming the offending text and the accepted forms.
 */
export function parseDuration(text: string): number {
  if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH || !WHOLE.test(text)) {
    const shown =
      typeof text === 'string' && text.length > MAX_TEXT_LENGTH ? `${text.slice(0, MAX_TEXT_LENGTH)}…` : text;
    throw new Error(
      `invalid duration ${JSON.stringify(shown)}: expected a whole number followed by s, m, h or d (e.g. 90s, 15m, 24h, 7d, 1h30m)`,
    );
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(SEGMENT)) total += Number(amount) * UNIT_MS[unit];
  if (!Number.isSafeInteger(total) || total > MAX_DURATION_MS) {
    throw new Error(`invalid duration ${JSON.stringify(text)}: too long (at most 366d)`);
  }
  return total;
}
