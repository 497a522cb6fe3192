import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acr } from '../../../connectors/acr/index.ts';
import { artTrees } from '../../../connectors/art-trees/index.ts';
import { car } from '../../../connectors/car/index.ts';
import type { Connector, NormalizeResult, RawRecord } from '../../../connectors/contract.ts';
import { acrFixtureDir } from '../../support/connectors/acr.ts';
import { artTreesFixtureDir } from '../../support/connectors/art-trees.ts';
import { apxCsv, carFixtureDir, readRows, windows1252 } from '../../support/connectors/car.ts';
import { collect, connectorError } from '../../support/connectors/records.ts';
import { useTempDirs, type CopyOptions } from '../../support/temp-dirs.ts';

const FILES = ['projects.csv', 'issuances.csv', 'retirements.csv', 'cancellations.csv'];
const tempDirs = useTempDirs();

/** A copy of a fixture folder with each file's text changed by `transform`, written by `encode`. */
function copyOf(dir: string, transform?: CopyOptions['transform'], encode?: CopyOptions['encode']): string {
  return tempDirs.copyOf(dir, FILES, { transform, encode });
}

const readAll = (connector: Connector, dir: string): Promise<RawRecord[]> => collect(connector.readExports(dir));

async function normalized(connector: Connector, dir: string): Promise<NormalizeResult[]> {
  return (await readAll(connector, dir)).map((record) => connector.normalize(record));
}

const registries: [string, Connector, string][] = [
  ['ACR', acr, acrFixtureDir],
  ['CAR', car, carFixtureDir],
  ['ART', artTrees, artTreesFixtureDir],
];

describe.each(registries)('%s readExports', (_label, connector, dir) => {
  it('reads Windows-1252 exports (as APX writes them) exactly like the UTF-8 fixtures', async () => {
    const utf8 = await readAll(connector, dir);
    const cp1252 = await readAll(connector, copyOf(dir, undefined, windows1252));
    expect(cp1252).toEqual(utf8);
    // The fixtures do hold letters outside ASCII, e.g. `TÜV SÜD`, `Querétaro`, `’`.
    expect(JSON.stringify(utf8)).toMatch(/[^\x00-\x7f]/);
  });

  it('reads raw APX exports (every field quoted, quotes undoubled, trailing empty column, CRLF) to the same normalized rows', async () => {
    const raw = copyOf(dir, (text) => {
      const { header, rows } = readRowsFromText(text);
      return apxCsv(header, rows);
    }, windows1252);
    expect(await normalized(connector, raw)).toEqual(await normalized(connector, dir));
  });
});

/** Header and rows of CSV text, with the reader the test support uses for the fixtures. */
function readRowsFromText(text: string) {
  const dir = tempDirs.make('apx-rows-');
  writeFileSync(join(dir, 'file.csv'), text);
  return readRows(join(dir, 'file.csv'));
}

describe('readExports', () => {
  it('decodes an é of a Windows-1252 export (ART’s `Amapá`, CAR’s `Othón P Blanco`)', async () => {
    const art = await readAll(artTrees, copyOf(artTreesFixtureDir, undefined, windows1252));
    const amapa = art.find((r) => r.naturalKey === 'ART105')!;
    expect(amapa.payload['Program Jurisdiction(s)']).toBe('Amapá');
    expect(windows1252('Amapá').at(-1)).toBe(0xe1);
    const carRecords = await readAll(car, copyOf(carFixtureDir, undefined, windows1252));
    expect(carRecords.find((r) => r.naturalKey === 'issuance:CAR1568:v2025:2025-12-31:q22287')!.payload['Project Site Location']).toBe('Othón P Blanco');
  });

  it('reads other spellings of a column: single-space `Status Effective (GMT)`, `Program Country`', async () => {
    const acrCopy = copyOf(acrFixtureDir, (text, file) => (file === 'cancellations.csv' ? text.replace('Status Effective  (GMT)', 'Status Effective (GMT)') : text));
    expect(await normalized(acr, acrCopy)).toEqual(await normalized(acr, acrFixtureDir));
    const artCopy = copyOf(artTreesFixtureDir, (text) => text.replace('Program  Country', 'Program Country'));
    const results = await normalized(artTrees, artCopy);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results.flatMap((r) => (r.ok ? r.projects : [])).every((p) => p.countryCode !== null)).toBe(true);
  });

  it('stops with a format error naming a required column the export no longer has', async () => {
    const copy = copyOf(acrFixtureDir, (text, file) => (file === 'retirements.csv' ? text.replace('Credit Serial Numbers', 'Serial Numbers') : text));
    const error = await connectorError(readAll(acr, copy));
    expect(error.failureType).toBe('format');
    expect(error.message).toContain('missing required column "Credit Serial Numbers"');
    expect(error.message).toContain('retirements.csv');
  });

  it('fails with a config error naming a missing export file', async () => {
    const copy = copyOf(carFixtureDir);
    rmSync(join(copy, 'cancellations.csv'));
    const error = await connectorError(readAll(car, copy));
    expect(error.failureType).toBe('config');
    expect(error.message).toContain('cancellations.csv');
  });

  it('keeps a row with a stray cell as a malformed record, rejected with its line, and reads the rest', async () => {
    const copy = copyOf(carFixtureDir, (text, file) => {
      if (file !== 'retirements.csv') return text;
      const lines = text.split('\n');
      lines[3] = `${lines[3]!.replace(/\r$/, '')},stray`;
      return lines.join('\n');
    });
    const records = (await readAll(car, copy)).filter((r) => r.sourceKind === 'retirements');
    expect(records).toHaveLength(readRows(`${carFixtureDir}/retirements.csv`).rows.length);
    const broken = records.filter((r) => r.payload.__malformed !== undefined);
    expect(broken).toHaveLength(1);
    expect(broken[0]!.naturalKey).toMatch(/^sha256:/);
    expect(car.normalize(broken[0]!)).toEqual({ ok: false, rejection: { reason: 'malformed_row', detail: expect.stringContaining('line 4') } });
  });

  it('tells a repeated row apart with `#2` instead of letting it replace the first', async () => {
    const copy = copyOf(artTreesFixtureDir, (text, file) => {
      if (file !== 'retirements.csv') return text;
      const lines = text.trimEnd().split('\n');
      return [...lines, lines[1]].join('\n') + '\n';
    });
    const keys = (await readAll(artTrees, copy)).filter((r) => r.sourceKind === 'retirements').map((r) => r.naturalKey);
    expect(keys.at(-1)).toBe(`${keys[0]}#2`);
  });
});
