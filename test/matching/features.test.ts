/** The matching features on their own: names, periods, locations, activity classes, pair scores. */
import { describe, expect, it } from 'vitest';
import { projectActivity } from '../../src/matching/features/activity.ts';
import { distanceKm, subdivisionCodes } from '../../src/matching/features/location.ts';
import { scorePair, type ScoredProject } from '../../src/matching/features/pair-score.ts';
import { creditPeriod, creditPeriods, overlap, periodDays, prorate } from '../../src/matching/features/periods.ts';
import { jaroWinkler, normalizeName, normalizeProponent } from '../../src/matching/features/text.ts';
import { detectorVersion, matchWeights, severityForTonnes } from '../../src/matching/features/weights.ts';

describe('names', () => {
  it('keep digits and letter-digit codes as hard tokens', () => {
    expect(normalizeName('A-Gas 2019-4')!.digits).toEqual(['2019', '4']);
    expect(normalizeName('A-Gas 3-2023B')!.digits).toEqual(['2023b', '3']);
    expect(normalizeName('Vessels Cambria 33 Coal Gas')!.digits).toEqual(['33']);
    // Units glued to numbers are split off, leading zeros dropped, Roman numerals read.
    expect(normalizeName('Hong Phong 4 Solar 48MW')!.tokens).toEqual(normalizeName('Hong Phong 04 Solar 48 MW')!.tokens);
    expect(normalizeName('Andhra Lake Phase - II')!.digits).toEqual(['2']);
  });

  it('drop generic words, legal forms and accents; take registry ids and PoA components out', () => {
    const name = normalizeName('GS10789 VPA8: Efficient and Clean Cooking for households in Kenya')!;
    expect(name.registryIds).toEqual(['gs10789']);
    expect(name.components).toEqual(['8']);
    expect(name.tokens).not.toContain('gs10789');
    expect(normalizeName('Proyecto Eólico Cabo Leones S.A.')!.text).toBe('eolico cabo leones');
    // Initials with or without their dots, and "Proj." for "Project".
    expect(normalizeName('K R S Three Hydro Proj.')!.text).toBe(normalizeName('K.R.S. Three Hydro Project')!.text);
    expect(normalizeName('Proyecto Eólico Cabo Leones S A')!.text).toBe('eolico cabo leones');
    expect(normalizeProponent('Keyrock Energy, LLC')).toBe(normalizeProponent('Keyrock Energy LLC'));
    expect(normalizeProponent('Multiple Proponents')).toBeNull();
  });

  it('Jaro–Winkler gives the textbook values', () => {
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.9611, 4);
    expect(jaroWinkler('dwayne', 'duane')).toBeCloseTo(0.84, 2);
    expect(jaroWinkler('abc', 'abc')).toBe(1);
    expect(jaroWinkler('abc', 'xyz')).toBe(0);
  });
});

describe('periods', () => {
  it('overlap and pro-rate by days, both ends included', () => {
    const verra = creditPeriod({ vintageStart: '2023-02-01', vintageEnd: '2023-12-31', vintageYear: 2023 })!;
    const gs = creditPeriod({ vintageStart: '2023-06-01', vintageEnd: '2024-05-31', vintageYear: 2023 })!;
    const window = overlap(verra, gs)!;
    expect(window).toEqual({ start: '2023-06-01', end: '2023-12-31', precision: 'day' });
    expect(periodDays(window)).toBe(214);
    expect(prorate(1710, verra, window)).toBeCloseTo((1710 * 214) / 334, 6);
    expect(creditPeriod({ vintageStart: null, vintageEnd: null, vintageYear: 2025 })).toEqual({ start: '2025-01-01', end: '2025-12-31', precision: 'year' });
  });

  it('narrow a monitoring period split into vintages to each vintage year', () => {
    const rows = [2017, 2018, 2019].map((year, i) => ({ id: i + 1, projectId: 1, vintageStart: '2017-08-19', vintageEnd: '2019-08-16', vintageYear: year }));
    const periods = creditPeriods(rows);
    expect(periods.get(1)).toMatchObject({ start: '2017-08-19', end: '2017-12-31' });
    expect(periods.get(2)).toMatchObject({ start: '2018-01-01', end: '2018-12-31' });
    expect(periods.get(3)).toMatchObject({ start: '2019-01-01', end: '2019-08-16' });
    // One vintage for a multi-year period (ARB, Verra): the period is kept whole.
    expect(creditPeriods([{ id: 9, projectId: 2, vintageStart: '2023-10-11', vintageEnd: '2025-01-31', vintageYear: 2025 }]).get(9)).toMatchObject({ start: '2023-10-11' });
  });
});

describe('locations', () => {
  it('map state names and ISO codes to the same subdivision', () => {
    expect(subdivisionCodes('US', 'OHIO')).toEqual(['US-OH']);
    expect(subdivisionCodes('US', 'US-OH')).toEqual(['US-OH']);
    expect(subdivisionCodes('US', 'ARIZONA; NEW MEXICO')).toEqual(['US-AZ', 'US-NM']);
    expect(subdivisionCodes('CA', 'Québec')).toEqual(['CA-QC']);
    expect(subdivisionCodes('CO', 'Antioquia')).toEqual(['antioquia']);
  });

  it('measure great-circle distances', () => {
    expect(distanceKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 1 })).toBeCloseTo(111.2, 0);
  });
});

describe('activity classes', () => {
  it('grid electricity by methodology, by type when the category map has none, never for off-grid products', () => {
    expect(projectActivity({ category: 'renewable-energy', methodologies: [{ id: 'ACM0002', version: null }], projectTypes: [] }).sectors.map((s) => s.sector)).toContain('grid-electricity');
    const pv = projectActivity({ category: null, methodologies: [], projectTypes: ['PV'] });
    expect(pv).toMatchObject({ category: 'renewable-energy', categorySource: 'project-type' });
    expect(pv.sectors.map((s) => s.sector)).toEqual(['grid-electricity']);
    expect(projectActivity({ category: 'renewable-energy', methodologies: [{ id: 'AMS-I.E.', version: null }], projectTypes: [] }).sectors).toEqual([]);
    expect(projectActivity({ name: 'MKOPA Solar Lighting Programme', category: null, methodologies: [], projectTypes: ['Solar Thermal - Electricity'] }).sectors).toEqual([]);
  });
});

describe('pair scores', () => {
  const project = (overrides: Partial<ScoredProject>): ScoredProject => ({
    id: 1,
    programId: 'verra',
    registryProjectId: '1',
    name: 'Hong Phong 4 Solar 48 MW Project',
    proponent: null,
    countryCode: 'VN',
    subdivision: null,
    latitude: null,
    longitude: null,
    activity: projectActivity({ category: 'renewable-energy', methodologies: [{ id: 'ACM0002', version: null }], projectTypes: [] }),
    ...overrides,
  });
  const context = { explicit: [], trigramSimilarity: null, equalQuantity: null };

  it('add the weights of every feature into the total and classify it', () => {
    const score = scorePair(project({}), project({ id: 2, programId: 'gold-standard', name: 'Hong Phong 4 Solar 48MW Power Project' }), context);
    expect(score.total).toBe(score.features.reduce((sum, f) => sum + f.weight, 0));
    expect(score.total).toBe(matchWeights.weights.nameVeryClose + matchWeights.weights.sameMethodologyFamily);
    expect(score.matchClass).toBe('possible');
  });

  it('stop at a different country or two different CPAs of a programme', () => {
    expect(scorePair(project({}), project({ id: 2, countryCode: 'TH' }), context)).toMatchObject({ hardStop: 'different countries', matchClass: 'none' });
    const a = project({ name: 'Small-scale solar electrical programme South Africa – CPA-003', countryCode: 'ZA' });
    const b = project({ id: 2, name: 'Small-scale solar electrical programme South Africa – CPA-005', countryCode: 'ZA' });
    expect(scorePair(a, b, context).hardStop).toMatch(/components/);
  });

  it('score the same words in another order, or "Proj." for "Project", as an exact name, but not swapped digits', () => {
    const name = (a: string, b: string) => scorePair(project({ name: a, countryCode: 'IN' }), project({ id: 2, programId: 'gold-standard', name: b, countryCode: 'IN' }), context).features.find((f) => f.feature === 'name')!;
    expect(name('Bundled Wind Power Project in Tamil Nadu', 'Tamil Nadu Bundled Wind Power Project')).toMatchObject({ weight: matchWeights.weights.nameExact });
    expect(name('Dagushan Hydropower Project', 'Dagushan Hydropower Proj.')).toMatchObject({ weight: matchWeights.weights.nameExact });
    expect(name('Kutch Solar Park Phase 2 Block 3', 'Kutch Solar Park Phase 3 Block 2').weight).toBeLessThan(matchWeights.weights.nameExact);
  });

  it('penalize different digits and categories', () => {
    const score = scorePair(project({ name: 'A-Gas 2019-3', countryCode: 'US' }), project({ id: 2, name: 'A-Gas 2019-1', countryCode: 'US' }), context);
    expect(score.features.find((f) => f.feature === 'digits and codes in name')).toMatchObject({ level: 'mismatch', weight: matchWeights.weights.digitTokenMismatch });
    const forest = projectActivity({ category: 'forest', methodologies: [], projectTypes: [] });
    expect(scorePair(project({}), project({ id: 2, activity: forest }), context).features.find((f) => f.feature === 'category')).toMatchObject({ level: 'different', weight: -8 });
  });
});

describe('weights', () => {
  it('give severity by tonnes at risk and version detectors with their data', () => {
    expect(severityForTonnes(999)).toBe('low');
    expect(severityForTonnes(1000)).toBe('medium');
    expect(severityForTonnes(50_000)).toBe('high');
    expect(severityForTonnes(2_000_000)).toBe('critical');
    expect(detectorVersion(1, matchWeights.version)).toBe(1000 + matchWeights.version);
  });
});
