import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/**
 * Per-project totals computed straight from Verra's VCU export, independently of the
 * connector: every block was issued; a block with a retirement/cancellation date is retired.
 */
export function verraTotalsFromCsv(path: string): Map<string, { issued: number; retired: number }> {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const totals = new Map<string, { issued: number; retired: number }>();
  for (const row of rows) {
    const quantity = Number(row['Quantity Issued']!.replaceAll(',', ''));
    const entry = totals.get(row.ID!) ?? { issued: 0, retired: 0 };
    entry.issued += quantity;
    if (row['Retirement/Cancellation Date']!.trim() !== '') entry.retired += quantity;
    totals.set(row.ID!, entry);
  }
  return totals;
}
