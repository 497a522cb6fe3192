import { describe, expect, it } from 'vitest';
import { blockQuantity, isCdmSerial, parseCdmSerial, parseGoldStandardSerial, parseGsSerial } from '../../../connectors/gold-standard/serial.ts';
import { readGoldStandardCsv } from '../../support/connectors/gold-standard.ts';

const files = readGoldStandardCsv();
const transactionRows = [...files.issuances, ...files.retirements];
const gsRows = transactionRows.filter((row) => row['Product Type'] === 'VER');
const cerRows = transactionRows.filter((row) => row['Product Type'] === 'CER');

describe('Gold Standard unit serials', () => {
  it('parses every VER serial of both exports, whose range equals Quantity and whose GSID and vintage are the row’s (197/197)', () => {
    expect(gsRows).toHaveLength(197);
    for (const row of gsRows) {
      const serial = row['Serial Number']!;
      const block = parseGsSerial(serial);
      if ('error' in block) throw new Error(block.error);
      expect(blockQuantity(block), serial).toBe(Number(row.Quantity));
      expect(block.parts.gsid, serial).toBe(row.GSID);
      expect(block.parts.vintage, serial).toBe(Number(row.Vintage));
    }
  });

  it('files the units under their batch, everything before the first and last unit', () => {
    expect(parseGsSerial('GS1-1-UG-GS11236-16-2024-30307-1-19149')).toEqual({
      namespace: 'GS1-1-UG-GS11236-16-2024-30307',
      firstUnit: 1,
      lastUnit: 19149,
      parts: { prefix: 'GS1-1', country: 'UG', gsid: '11236', projectTypeCode: 16, vintage: 2024, batch: 30307 },
    });
    // A retired part of a batch shares its namespace, so overlaps can be found.
    const retired = parseGsSerial('GS1-1-KE-GS11603-16-2025-30256-110-5463');
    expect(retired).toMatchObject({ namespace: 'GS1-1-KE-GS11603-16-2025-30256', firstUnit: 110, lastUnit: 5463 });
  });

  it('explains what is wrong with a serial that is not in the format', () => {
    expect(parseGsSerial('')).toEqual({ error: 'serial is blank' });
    expect(parseGsSerial('GS1-1-UG-GS11236-16-2024-30307-19149')).toEqual({
      error: 'serial "GS1-1-UG-GS11236-16-2024-30307-19149": has 8 dash-separated segments; expected 9 (GS1-1-CC-GS<id>-type-vintage-batch-first-last)',
    });
    expect(parseGsSerial('GS1-1-UG-11236-16-2024-30307-1-19149')).toEqual({
      error: 'serial "GS1-1-UG-11236-16-2024-30307-1-19149": project segment "11236" is not "GS<GSID>"',
    });
    expect(parseGsSerial('GS1-1-UG-GS11236-16-2024-30307-20-19')).toEqual({
      error: 'serial "GS1-1-UG-GS11236-16-2024-30307-20-19": last unit 19 is before first unit 20',
    });
    expect(parseGsSerial('GS1-1-Uganda-GS11236-16-2024-30307-1-19')).toMatchObject({ error: expect.stringContaining('country segment "Uganda"') });
    expect(parseGsSerial('GS1-1-UG-GS11236-16-24-30307-1-19')).toMatchObject({ error: expect.stringContaining('vintage segment "24" is not a year') });
  });
});

describe('CDM serials on CER rows', () => {
  it('parses the three CER rows: units are the third segments, quantity right − left + 1 (3/3)', () => {
    expect(cerRows).toHaveLength(3);
    for (const row of cerRows) {
      const serial = row['Serial Number']!;
      expect(isCdmSerial(serial)).toBe(true);
      const parsed = parseCdmSerial(serial);
      if ('error' in parsed) throw new Error(parsed.error);
      expect(blockQuantity(parsed.block), serial).toBe(Number(row.Quantity));
      expect(parsed.cdmProjectRef).toBe('7014');
    }
  });

  it('reads host party, unit type, commitment periods and the CDM project reference', () => {
    expect(parseGoldStandardSerial('RW-5-1463953-2-2-0-7014 - RW-5-1467609-2-2-0-7014')).toEqual({
      format: 'cdm',
      cdmProjectRef: '7014',
      block: {
        namespace: 'CDM-RW-5-7014',
        firstUnit: 1463953,
        lastUnit: 1467609,
        parts: { party: 'RW', unitType: 5, originalCommitmentPeriod: 2, applicableCommitmentPeriod: 2, lulucfActivity: 0, cdmProjectRef: '7014' },
      },
    });
    // The CDM registry's own example (registries.md §9.3) reads the same way.
    expect(parseCdmSerial('BR-5-85316059-1-1-0-8 - BR-5-85448545-1-1-0-8')).toMatchObject({
      cdmProjectRef: '8',
      block: { namespace: 'CDM-BR-5-8', firstUnit: 85316059, lastUnit: 85448545 },
    });
    expect(parseGoldStandardSerial('GS1-1-UG-GS11236-16-2024-30307-1-19149')).toMatchObject({ format: 'gs' });
  });

  it('rejects sides that disagree, run backwards or are not seven segments', () => {
    expect(parseCdmSerial('RW-5-1463953-2-2-0-7014 - RW-5-1467609-2-2-0-7015')).toEqual({
      error: 'serial "RW-5-1463953-2-2-0-7014 - RW-5-1467609-2-2-0-7015": the two sides differ in projectRef (7014 vs 7015)',
    });
    expect(parseCdmSerial('RW-5-1467609-2-2-0-7014 - RW-5-1463953-2-2-0-7014')).toMatchObject({ error: expect.stringContaining('before first unit') });
    expect(parseCdmSerial('RW-5-1463953-2-2-7014 - RW-5-1467609-2-2-0-7014')).toMatchObject({ error: expect.stringContaining('expected 7') });
    expect(parseCdmSerial('RW-5-1463953-2-2-0-7014')).toMatchObject({ error: expect.stringContaining('two CDM unit serials') });
  });
});
