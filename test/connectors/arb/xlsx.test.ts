import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectorError, RawRecord } from '../../../connectors/contract.ts';
import { arb } from '../../../connectors/arb/index.ts';
import { excelSerialToDate, readXlsxSheet } from '../../../connectors/arb/xlsx.ts';
import { arbFixtureDir, buildArbWorkbook, readArbCsv, withoutColumns, type ArbSheet, type WorkbookOptions } from '../../support/connectors/arb.ts';
import { collect, connectorError } from '../../support/connectors/records.ts';
import { useTempDirs } from '../../support/temp-dirs.ts';

const sheet = readArbCsv();
const tempDirs = useTempDirs();

/** A fresh export folder holding `files`. */
function folder(files: Record<string, Buffer | string>): string {
  const dir = tempDirs.make('arb-xlsx-test-');
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

async function workbookFolder(data: ArbSheet = sheet, options: WorkbookOptions = {}): Promise<string> {
  return folder({ 'nc-arboc_issuance.xlsx': await buildArbWorkbook(data, options) });
}

const readAll = (dir: string): Promise<RawRecord[]> => collect(arb.readExports(dir));
const failure = (dir: string): Promise<ConnectorError> => connectorError(readAll(dir));

describe('ARB workbook built from the fixture rows', () => {
  it('reads back to the same raw records as the snapshot CSV, and normalizes to the same rows', async () => {
    const fromCsv = await readAll(arbFixtureDir);
    const fromXlsx = await readAll(await workbookFolder());
    expect(fromXlsx).toHaveLength(sheet.rows.length);
    expect(fromXlsx).toEqual(fromCsv);
    expect(fromXlsx.map((raw) => arb.normalize(raw))).toEqual(fromCsv.map((raw) => arb.normalize(raw)));
  });

  it('renders date cells as YYYY-MM-DD and number cells without the pandas `.0`', async () => {
    const [first] = await readAll(await workbookFolder());
    expect(first!.payload).toMatchObject({
      'CARB Issuance ID': 'CAOD1007-A',
      'Reporting Period Start Date': sheet.rows[0]![sheet.header.indexOf('Reporting Period Start Date')],
      Vintage: sheet.rows[0]![sheet.header.indexOf('Vintage')]!.replace(/\.0$/, ''),
    });
    expect(first!.payload['Issuance Date']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('reads dates written as bare serial numbers in the date columns', async () => {
    const fromSerials = await readAll(await workbookFolder(sheet, { datesAsSerials: true }));
    expect(fromSerials).toEqual(await readAll(arbFixtureDir));
    expect(excelSerialToDate(45658)).toBe('2025-01-01');
    expect(excelSerialToDate(0)).toBeNull();
  });

  it('finds the data sheet by name wherever it is, and falls back to the fourth sheet', async () => {
    const expected = await readAll(arbFixtureDir);
    expect(await readAll(await workbookFolder(sheet, { dataSheetPosition: 0 }))).toEqual(expected);
    expect(await readAll(await workbookFolder(sheet, { dataSheetName: 'Issuance Table' }))).toEqual(expected);
  });

  it('when the fourth sheet is not the data either, fails naming the columns it lacks', async () => {
    const error = await failure(await workbookFolder(sheet, { dataSheetName: 'Issuance Table', dataSheetPosition: 0 }));
    expect(error.failureType).toBe('format');
    expect(error.message).toMatch(/sheet "Column Descriptions".*missing required columns "CARB Issuance ID"/);
  });

  it('fails naming the sheets when there is no sheet of that name and none at that position', async () => {
    const dir = await workbookFolder();
    const rows = readXlsxSheet(join(dir, 'nc-arboc_issuance.xlsx'), { source: 'test.xlsx', sheetName: 'Offsets', fallbackIndex: 9 });
    await expect(async () => {
      for await (const _ of rows) void _;
    }).rejects.toThrow(
      'test.xlsx: no sheet named "Offsets" and no sheet at position 10 (sheets: "Introduction", "Summary by Type", "Column Descriptions", "ARB Offset Credit Issuance")',
    );
  });

  it('reads the 2024-11 edition, which lacks the columns added since', async () => {
    const older = withoutColumns(sheet, ['CARB Project ID', 'Reporting Period', 'Invalidated or Canceled', 'Retired 5th Compliance Period (CA)']);
    const records = await readAll(await workbookFolder(older));
    expect(records).toHaveLength(sheet.rows.length);
    expect(records.filter((raw) => !arb.normalize(raw).ok).map((raw) => raw.naturalKey)).toEqual(
      // Without `CARB Project ID` a row with no issuance id names no project (the zero-credit
      // and reversal rows of this sample): rejected, with the row kept raw.
      records.filter((raw) => raw.payload['CARB Issuance ID'] === '').map((raw) => raw.naturalKey),
    );
  });
});

describe('ARB workbook format errors', () => {
  it('names a required column the data sheet lacks', async () => {
    const error = await failure(await workbookFolder(withoutColumns(sheet, ['ARB Offset Credits Issued'])));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('missing required column "ARB Offset Credits Issued"');
    expect(error.message).toContain('sheet "ARB Offset Credit Issuance"');
  });

  it('names a required column the snapshot CSV lacks', async () => {
    const csv = readArbCsv();
    const lines = [csv.header.map((c) => (c === 'Vintage' ? 'Vintage Year' : c)).join(','), '"CAOD1007-A"'];
    const error = await failure(folder({ 'nc-arboc_issuance_sheet3.csv': lines.join('\n') }));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('missing required column "Vintage"');
  });

  it('reports a file that is not a workbook, and a truncated one, as format errors', async () => {
    const html = await failure(folder({ 'arboc_issuance.xlsx': '<!doctype html><html><body>Page not found</body></html>' }));
    expect(html.failureType).toBe('format');
    expect(html.message).toMatch(/not a readable XLSX workbook/);
    const whole = await buildArbWorkbook(sheet);
    const cut = await failure(folder({ 'arboc_issuance.xlsx': whole.subarray(0, Math.floor(whole.length / 2)) }));
    expect(cut.failureType).toBe('format');
  });

  it('a header repeating a name cannot be read', async () => {
    const repeated: ArbSheet = { header: [...sheet.header, 'Comment'], rows: sheet.rows.map((row) => [...row, 'x']) };
    const dir = await workbookFolder(repeated);
    const error = await failure(dir);
    expect(error.message).toMatch(/repeats column name\(s\) "Comment"/);
  });
});

describe('ARB export folder', () => {
  it('prefers a workbook over the snapshot CSV, and refuses to guess between several', async () => {
    const workbook = await buildArbWorkbook(withoutColumns(sheet, ['Comment']));
    const dir = folder({ 'a.xlsx': workbook, 'nc-arboc_issuance_sheet3.csv': 'not read' });
    const records = await readAll(dir);
    expect(records[0]!.payload).not.toHaveProperty('Comment');
    const two = folder({ 'a.xlsx': workbook, 'b.xlsx': workbook, '~$a.xlsx': 'lock' });
    expect(await failure(two)).toMatchObject({ failureType: 'config', message: expect.stringContaining('a.xlsx, b.xlsx') });
  });

  it('a folder without either file is a configuration error', async () => {
    expect(await failure(folder({ 'readme.txt': 'x' }))).toMatchObject({ failureType: 'config' });
    expect(await failure(join(tmpdir(), 'arb-no-such-folder'))).toMatchObject({ failureType: 'config' });
  });
});

describe('readXlsxSheet', () => {
  it('collapses line breaks in header cells, names blank ones as pandas does, and skips blank rows', async () => {
    const data: ArbSheet = {
      header: ['Early Action/\nCompliance', '', 'Vintage'],
      rows: [
        ['COP', 'x', '2024'],
        ['', '', ''],
        ['EA', '', '2013'],
      ],
    };
    const dir = await workbookFolder(data, { dataSheetPosition: 0 });
    const rows: Record<string, string>[] = [];
    let header: string[] = [];
    for await (const row of readXlsxSheet(join(dir, 'nc-arboc_issuance.xlsx'), {
      source: 'test',
      sheetName: 'ARB Offset Credit Issuance',
      fallbackIndex: 3,
      onHeader: (names) => (header = names),
    })) {
      rows.push(row.record);
    }
    expect(header).toEqual(['Early Action/ Compliance', 'Unnamed: 1', 'Vintage']);
    expect(rows).toEqual([
      { 'Early Action/ Compliance': 'COP', 'Unnamed: 1': 'x', Vintage: '2024' },
      { 'Early Action/ Compliance': 'EA', 'Unnamed: 1': '', Vintage: '2013' },
    ]);
  });
});
