import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { SerialBlock } from '../../../connectors/contract.ts';
import { blockQuantity, parseVerraSerial } from '../../../connectors/verra/serial.ts';

const rows = parse(readFileSync('test/fixtures/registries/verra/transactions.csv'), {
  columns: true,
  bom: true,
}) as Record<string, string>[];

function parsed(serial: string): SerialBlock {
  const result = parseVerraSerial(serial);
  if ('error' in result) throw new Error(result.error);
  return result;
}

describe('parseVerraSerial on the Verra VCU export', () => {
  it('parses every serial, and its unit range holds exactly the block’s Quantity Issued', () => {
    expect(rows.length).toBeGreaterThan(0);
    const problems = rows.flatMap((row) => {
      const serial = row['Serial Number']!;
      const result = parseVerraSerial(serial);
      if ('error' in result) return [result.error];
      const issued = Number(row['Quantity Issued']!.replaceAll(',', ''));
      return blockQuantity(result) === issued ? [] : [`${serial}: ${blockQuantity(result)} units vs Quantity Issued ${issued}`];
    });
    expect(problems).toEqual([]);
  });

  it('names the same project and vintage as the row’s ID and Vintage Start/End columns', () => {
    const problems = rows.flatMap((row) => {
      const { parts } = parsed(row['Serial Number']!);
      const expected = { projectId: row.ID, vintageStart: row['Vintage Start'], vintageEnd: row['Vintage End'] };
      const actual = { projectId: parts.projectId, vintageStart: parts.vintageStart, vintageEnd: parts.vintageEnd };
      return JSON.stringify(actual) === JSON.stringify(expected) ? [] : [{ serial: row['Serial Number'], expected, actual }];
    });
    expect(problems).toEqual([]);
  });

  it('reads the label flag as 1 exactly when the block carries an additional certification', () => {
    const problems = rows.filter(
      (row) => parsed(row['Serial Number']!).parts.labelFlag !== (row['Additional Certifications']!.trim() === '' ? 0 : 1),
    );
    expect(problems.map((row) => row['Serial Number'])).toEqual([]);
  });
});

describe('parseVerraSerial', () => {
  it('splits the 13-segment form into its parts', () => {
    expect(parseVerraSerial('19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-01012020-31122020-1')).toEqual({
      namespace: 'VCS-VCU',
      firstUnit: 941467007,
      lastUnit: 941467431,
      parts: {
        batch: 19385,
        programCode: 'VCS',
        unitType: 'VCU',
        segment6: '1507',
        segment7: 'VER',
        country: 'ET',
        sectoralScope: 14,
        projectId: '1340',
        vintageStart: '2020-01-01',
        vintageEnd: '2020-12-31',
        labelFlag: 1,
      },
    });
  });

  it('reads the 12-segment form without a sectoral scope', () => {
    const block = parsed('19902-1139690318-1139925921-VCS-VCU-500-VER-US-3352-01012024-31122024-0');
    expect(block.namespace).toBe('VCS-VCU');
    expect(blockQuantity(block)).toBe(235604);
    expect(block.parts).toMatchObject({
      batch: 19902,
      country: 'US',
      sectoralScope: null,
      projectId: '3352',
      vintageStart: '2024-01-01',
      vintageEnd: '2024-12-31',
      labelFlag: 0,
    });
  });

  it.each([
    ['', 'serial is blank'],
    ['19385-941467007-941467431-VCS-VCU-1340-01012020-31122020-1', 'has 9 dash-separated segments'],
    ['19385-941467431-941467007-VCS-VCU-1507-VER-ET-14-1340-01012020-31122020-1', 'last unit 941467007 is before first unit 941467431'],
    ['19385-94146700X-941467431-VCS-VCU-1507-VER-ET-14-1340-01012020-31122020-1', 'first unit "94146700X" is not a number'],
    ['19385-941467007-9414674.1-VCS-VCU-1507-VER-ET-14-1340-01012020-31122020-1', 'last unit "9414674.1" is not a number'],
    ['19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-31022020-31122020-1', 'vintage start "31022020" is not a DDMMYYYY date'],
    ['19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-01012020-2020-12-31-1', 'dash-separated segments'],
    ['19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-01012021-31122020-1', 'vintage end 2020-12-31 is before vintage start 2021-01-01'],
    ['19385-941467007-941467431-VCS-VCU-1507-VER-Ethiopia-14-1340-01012020-31122020-1', 'country segment "Ethiopia"'],
    ['19385-941467007-941467431-VCS-VCU-1507-VER-ET-AFOLU-1340-01012020-31122020-1', 'sectoral scope "AFOLU" is not a number'],
    ['19385-941467007-941467431-VCS-VCU-1507-VER-ET-14-1340-01012020-31122020-Y', 'label flag "Y" is not 0 or 1'],
  ])('rejects %j: %s', (serial, problem) => {
    const result = parseVerraSerial(serial);
    expect('error' in result ? result.error : null).toContain(problem);
  });
});
