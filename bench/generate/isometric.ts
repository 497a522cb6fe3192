/**
 * Isometric at scale (registries.md §5): CarbonPlan's three CSV exports of the registry API's
 * lists (`projects.csv`, `issuances.csv`, `retirements.csv`: the JSON flattened into dotted
 * columns) in the fixtures' columns and cell conventions (pandas' CSV: cells quoted only when
 * needed, `\n`, UTF-8; amounts as Python floats, `531.0`, with integer kilogram twins; lists as
 * Python reprs). `readExports` reads the folder and the bench serves it through the test
 * emulation's cursor pages (`isometricRoutes(readIsometricFiles(dir))`, `first` ≤ 50).
 *
 * Sampled from the fixtures (test/fixtures/registries/isometric): issuing projects as a whole
 * (a fixture project with issuances: status, pathway, protocol, country and location,
 * validator and verifier, crediting period, supplier, its issuance sizes and buffer share, the
 * delay of its issuances), projects without issuances (varied rows of the fixture's), names
 * (varied, names.ts), issuances per project (as weights), retirement sizes, and retirement
 * texts as whole tuples (purposes, notes, beneficiary, owner), and the delay from
 * `sequestered_on` to `retired_at`.
 *
 * Ids are in the registry's form: `prj_`/`iss_`/`ret_`, then the creation time in Unix
 * milliseconds as 9 Crockford base-32 digits (every fixture id decodes to a few milliseconds
 * before its own `issued_at`/`retired_at`), then `1S0` and 4 random digits. They are unique
 * (checked as they are made: a few hundred at market size).
 *
 * Set here, because the fixtures cannot give it: issuance and retirement dates (uniform between
 * the project's first fixture issuance, moved by up to a year either way, and the snapshot
 * date), and retirements per project by what it issued. Units: amounts are made in whole
 * kilograms, so `credit_kgs` = tonnes × 1000 exactly; an issuance's total is its supplier share
 * plus its buffer share; a project never retires more than 90 % of its supplier units, and
 * retires no buffer units (`retired_buffer_pool_credits_total` is 0 on every fixture project).
 * The project rows' four running totals are the sums of its issuance and retirement rows.
 */
import { join } from 'node:path';
import { addDays, daysBetween, snapshotDate } from './calendar.ts';
import { groupBy, numberOf, type Fixtures } from './fixtures.ts';
import type { IsometricCounts } from './manifest.ts';
import { nameVocabulary, variantName } from './names.ts';
import { pythonFloat } from './python-repr.ts';
import { allocate, Empirical, type Random } from './random.ts';
import { CsvWriter } from './writers.ts';

type Row = Record<string, string>;

export interface IsometricPlan {
  dir: string;
  random: Random;
  fixtures: Fixtures['isometric'];
  projects: number;
  issuances: number;
  retirements: number;
}

/** A fixture project with issuances: what a generated issuing project repeats. */
interface Template {
  row: Row;
  /** Its issuance rows (supplier columns, sizes). */
  issuances: Row[];
  /** Buffer pool kilograms per kilogram issued. */
  bufferShare: number;
  /** Its first issuance (`YYYY-MM-DD`). */
  firstIssued: string;
}

interface Issuance {
  id: string;
  issuedAt: string;
  totalKg: number;
  bufferKg: number;
}

const base32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Unix milliseconds of a fixture id's time digits (`prj_1K3VWSDS6…`). */
export function isometricIdTime(id: string): number {
  let value = 0;
  for (const char of id.slice(4, 13)) value = value * 32 + base32.indexOf(char);
  return value;
}

/** Tonnes as the export writes them, from whole kilograms: `2765370` → `2765.37`, `531000` → `531.0`. */
export function tonnesText(kg: number): string {
  return pythonFloat(kg / 1000);
}

/** `2026-04-14T16:50:41.621676Z`: a day with a time and microseconds, as the API writes timestamps. */
function timestamp(day: string, random: Random): { text: string; ms: number } {
  const ms = Date.parse(`${day}T00:00:00Z`) + random.int(0, 86_399_999);
  const micro = String(random.int(0, 999)).padStart(3, '0');
  return { text: `${new Date(ms).toISOString().slice(0, 23)}${micro}Z`, ms };
}

export async function writeIsometric(plan: IsometricPlan): Promise<{ counts: IsometricCounts }> {
  const { random, fixtures } = plan;
  const projectRows = fixtures.projects.rows;
  const issuancesOf = groupBy(fixtures.issuances.rows, 'project_id');
  const templates: Template[] = projectRows.flatMap((row) => {
    const issuances = issuancesOf.get(row.id!) ?? [];
    if (issuances.length === 0) return [];
    const kg = (rows: Row[], column: string) => rows.reduce((sum, issuance) => sum + numberOf(issuance[column]), 0);
    const firstIssued = issuances.map((issuance) => issuance.issued_at!.slice(0, 10)).sort()[0]!;
    return [{ row, issuances, bufferShare: kg(issuances, 'buffer_pool_credit_batch_size_total.credit_kgs') / kg(issuances, 'credit_batch_size_total.credit_kgs'), firstIssued }];
  });
  if (templates.length === 0) throw new Error('Isometric fixture: no project has issuances');
  const unlisted = projectRows.filter((row) => !issuancesOf.has(row.id!));
  const vocabulary = nameVocabulary(projectRows.map((row) => row.name!));
  const retirementKgs = new Empirical(fixtures.retirements.rows.map((row) => numberOf(row['credit_batch_size_total.credit_kgs'])).filter((kg) => kg > 0));
  const retirementTexts = new Empirical(fixtures.retirements.rows);
  const sequestrationDelays = new Empirical(
    fixtures.retirements.rows.filter((row) => row.sequestered_on !== '').map((row) => Math.max(0, daysBetween(row.sequestered_on!, row.retired_at!.slice(0, 10)))),
  );
  const ids = new Set<string>();
  const shortCodes = new Set<string>();

  // Who issues, from which template, and how many rows, fixed up front (a few numbers per project).
  const issuingShare = templates.length / projectRows.length;
  const issuingCount = plan.issuances > 0 ? Math.min(plan.projects, plan.issuances, Math.max(1, Math.round(plan.projects * issuingShare))) : 0;
  const issuing = random.sample(plan.projects, issuingCount);
  const positionOf = new Map(issuing.map((index, position) => [index, position]));
  const templateOf = issuing.map(() => random.pick(templates));
  const issuanceBudgets = allocate(plan.issuances, templateOf.map((template) => template.issuances.length), random);
  const typicalKg = (template: Template) => template.issuances.reduce((sum, row) => sum + numberOf(row['credit_batch_size_total.credit_kgs']), 0) / template.issuances.length;
  const retirementBudgets = allocate(plan.retirements, issuing.map((_, position) => issuanceBudgets[position]! * typicalKg(templateOf[position]!)), random);

  const projectsCsv = await CsvWriter.open(join(plan.dir, 'projects.csv'), fixtures.projects.columns);
  const issuancesCsv = await CsvWriter.open(join(plan.dir, 'issuances.csv'), fixtures.issuances.columns);
  const retirementsCsv = await CsvWriter.open(join(plan.dir, 'retirements.csv'), fixtures.retirements.columns);
  const counts: IsometricCounts = { projects: 0, issuingProjects: issuing.length, issuanceRows: 0, retirementRows: 0, issuedKg: 0, bufferKg: 0, retiredKg: 0 };

  for (let index = 0; index < plan.projects; index++) {
    const position = positionOf.get(index);
    if (position === undefined) {
      const listing = random.pick(unlisted.length > 0 ? unlisted : projectRows);
      const id = newId('prj', isometricIdTime(listing.id!));
      await projectsCsv.row({ ...listing, ...identity(listing, id), ...totals(0, 0, 0) });
      counts.projects += 1;
      continue;
    }

    const template = templateOf[position]!;
    const moved = addDays(template.firstIssued, random.int(-365, 365));
    const start = moved < snapshotDate ? moved : template.firstIssued;
    // Created around when the template project was (its id's time), and before its first issuance.
    const created = Math.min(isometricIdTime(template.row.id!) + random.int(-30, 30) * 86_400_000, Date.parse(`${start}T00:00:00Z`) - 86_400_000);
    const projectId = newId('prj', created);
    const supplier = template.issuances[0]!;

    const issuances: Issuance[] = [];
    for (let i = 0; i < issuanceBudgets[position]!; i++) {
      const day = addDays(start, random.int(0, Math.max(0, daysBetween(start, snapshotDate))));
      const at = timestamp(day, random);
      const size = numberOf(random.pick(template.issuances)['credit_batch_size_total.credit_kgs']);
      // Tonnes to two decimals, as most fixture issuances are; at least 10 kg.
      const totalKg = Math.max(10, Math.round((size * random.jitter(0.3)) / 10) * 10);
      const bufferKg = Math.min(totalKg - 1, Math.round(totalKg * template.bufferShare));
      issuances.push({ id: newId('iss', at.ms - random.int(10, 200)), issuedAt: at.text, totalKg, bufferKg });
    }
    issuances.sort((a, b) => (a.issuedAt < b.issuedAt ? 1 : -1));
    const issuedKg = issuances.reduce((sum, issuance) => sum + issuance.totalKg, 0);
    const bufferKg = issuances.reduce((sum, issuance) => sum + issuance.bufferKg, 0);
    const firstIssued = issuances.at(-1)!.issuedAt.slice(0, 10);

    // Retirement sizes from the fixture; when they do not fit in 90 % of the supplier units,
    // shrunk to between half of that and all of it.
    const count = retirementBudgets[position]!;
    let sizes = Array.from({ length: count }, () => retirementKgs.draw(random));
    const cap = Math.floor((issuedKg - bufferKg) * 0.9);
    if (sizes.reduce((a, b) => a + b, 0) > cap) {
      sizes = count > cap ? sizes.map(() => 0) : allocate(Math.max(count, Math.round(cap * (0.5 + 0.5 * random.next()))), sizes, random);
    }
    sizes = sizes.filter((kg) => kg > 0);
    const retiredKg = sizes.reduce((a, b) => a + b, 0);

    const project = { ...template.row, ...identity(template.row, projectId) };
    await projectsCsv.row({ ...project, ...totals(issuedKg, bufferKg, retiredKg) });
    counts.projects += 1;
    for (const issuance of issuances) {
      await issuancesCsv.row({
        ...supplier,
        id: issuance.id,
        issued_at: issuance.issuedAt,
        project_id: projectId,
        'supplier_credit_batch_size_total.credits': tonnesText(issuance.totalKg - issuance.bufferKg),
        'supplier_credit_batch_size_total.credit_kgs': String(issuance.totalKg - issuance.bufferKg),
        'buffer_pool_credit_batch_size_total.credits': tonnesText(issuance.bufferKg),
        'buffer_pool_credit_batch_size_total.credit_kgs': String(issuance.bufferKg),
        'credit_batch_size_total.credits': tonnesText(issuance.totalKg),
        'credit_batch_size_total.credit_kgs': String(issuance.totalKg),
      });
      counts.issuanceRows += 1;
    }
    const retirements = sizes.map((kg) => {
      const at = timestamp(addDays(firstIssued, random.int(0, Math.max(0, daysBetween(firstIssued, snapshotDate)))), random);
      return { kg, at, id: newId('ret', at.ms - random.int(10, 200)) };
    });
    retirements.sort((a, b) => b.at.ms - a.at.ms);
    for (const { kg, at, id } of retirements) {
      const text = retirementTexts.draw(random);
      await retirementsCsv.row({
        ...text,
        retirement_id: id,
        retired_at: at.text,
        url: `https://to.isometric.com/${id}`,
        'credit_batch_size_total.credits': tonnesText(kg),
        'credit_batch_size_total.credit_kgs': String(kg),
        project_id: projectId,
        sequestered_on: addDays(at.text.slice(0, 10), -sequestrationDelays.draw(random)),
      });
      counts.retirementRows += 1;
    }
    counts.issuedKg += issuedKg;
    counts.bufferKg += bufferKg;
    counts.retiredKg += retiredKg;
  }

  await Promise.all([projectsCsv.close(), issuancesCsv.close(), retirementsCsv.close()]);
  return { counts };

  /** A new id of `kind` created at `ms`, unique in the data set. */
  function newId(kind: 'prj' | 'iss' | 'ret', ms: number): string {
    let time = '';
    for (let value = Math.max(0, Math.floor(ms)), i = 0; i < 9; i++, value = Math.floor(value / 32)) time = base32[value % 32] + time;
    for (;;) {
      let tail = '';
      for (let i = 0; i < 4; i++) tail += base32[random.int(0, 31)];
      const id = `${kind}_${time}1S0${tail}`;
      if (ids.has(id)) continue;
      ids.add(id);
      return id;
    }
  }

  /** The columns a generated project changes: its id, short code, link and a varied name. */
  function identity(row: Row, id: string): Row {
    let code = '';
    do code = Array.from({ length: 4 }, () => base32[random.int(0, 31)]).join('');
    while (shortCodes.has(code));
    shortCodes.add(code);
    return { id, short_code: code, url: `https://to.isometric.com/${id}`, name: variantName(row.name!, random, vocabulary, null, null) };
  }
}

/** The project row's running totals, from its issuances and retirements (no buffer units are retired). */
function totals(issuedKg: number, bufferKg: number, retiredKg: number): Row {
  const amount = (prefix: string, kg: number): Row => ({ [`${prefix}.credits`]: tonnesText(kg), [`${prefix}.credit_kgs`]: String(kg) });
  return {
    ...amount('issued_credits_total', issuedKg),
    ...amount('retired_credits_total', retiredKg),
    ...amount('issued_buffer_pool_credits_total', bufferKg),
    ...amount('retired_buffer_pool_credits_total', 0),
  };
}
