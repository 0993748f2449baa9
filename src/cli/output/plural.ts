/** `1 group`, `2 groups`: counts in sentences read naturally. */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
