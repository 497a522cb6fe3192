import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { alpha3ToAlpha2, countryCode } from '../../../connectors/common/countries.ts';

const verraDir = 'test/fixtures/registries/verra';
const readRows = (file: string): Record<string, string>[] =>
  parse(readFileSync(`${verraDir}/${file}`), { columns: true, bom: true }) as Record<string, string>[];

describe('countryCode', () => {
  it('maps every country name in the Verra exports to an ISO 3166-1 alpha-2 code', () => {
    const names = new Set([...readRows('projects.csv'), ...readRows('transactions.csv')].map((row) => row['Country/Area'] ?? ''));
    const unmapped = [...names].filter((name) => !/^[A-Z]{2}$/.test(countryCode(name) ?? ''));
    expect(names.size).toBeGreaterThan(0);
    expect(unmapped).toEqual([]);
  });

  it("agrees with the unit country in Verra's serials, except where the units lie across a border", () => {
    // The serial's 8th segment is the ISO code of the units, which can differ from the
    // project's country: 4151 "Rwanda" has CD and ML blocks, 3432 "Chile" has PY blocks
    // (registries.md §2.3). Compare projects whose blocks all carry one country.
    const byProject = new Map<string, { name: string; serialCountries: Set<string> }>();
    for (const row of readRows('transactions.csv')) {
      const entry = byProject.get(row.ID!) ?? { name: row['Country/Area']!, serialCountries: new Set<string>() };
      entry.serialCountries.add(row['Serial Number']!.split('-')[7]!);
      byProject.set(row.ID!, entry);
    }
    const disagreements = [...byProject.entries()]
      .filter(([, { serialCountries }]) => serialCountries.size === 1)
      .map(([id, { name, serialCountries }]) => ({ id, name, mapped: countryCode(name), serial: [...serialCountries][0] }))
      .filter(({ mapped, serial }) => mapped !== serial);
    expect(byProject.size).toBeGreaterThan(10);
    expect(disagreements).toEqual([{ id: '3432', name: 'Chile', mapped: 'CL', serial: 'PY' }]);
  });

  it.each([
    ['Congo, The Democratic Republic of the', 'CD'],
    ['CONGO, THE DEMOCRATIC REPUBLIC OF THE', 'CD'],
    ['Congo the Democratic Republic of the', 'CD'],
    ['Democratic Republic of the Congo', 'CD'],
    ['Congo', 'CG'],
    ['Türkiye', 'TR'],
    ['Turkey', 'TR'],
    ["Côte d'Ivoire", 'CI'],
    ["COTE D'IVOIRE", 'CI'],
    ['Korea, Republic of', 'KR'],
    ['Viet Nam', 'VN'],
    ['VIET NAM', 'VN'],
    ["Lao People's Democratic Republic", 'LA'],
    ['Tanzania, United Republic of', 'TZ'],
    ['Tanzania United Republic of', 'TZ'],
    ['Bolivia, Plurinational State of', 'BO'],
    ['Iran, Islamic Republic of', 'IR'],
    ['Venezuela, Bolivarian Republic of', 'VE'],
    ['Micronesia, Federated States of', 'FM'],
    ['United States of America', 'US'],
    ['Timor-Leste', 'TL'],
    ['PAPUA NEW GUINEA', 'PG'],
    ['Brasil', 'BR'],
    ['Perú', 'PE'],
    ['  Kenya  ', 'KE'],
    ['Bosnia & Herzegovina', 'BA'],
  ])('%s → %s', (name, code) => {
    expect(countryCode(name)).toBe(code);
  });

  it('accepts ISO alpha-2 and alpha-3 codes in any case', () => {
    expect(countryCode('ET')).toBe('ET');
    expect(countryCode('et')).toBe('ET');
    expect(countryCode('COD')).toBe('CD');
    expect(countryCode('usa')).toBe('US');
    expect(countryCode('UK')).toBe('GB');
  });

  it('returns null for blanks and names it does not know, without throwing', () => {
    expect(countryCode(null)).toBeNull();
    expect(countryCode('')).toBeNull();
    expect(countryCode('   ')).toBeNull();
    expect(countryCode('International')).toBeNull();
    expect(countryCode('Atlantis')).toBeNull();
    expect(countryCode('ZZ')).toBeNull();
    expect(countryCode(',,,')).toBeNull();
  });
});

describe('alpha3ToAlpha2', () => {
  it('converts ISO alpha-3 codes and returns null for anything else', () => {
    expect(alpha3ToAlpha2('ETH')).toBe('ET');
    expect(alpha3ToAlpha2('cog')).toBe('CG');
    expect(alpha3ToAlpha2('XXX')).toBeNull();
    expect(alpha3ToAlpha2('ET')).toBeNull();
    expect(alpha3ToAlpha2(null)).toBeNull();
  });
});
