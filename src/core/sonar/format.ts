/** 10030 -> "10,030", as the sentences next to "10,000" write it. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 finding", "10,030 findings". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** "14:05" in the local time zone: when the last good data was read. */
export function clockTime(date: Date): string {
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}
