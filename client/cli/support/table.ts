export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  align?: 'left' | 'right';
}

/** Plain aligned text columns: readable in a terminal and in a log, unlike console.table's box art. */
export function formatTable<T>(columns: Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((c) => display(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]!.align === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const header = line(columns.map((c) => c.header));
  if (rows.length === 0) return `${header}\n(none)`;
  return [header, line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function display(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return `${value.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  return String(value);
}
