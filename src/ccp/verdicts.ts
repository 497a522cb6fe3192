/**
 * The two ticks of the CCP label, decided against one reference version at one evaluation
 * date, with the sentences that explain them:
 *  - `programVerdict`: is the issuing program CCP-Eligible (within its scope) at that date?
 *  - `methodologyVerdict`: what did ICVCM decide for this methodology and version, as submitted
 *    by that same program?
 * Pure functions of the reference index: the labelling run computes them once per distinct
 * program and per distinct registry methodology, then labels every credit in SQL.
 */
import { methodologyCode, nameKey, type ReferenceDecision, type ReferenceIndex } from './reference-index.ts';
import { methodologyRank, outcomeStatus, type CcpStatusValue, type DecisionOutcome } from './statuses.ts';
import { inRange, parseVersion } from './versions.ts';

export type Eligibility = 'eligible' | 'scope' | 'not-eligible';

export interface ProgramVerdict {
  /** The program the verdict is for (a hub program id, or an issuing program such as `cdm`). */
  programId: string;
  referenceProgramId: string;
  eligibility: Eligibility;
  /** First day the program is known to be CCP-Eligible (null when it is not). */
  effectiveFrom: string | null;
  reason: string;
}

export type MethodologyStatus = Exclude<CcpStatusValue, 'PROGRAM_NOT_ELIGIBLE'>;

export interface MethodologyInput {
  /** The hub program whose project applies the methodology. */
  programId: string;
  /** As the registry writes it (`ACM0002`, `Forestry - MX`, `GS TPDDTEC`). */
  id: string;
  version: string | null;
  /** The project's country (ISO 3166-1 alpha-2), for protocols a registry names alike in several countries. */
  countryCode: string | null;
}

export interface MethodologyVerdict {
  status: MethodologyStatus;
  rank: number;
  reasons: string[];
  /** The ICVCM row the status rests on. */
  decisionId: string | null;
}

const sourcesOf = (sources: readonly string[] | null | undefined) => (sources && sources.length > 0 ? sources[0]! : null);

function programName(index: ReferenceIndex, referenceProgramId: string): string {
  return index.programs.get(referenceProgramId)?.name ?? referenceProgramId;
}

function when(decisionDate: string | null, precision: string | null, effectiveFrom: string | null): string {
  if (!decisionDate) return '';
  if (precision === 'month') return ` in ${decisionDate} (day not published; counted from ${effectiveFrom ?? decisionDate})`;
  return ` on ${decisionDate}`;
}

export function programVerdict(index: ReferenceIndex, programId: string, evaluationDate: string): ProgramVerdict {
  const referenceProgramId = index.referenceProgramId(programId);
  const program = index.programs.get(referenceProgramId);
  const verdict = (eligibility: Eligibility, reason: string): ProgramVerdict => ({
    programId,
    referenceProgramId,
    eligibility,
    effectiveFrom: program?.status === 'ccp-eligible' ? program.effectiveFrom : null,
    reason,
  });
  if (!program) {
    return verdict('not-eligible', `${programId} is not on the ICVCM list of programs in reference data ${index.version}, so it is not CCP-Eligible.`);
  }
  const source = sourcesOf(program.sources);
  const cite = source ? ` (source: ${source})` : '';
  if (program.status !== 'ccp-eligible') {
    const what = program.status === 'not-a-ccp-program' ? 'is not a CCP program' : 'is not CCP-Eligible (assessed or applied, but no approval was found)';
    const notes = program.notes ? ` ${program.notes.replace(/\.?$/, '.')}` : '';
    return verdict('not-eligible', `${program.name} ${what}.${notes}${source ? ` Source: ${source}.` : ''}`);
  }
  const dated = when(program.decisionDate, program.datePrecision, program.effectiveFrom);
  if (program.effectiveFrom === null || program.effectiveFrom > evaluationDate) {
    return verdict(
      'not-eligible',
      `${program.name} became CCP-Eligible${dated || ' (no date recorded)'}, after the evaluation date ${evaluationDate}, so its credits could not carry the label then${cite}.`,
    );
  }
  if (program.scopeLimited) {
    return verdict(
      'scope',
      `${program.name} is CCP-Eligible since ${program.decisionDate} with a limited scope: ${program.scope} Registry data does not show which rules a credit was issued under${cite}.`,
    );
  }
  return verdict('eligible', `${program.name} is a CCP-Eligible program since ${program.decisionDate}${cite}.`);
}

function versionsText(row: ReferenceDecision): string {
  return row.versions.includes('-') ? `versions ${row.versions}` : `version ${row.versions}`;
}

/** What ICVCM decided for a row, as a clause: `approved “X” version 1.0 as CCP-Approved on …`. */
function decisionClause(index: ReferenceIndex, row: ReferenceDecision, outcome: DecisionOutcome, evaluationDate: string): string {
  const subject = `“${row.methodology}” ${versionsText(row)}`;
  const dated = when(row.decisionDate, row.datePrecision, row.effectiveFrom);
  const undated = row.decisionDate ? '' : ` (the table gives no date; in effect by ${row.effectiveFrom ?? index.icvcmTableDate ?? index.asOf})`;
  switch (outcome) {
    case 'approved':
      return `approved ${subject} as CCP-Approved${dated}${undated}`;
    case 'rejected':
      return row.icvcmStatus === 'Very Unlikely To Meet'
        ? `triaged ${subject} as 'Very Unlikely To Meet' the CCPs (no decision report)${dated}${undated}`
        : `found ${subject} not to meet the CCPs ('${row.icvcmStatus ?? 'Does not meet'}')${dated}${undated}`;
    case 'remedial-action':
      return `sent ${subject} back for remedial action${dated}${undated}: it cannot be labelled until the program fixes it`;
    case 'withdrawn':
      return `lists ${subject} as withdrawn from assessment by the program${dated}${undated}`;
    case 'pending':
      if (row.outcome !== 'pending') {
        return `decided ${subject} (${row.outcome})${dated}, after the evaluation date ${evaluationDate}; at that date it was still under assessment`;
      }
      return `has ${subject} still under assessment (no decision on the table of ${index.icvcmTableDate ?? index.asOf})`;
  }
}

function cite(row: ReferenceDecision): string {
  const source = row.decisionDocument ?? sourcesOf(row.sources);
  return source ? `; source: ${source}` : '';
}

/** The outcome a row had at the evaluation date: a decision dated later was still pending then. */
function outcomeAt(row: ReferenceDecision, evaluationDate: string): DecisionOutcome {
  if (row.outcome === 'pending') return 'pending';
  if (row.effectiveFrom !== null && row.effectiveFrom > evaluationDate) return 'pending';
  return row.outcome;
}

function unknown(reasons: string[]): MethodologyVerdict {
  return { status: 'UNKNOWN_METHODOLOGY', rank: methodologyRank.UNKNOWN_METHODOLOGY, reasons, decisionId: null };
}

/** Candidate ICVCM rows for a registry methodology, before versions are looked at. */
function candidateRows(
  index: ReferenceIndex,
  input: MethodologyInput,
  referenceProgramId: string,
): { rows: readonly ReferenceDecision[]; note: string | null; lookup: string } {
  const key = nameKey(input.id);
  const alias = index.alias(input.programId, key);
  if (alias) {
    const applicable = alias.targets.filter((target) => target.countries === null || input.countryCode === null || target.countries.includes(input.countryCode));
    const rows = applicable.flatMap((target) => index.byName(referenceProgramId, target.key));
    let note: string | null = null;
    if (applicable.length === 0) {
      const named = alias.targets.map((target) => `${target.methodology} (${target.countries?.join(', ') ?? 'any country'})`).join('; ');
      note = `${programName(index, referenceProgramId)} writes “${alias.registry}” for ${named}; the project's country (${input.countryCode}) is none of them.`;
    } else if (input.countryCode === null && alias.targets.some((target) => target.countries !== null)) {
      note = `“${alias.registry}” names a different protocol per country and the project's country is not published.`;
    }
    return { rows, note, lookup: key };
  }
  const code = methodologyCode(input.id);
  if (code) return { rows: index.byCode(referenceProgramId, code), note: null, lookup: code };
  return { rows: index.byName(referenceProgramId, key), note: null, lookup: key };
}

export function methodologyVerdict(index: ReferenceIndex, input: MethodologyInput, evaluationDate: string): MethodologyVerdict {
  const referenceProgramId = index.referenceProgramId(input.programId);
  const program = programName(index, referenceProgramId);
  const label = input.version === null ? `${input.id} (version not published by the registry)` : `${input.id} version ${input.version}`;
  const { rows, note, lookup } = candidateRows(index, input, referenceProgramId);

  if (rows.length === 0) {
    const elsewhere = index
      .programsWith(lookup)
      .filter((id) => id !== referenceProgramId)
      .map((id) => programName(index, id));
    return unknown([
      `${label} is not on the ICVCM assessment table as submitted by ${program} (reference data ${index.version}), so credits using it cannot carry the CCP label.`,
      ...(note ? [note] : []),
      ...(elsewhere.length > 0 ? [`The table lists it only as submitted by ${elsewhere.join(', ')}; ICVCM decisions are per program.`] : []),
    ]);
  }

  const version = parseVersion(input.version);
  let candidates = rows;
  const extra: string[] = note ? [note] : [];
  if (input.version !== null && version === null) {
    extra.push(`The registry's version “${input.version}” is not a version number the ICVCM table uses.`);
  } else if (version !== null) {
    candidates = rows.filter((row) => inRange(version, row.range));
    if (candidates.length === 0) {
      const listed = rows.map((row) => `${row.versions} (${row.outcome})`).join(', ');
      return unknown([`${label} is not on the ICVCM table as submitted by ${program}: the table lists “${rows[0]!.methodology}” ${rows.length === 1 ? 'version' : 'versions'} ${listed} only.`, ...extra]);
    }
  }
  const versionKnown = version !== null;
  const outcomes = candidates.map((row) => outcomeAt(row, evaluationDate));
  const approved = candidates.filter((_, i) => outcomes[i] === 'approved');

  const reasons: string[] = [];
  if (candidates.length === 1) {
    const row = candidates[0]!;
    reasons.push(`${label} as submitted by ${program}: ICVCM ${decisionClause(index, row, outcomes[0]!, evaluationDate)}${cite(row)}.`);
  } else {
    reasons.push(`${label} as submitted by ${program} matches ${candidates.length} rows of the ICVCM table.`);
    candidates.forEach((row, i) => reasons.push(`ICVCM ${decisionClause(index, row, outcomes[i]!, evaluationDate)}${cite(row)}.`));
  }
  if (!versionKnown) {
    if (candidates.length === 1) reasons.push(`The registry does not publish the methodology version; the decision covers ${versionsText(candidates[0]!)} only.`);
    else reasons.push('The registry does not publish the methodology version, so registry data does not say which of these decisions applies.');
  } else if (candidates.length > 1) {
    reasons.push('ICVCM decides these variants separately, and registry data does not say which one applies to this credit.');
  }
  reasons.push(...extra);

  let status: MethodologyStatus;
  let decision: ReferenceDecision;
  if (approved.length > 0) {
    decision = approved.reduce((latest, row) => ((row.effectiveFrom ?? '') > (latest.effectiveFrom ?? '') ? row : latest));
    const unambiguous = candidates.length === 1 && versionKnown;
    status = unambiguous && decision.conditional === false ? 'APPROVED' : 'APPROVED_CONDITIONAL';
    for (const row of approved) {
      if (row.conditional === true || row.conditions.length > 0) {
        reasons.push(
          `Conditions of the approval of “${row.methodology}” ${versionsText(row)}, which registry data cannot show: ${row.conditions.join(' ') || 'not captured in the reference data.'}`,
        );
      } else if (row.conditional === null) {
        reasons.push(
          `The reference data does not record whether the approval of “${row.methodology}” ${versionsText(row)} carries conditions${row.conditionalBasis ? ` (${row.conditionalBasis.replace(/\.$/, '')})` : ''}, so it is reported as conditional rather than guessed.`,
        );
      }
    }
  } else {
    const chosen: DecisionOutcome = outcomes.includes('pending')
      ? 'pending'
      : outcomes.includes('remedial-action')
        ? 'remedial-action'
        : outcomes.includes('withdrawn')
          ? 'withdrawn'
          : 'rejected';
    status = outcomeStatus[chosen] as MethodologyStatus;
    decision = candidates[outcomes.indexOf(chosen)]!;
  }
  return { status, rank: methodologyRank[status], reasons, decisionId: decision.id };
}
