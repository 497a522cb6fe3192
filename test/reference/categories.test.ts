import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { categorize, protocolKey } from '../../src/reference/categories.ts';

const noTypes: string[] = [];

describe('category vocabulary', () => {
  it('turns methodology ids as registries write them into the protocol map keys', () => {
    expect(protocolKey('AMS-III.H.')).toBe('ams-iii-h');
    expect(protocolKey('VM0042')).toBe('vm0042');
    expect(protocolKey('AR-ACM0003')).toBe('ar-acm0003');
  });

  it('categorizes by methodology id, by a known methodology string, then by project type', () => {
    expect(categorize({ methodologies: [{ id: 'ACM0002', version: '21.0' }], projectTypes: noTypes })).toBe('renewable-energy');
    expect(categorize({ methodologies: [{ id: 'VM0015', version: null }], projectTypes: noTypes })).toBe('forest');
    expect(categorize({ methodologies: [{ id: 'ACM0002 Grid-connected electricity generation from renewable sources, Version 21.0', version: null }], projectTypes: noTypes })).toBe(
      'renewable-energy',
    );
    expect(categorize({ methodologies: [], projectTypes: ['Improved Forest Management'] })).toBe('forest');
    expect(categorize({ methodologies: [], projectTypes: ['Mine Methane Capture - ARB Compliance'] })).toBe('ghg-management');
    expect(categorize({ methodologies: [], projectTypes: ['PV'] })).toBe('renewable-energy');
    expect(categorize({ methodologies: [], projectTypes: ['Forest Carbon'] })).toBe('forest');
    expect(categorize({ methodologies: [{ id: 'NOT-A-METHOD', version: null }], projectTypes: ['Not a type'] })).toBeNull();
  });

  it('a methodology the map does not know falls through to the next one', () => {
    expect(categorize({ methodologies: [{ id: 'XYZ', version: null }, { id: 'AMS-III.H.', version: null }], projectTypes: noTypes })).toBe('ghg-management');
  });

  it('categorizes most Verra fixture projects from their methodologies', () => {
    const rows = parse(readFileSync('test/fixtures/registries/verra/projects.csv', 'utf8'), { columns: true }) as Record<string, string>[];
    const categorized = rows.filter((row) =>
      categorize({ methodologies: row.Methodology!.split(';').map((id) => ({ id: id.trim(), version: null })), projectTypes: noTypes }),
    );
    expect(categorized.length / rows.length).toBeGreaterThan(0.8);
  });
});
