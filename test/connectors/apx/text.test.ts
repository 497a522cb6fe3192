import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../connectors/common/csv.ts';
import { ConnectorError } from '../../../connectors/contract.ts';
import { declaredCharset, decodeExportText, repairApxQuoting } from '../../../connectors/apx/text.ts';
import { windows1252 } from '../../support/connectors/car.ts';

async function collect(source: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const part of source) text += part;
  return text;
}

/** The bytes in chunks of `size` bytes (1 = every possible split point). */
async function* chunks(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function* strings(parts: readonly string[]): AsyncGenerator<string> {
  yield* parts;
}

const SAMPLE = 'Project Name,Retirement Reason\r\nAutodesk’s Querétaro – Ejido Tutuaca,Compliance – Queretaro\r\n';

describe('decodeExportText', () => {
  it.each([1, 2, 3, 7, 4096])('reads Windows-1252 bytes (é, ’ 0x92, – 0x96), whatever the chunk size (%i)', async (size) => {
    const bytes = windows1252(SAMPLE);
    expect(bytes.includes(0x92) && bytes.includes(0x96) && bytes.includes(0xe9)).toBe(true);
    expect(await collect(decodeExportText(chunks(bytes, size), null, 'test'))).toBe(SAMPLE);
  });

  it('maps all 32 Windows-1252 characters of bytes 0x80–0x9F (Node’s own decoder does not, nodejs/node#60888)', async () => {
    const bytes = Uint8Array.from([0x41, ...Array.from({ length: 32 }, (_, i) => 0x80 + i), 0x42]);
    expect(await collect(decodeExportText(chunks(bytes, 3), null, 'test'))).toBe('A€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸB');
  });

  it.each([1, 2, 3, 4096])('reads UTF-8 bytes, sequences cut by chunk boundaries included (%i)', async (size) => {
    expect(await collect(decodeExportText(chunks(Buffer.from(SAMPLE, 'utf8'), size), null, 'test'))).toBe(SAMPLE);
  });

  it('decides on the first non-ASCII bytes, however late they come', async () => {
    const text = `${'ASCII only,line\r\n'.repeat(5000)}${SAMPLE}`;
    expect(await collect(decodeExportText(chunks(windows1252(text), 1000), null, 'test'))).toBe(text);
    expect(await collect(decodeExportText(chunks(Buffer.from(text, 'utf8'), 1000), null, 'test'))).toBe(text);
  });

  it('reads a Windows-1252 letter in the very last byte', async () => {
    expect(await collect(decodeExportText(chunks(windows1252('a,Querétaro é'), 1), null, 'test'))).toBe('a,Querétaro é');
    expect(await collect(decodeExportText(chunks(windows1252('é'), 1), null, 'test'))).toBe('é');
  });

  it('drops a UTF-8 byte order mark and follows a declared charset', async () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SAMPLE, 'utf8')]);
    expect(await collect(decodeExportText(chunks(withBom, 5), null, 'test'))).toBe(SAMPLE);
    expect(await collect(decodeExportText(chunks(windows1252(SAMPLE), 5), 'windows-1252', 'test'))).toBe(SAMPLE);
    // `latin1`/`iso-8859-1` labels mean Windows-1252 to the WHATWG decoder, as browsers read them.
    expect(await collect(decodeExportText(chunks(windows1252(SAMPLE), 5), 'iso-8859-1', 'test'))).toBe(SAMPLE);
  });

  it('rejects a charset it does not know as a format error', async () => {
    const error = await collect(decodeExportText(chunks(windows1252(SAMPLE), 5), 'x-klingon', 'export.csv')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).failureType).toBe('format');
    expect((error as ConnectorError).message).toContain('x-klingon');
  });

  it('finds the charset of a Content-Type header', () => {
    expect(declaredCharset('text/csv; charset="Windows-1252"')).toBe('Windows-1252');
    expect(declaredCharset('application/save')).toBeNull();
    expect(declaredCharset(undefined)).toBeNull();
  });
});

describe('repairApxQuoting', () => {
  // From CAR r=206, as rb measured it: the value has literal quotes, the exporter wrapped it again.
  const RAW_APX =
    '"Vintage","Retirement Reason","Retirement Reason Details",\r\n' +
    '"2024","Environmental Benefit",""Retirement of Carbon Offsets in behalf of Palo Alto City Utilities, from CARBIOIN project in Oaxaca. Developed under Climate Action Reserve Mexico Forest Protocol"",\r\n' +
    '"2025","Other","He said "yes" to 12" pipes",\r\n' +
    '"2025","","line one\r\nline two",\r\n';

  async function rows(text: AsyncIterable<string>) {
    const out: Record<string, string>[] = [];
    for await (const item of parseCsv(text)) {
      if (!('record' in item)) throw new Error(item.error);
      out.push(item.record);
    }
    return out;
  }

  it('reads values with undoubled quotes and commas as one cell each, as the registry meant them', async () => {
    const records = await rows(repairApxQuoting(strings([RAW_APX])));
    expect(records).toEqual([
      {
        Vintage: '2024',
        'Retirement Reason': 'Environmental Benefit',
        'Retirement Reason Details':
          '"Retirement of Carbon Offsets in behalf of Palo Alto City Utilities, from CARBIOIN project in Oaxaca. Developed under Climate Action Reserve Mexico Forest Protocol"',
        '': '',
      },
      { Vintage: '2025', 'Retirement Reason': 'Other', 'Retirement Reason Details': 'He said "yes" to 12" pipes', '': '' },
      { Vintage: '2025', 'Retirement Reason': '', 'Retirement Reason Details': 'line one\r\nline two', '': '' },
    ]);
  });

  it('gives the same text whatever the chunking', async () => {
    const whole = await collect(repairApxQuoting(strings([RAW_APX])));
    expect(await collect(repairApxQuoting(strings([...RAW_APX])))).toBe(whole);
    expect(await collect(repairApxQuoting(strings([RAW_APX.slice(0, 90), RAW_APX.slice(90, 91), RAW_APX.slice(91)])))).toBe(whole);
  });

  it('passes RFC-4180 files (no trailing empty column, e.g. the pandas-written fixtures) unchanged', async () => {
    const rfc = 'Vintage,Details,Unnamed: 2\r\n2024,"He said ""yes"", then left",\r\n';
    expect(await collect(repairApxQuoting(strings([...rfc])))).toBe(rfc);
    expect((await rows(repairApxQuoting(strings([rfc]))))[0]!.Details).toBe('He said "yes", then left');
  });

  it('handles an export that is only a header', async () => {
    expect(await collect(repairApxQuoting(strings(['"A","B",'])))).toBe('"A","B",');
    expect(await collect(repairApxQuoting(strings([])))).toBe('');
  });
});
