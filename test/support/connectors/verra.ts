import { verra } from '../../../connectors/verra/index.ts';
import { readCsvExport, verraRoutes } from '../registry-server.ts';
import { verraTotalsFromCsv } from '../verra-totals.ts';
import type { ConnectorFixture } from './types.ts';

const fixtureDir = 'test/fixtures/registries/verra';

export const verraFixture: ConnectorFixture = {
  connector: verra,
  fixtureDir,
  routes: () => verraRoutes(fixtureDir),
  faultPath: '/uiapi/asset/asset/search',
  requiredField: { from: 'Quantity Issued', to: 'Issued Quantity' },
  malformedRecord() {
    const projects = readCsvExport(`${fixtureDir}/projects.csv`);
    const transactions = readCsvExport(`${fixtureDir}/transactions.csv`);
    const target = transactions.rows[5]!;
    const serial = target.record['Serial Number']!;
    const quantity = target.record['Quantity Issued']!;
    // `Quantity Issued` stands right before `Serial Number` in the export.
    const quoted = quantity.includes(',') ? `"${quantity}"` : quantity;
    const broken = target.raw.replace(`,${quoted},${serial},`, `,999999999,${serial},`);
    if (broken === target.raw) throw new Error('fixture layout changed: could not break the row');
    const rows = transactions.rows.map((row) => (row === target ? { record: row.record, raw: broken } : row));
    return { routes: verraRoutes(fixtureDir, { projects, transactions: { header: transactions.header, rows } }), naturalKey: serial, reason: 'quantity_mismatch' };
  },
  totalsFromRawFiles() {
    const totals = verraTotalsFromCsv(`${fixtureDir}/transactions.csv`);
    // The old export does not tell cancellations from retirements: all count as retired.
    return new Map([...totals].map(([project, { issued, retired }]) => [project, { issued, retired, cancelled: 0 }]));
  },
};

