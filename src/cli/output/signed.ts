/** Signed counts in tables and sentences: `+12` and `-3`, but a plain `0` (never `+0`, never `-0`). */
export function plusCount(n: number): string {
  return n ? `+${n}` : '0';
}

export function minusCount(n: number): string {
  return n ? `-${n}` : '0';
}
