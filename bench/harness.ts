// Benchmark helpers: repeated timed rounds, medians, and the table the benchmarks print.

/** Runs `round` repeatedly for about `budgetMs` (at least `minRounds`) and returns each round's ms. */
export function timeRounds(round: () => void, budgetMs: number, minRounds = 5): number[] {
  const times: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (times.length < minRounds || performance.now() < deadline) {
    const start = performance.now();
    round();
    times.push(performance.now() - start);
  }
  return times;
}

/** The median of a list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Formats a byte count the way the tables show sizes: 32 B, 1 KiB, 64 KiB, 1 MiB. */
export function formatSize(bytes: number): string {
  if (bytes >= 1 << 20) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1024) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

/** Prints rows as an aligned text table. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

/** Formats a rate with a unit suffix (k, M). */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}
