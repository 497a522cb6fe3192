import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/contract.ts';
import { parseCsv, requireColumns, type CsvItem, type ParseCsvOptions } from '../../../connectors/common/csv.ts';

async function collect(input: Readable | AsyncIterable<Uint8Array | string>, options?: ParseCsvOptions): Promise<CsvItem[]> {
  const items: CsvItem[] = [];
  for await (const item of parseCsv(input, options)) items.push(item);
  return items;
}

const fromText = (text: string) => Readable.from([text]);

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('parseCsv', () => {
  it('yields each row keyed by the header, with the line it starts on, and hands the header over first', async () => {
    const seen: string[][] = [];
    const items = await collect(fromText('\uFEFFID, Name ,Note\n1,Alpha,"two\nlines"\n2,Beta,\n'), {
      onHeader: (header) => seen.push(header),
    });
    // BOM removed; the spaces around " Name " are part of the column name and are kept.
    expect(seen).toEqual([['ID', ' Name ', 'Note']]);
    expect(items).toEqual([
      { line: 2, record: { ID: '1', ' Name ': 'Alpha', Note: 'two\nlines' } },
      { line: 4, record: { ID: '2', ' Name ': 'Beta', Note: '' } },
    ]);
  });

  it('reports a row with an extra or a missing cell and keeps reading the rows after it', async () => {
    const items = await collect(fromText('a,b,c\n1,2,3\n4,5,6,7\n8,9\n10,11,12\n'), { source: 'test.csv' });
    expect(items).toEqual([
      { line: 2, record: { a: '1', b: '2', c: '3' } },
      { line: 3, error: 'line 3: 4 cells where the header has 3 columns', raw: { a: '4', b: '5', c: '6', __column_4: '7' } },
      { line: 4, error: 'line 4: 2 cells where the header has 3 columns', raw: { a: '8', b: '9' } },
      { line: 5, record: { a: '10', b: '11', c: '12' } },
    ]);
  });

  it('fails the run on a quote left open at the end of the input (a truncated file)', async () => {
    const error = await failure(collect(fromText('a,b,c\n1,2,3\n4,"5,6\n7,8,9\n'), { source: 'cut.csv' }));
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('format');
    expect((error as ConnectorError).message).toMatch(/^cut\.csv: unreadable CSV: Quote Not Closed.*truncated/);
  });

  it('numbers lines as an editor shows them, with CRLF line ends and blank lines', async () => {
    const items = await collect(fromText('a,b\r\n1,"x\r\ny"\r\n\r\n2,3\r\n4\r\n'));
    expect(items).toEqual([
      { line: 2, record: { a: '1', b: 'x\r\ny' } },
      { line: 5, record: { a: '2', b: '3' } },
      { line: 6, error: 'line 6: 1 cell where the header has 2 columns', raw: { a: '4' } },
    ]);
  });

  it('keeps a stray quote inside an unquoted cell as text', async () => {
    const items = await collect(fromText('a,b\n12" pipe,x\n'));
    expect(items).toEqual([{ line: 2, record: { a: '12" pipe', b: 'x' } }]);
  });

  it('stops before the first row when onHeader rejects the header', async () => {
    const rows: CsvItem[] = [];
    const error = await failure(
      (async () => {
        for await (const item of parseCsv(fromText('ID,Nom\n1,x\n'), {
          onHeader: (header) => requireColumns(header, ['ID', 'Name'], 'projects.csv'),
        })) {
          rows.push(item);
        }
      })(),
    );
    expect(rows).toEqual([]);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toContain('"Name"');
  });

  it('decodes UTF-8 characters split across chunks', async () => {
    const bytes = Buffer.from('country\nTürkiye\nCôte d’Ivoire\n', 'utf8');
    const chunks = [...bytes].map((byte) => Uint8Array.of(byte)); // one byte per chunk
    const items = await collect((async function* () { yield* chunks; })());
    expect(items.map((item) => ('record' in item ? item.record.country : item.error))).toEqual(['Türkiye', 'Côte d’Ivoire']);
  });

  it('reads lazily: only what is consumed is pulled, and stopping early releases the source', async () => {
    let produced = 0;
    let released = false;
    async function* endless() {
      try {
        yield 'n,square\n';
        for (let n = 1; ; n += 1) {
          produced += 1;
          yield `${n},${n * n}\n`;
        }
      } finally {
        released = true;
      }
    }
    const firstRows: string[] = [];
    for await (const item of parseCsv(endless())) {
      if ('record' in item) firstRows.push(item.record.square ?? '');
      if (firstRows.length === 5) break;
    }
    expect(firstRows).toEqual(['1', '4', '9', '16', '25']);
    expect(produced).toBeLessThan(10_000); // backpressure, not the whole (endless) input
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(true);
  });

  it('reads a real export from a file stream', async () => {
    const items = await collect(createReadStream('test/fixtures/registries/verra/projects.csv'));
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => 'record' in item)).toBe(true);
    const first = items[0];
    expect(first && 'record' in first ? Object.keys(first.record)[0] : null).toBe('ID');
  });

  it('treats input without a header as damage unless empty input is allowed', async () => {
    const error = await failure(collect(fromText(''), { source: 'empty.csv' }));
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toBe('empty.csv: empty CSV: no header row');
    expect(await collect(fromText('\n\n'), { allowEmpty: true })).toEqual([]);
  });

  it('refuses a header that repeats a column name', async () => {
    const error = await failure(collect(fromText('ID,Name,ID\n1,a,2\n')));
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).message).toContain('"ID"');
  });

  it('passes errors of the input stream through unchanged', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('connection reset'));
      },
    });
    const error = await failure(collect(broken));
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ConnectorError);
    expect((error as Error).message).toBe('connection reset');
  });
});

describe('requireColumns', () => {
  it('names every missing column in a format error', () => {
    let error: unknown;
    try {
      requireColumns(['ID', 'Name', 'Quantity'], ['ID', 'Serial Number', 'Quantity Issued'], 'verra/transactions.csv');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('format');
    expect((error as ConnectorError).message).toMatch(
      /^verra\/transactions\.csv: missing required columns "Serial Number", "Quantity Issued"/,
    );
  });

  it('accepts a header that has every required column, in any order and with extra columns', () => {
    expect(() => requireColumns(['Extra', 'Name', 'ID'], ['ID', 'Name'], 'x.csv')).not.toThrow();
  });
});
