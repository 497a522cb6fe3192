import { describe, expect, it } from 'vitest';
import { normalizeName, parseDate, parseQuantity, parseSdgs, splitList } from '../../../connectors/common/values.ts';

describe('parseQuantity', () => {
  it.each([
    ['"1,454,054"', 1454054],
    ['1,454,054', 1454054],
    ['28,571', 28571],
    ['550369.0', 550369],
    ['2765.37', 2765.37],
    ['425', 425],
    [' 12 ', 12],
    ['-3,000', -3000],
  ])('%s → %d', (text, value) => {
    expect(parseQuantity(text)).toEqual({ ok: true, value });
  });

  it('reads a blank cell as no value', () => {
    expect(parseQuantity('')).toEqual({ ok: true, value: null });
    expect(parseQuantity('   ')).toEqual({ ok: true, value: null });
    expect(parseQuantity(null)).toEqual({ ok: true, value: null });
  });

  it.each(['abc', '1,45,054', '12a', '1.2.3', 'NaN', 'Infinity', '1e999', '--1'])('rejects %s with a message naming it', (text) => {
    const result = parseQuantity(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toBe(`"${text}" is not a number`);
  });
});

describe('parseDate', () => {
  it.each([
    ['2026-04-03', 'iso', '2026-04-03'],
    ['2026-07-27T19:40:39', 'iso', '2026-07-27'],
    ['2026-07-27T19:40:39.123456', 'iso', '2026-07-27'],
    ['2026-07-27 19:40:39', 'iso', '2026-07-27'],
    ['2026-07-27T23:30:00-05:00', 'iso', '2026-07-28'],
    ['2026-07-27T01:00:00+02:00', 'iso', '2026-07-26'],
    ['31/12/2020', 'dmy', '2020-12-31'],
    ['1/2/2020', 'dmy', '2020-02-01'],
    ['12/31/2020', 'mdy', '2020-12-31'],
    ['3/4/2024 12:00:00 AM', 'mdy', '2024-03-04'],
    ['11/15/2023 4:05:59 PM', 'mdy', '2023-11-15'],
    ['29/02/2024', 'dmy', '2024-02-29'],
  ] as const)('%s (%s) → %s', (text, format, iso) => {
    expect(parseDate(text, format)).toEqual({ ok: true, value: iso });
  });

  it('reads the same slashed date by the order the caller names', () => {
    expect(parseDate('03/04/2024', 'dmy')).toEqual({ ok: true, value: '2024-04-03' });
    expect(parseDate('03/04/2024', 'mdy')).toEqual({ ok: true, value: '2024-03-04' });
  });

  it('reads a blank cell as no date', () => {
    expect(parseDate('', 'iso')).toEqual({ ok: true, value: null });
    expect(parseDate(undefined, 'dmy')).toEqual({ ok: true, value: null });
  });

  it.each([
    ['31/02/2024', 'dmy', 'DD/MM/YYYY'],
    ['29/02/2023', 'dmy', 'DD/MM/YYYY'],
    ['12/31/2020', 'dmy', 'DD/MM/YYYY'],
    ['2026-13-01', 'iso', 'YYYY-MM-DD'],
    ['2026-04-03', 'dmy', 'DD/MM/YYYY'],
    ['31/12/2020', 'iso', 'YYYY-MM-DD'],
    ['yesterday', 'mdy', 'MM/DD/YYYY'],
    ['13/1/2024 1:00:00 PM', 'mdy', 'MM/DD/YYYY'],
    ['2026-04-03T25:00:00', 'iso', 'YYYY-MM-DD'],
  ] as const)('rejects %s as %s with a message naming the value and format', (text, format, label) => {
    expect(parseDate(text, format)).toEqual({ ok: false, error: `"${text}" is not a date in the ${label} format` });
  });
});

describe('splitList', () => {
  it('splits, trims and drops empty items', () => {
    expect(splitList('VM0007; VM0033', ';')).toEqual(['VM0007', 'VM0033']);
    expect(splitList(' ARR;; IFM ; ', ';')).toEqual(['ARR', 'IFM']);
    expect(splitList('a | b|c', /\s*\|\s*/)).toEqual(['a', 'b', 'c']);
    expect(splitList('', ';')).toEqual([]);
    expect(splitList(null, ';')).toEqual([]);
  });
});

describe('normalizeName', () => {
  it.each([
    ['Paraná Ambiental Gestão Global de Resíduos Ltda.', 'parana ambiental gestao global de residuos ltda'],
    ['KNOWLEDGE INTEGRATION SERVICES SINGAPORE PTE. LTD.', 'knowledge integration services singapore pte ltd'],
    ['AgriCapture, Inc.', 'agricapture inc'],
    ['  Shopify   Inc. ', 'shopify inc'],
    ['Ørsted A/S', 'orsted a s'],
    ['Müller & Söhne GmbH', 'muller sohne gmbh'],
    ['ＡＢＣ　Ｃｏｒｐ', 'abc corp'],
    ['三明厦钨新能源材料有限公司（XTC New Energy Materials (Sanming) Co. LTD.）', '三明厦钨新能源材料有限公司 xtc new energy materials sanming co ltd'],
  ])('%s → %s', (name, normalized) => {
    expect(normalizeName(name)).toBe(normalized);
  });

  it('gives the same form to spellings that differ only in accents, case and punctuation', () => {
    expect(normalizeName('Société Générale S.A.')).toBe('societe generale s a');
    expect(normalizeName('SOCIETE GENERALE, S.A')).toBe('societe generale s a');
  });

  it('returns null when nothing is left', () => {
    expect(normalizeName('')).toBeNull();
    expect(normalizeName(' - . ')).toBeNull();
    expect(normalizeName(null)).toBeNull();
  });
});

describe('parseSdgs', () => {
  it("reads Verra's numbered goal list", () => {
    expect(
      parseSdgs(
        '01: No Poverty; 03: Good Health and Well-being; 09: Industry, Innovation and Infrastructure; 13: Climate Action; 15: Life on Land',
      ),
    ).toEqual([1, 3, 9, 13, 15]);
  });

  it('reads other spellings, sorts and removes duplicates, and ignores what is not a goal', () => {
    expect(parseSdgs('SDG 13, Goal 7; 13 | 17')).toEqual([7, 13, 17]);
    expect(parseSdgs('18: Not a goal; 00: none; 2030 Agenda; 5')).toEqual([5]);
    expect(parseSdgs('')).toEqual([]);
    expect(parseSdgs(null)).toEqual([]);
  });
});
