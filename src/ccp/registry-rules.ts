/**
 * How each registry shows CCP facts in what its connector stores, one small table per fact,
 * so a new registry (or a renamed column) is one entry. Each table compiles to a SQL
 * expression over `credits c` for the set-based labelling run (label-engine.ts).
 *
 * Evidence: ../shared/docs/ccp.md §3 "How registries expose the label" and §4, the connectors
 * (verra/normalize.ts: `Additional Certifications` → labels; gold-standard/normalize.ts:
 * `Label` → labels, `Product Type` → attributes.productType; apx/registries.ts: a `Yes` in
 * `CCP Approved` / `ICVCM CCP Eligible` → a label named after the column) and the fixtures.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { CreditKind } from '../../connectors/contract.ts';

const allKinds: readonly CreditKind[] = ['issuance', 'retirement', 'cancellation'];

export interface RegistryFlagRule {
  /** Hub program id. */
  program: string;
  /** Transactions whose export carries the field (elsewhere the registry publishes no flag). */
  kinds: readonly CreditKind[];
  /** The field as the registry names it. */
  field: string;
  /** Labels (as the connector stores them) that mean "CCP-labelled". */
  labels: readonly string[];
}

/** Where each registry publishes its own CCP flag. Programs not listed publish none (agreesWithRegistry is null). */
export const registryFlagRules: readonly RegistryFlagRule[] = [
  // `;`-separated `Additional Certifications` of the VCU export, e.g. `ICVCM CCP`.
  { program: 'verra', kinds: allKinds, field: 'Additional Certifications', labels: ['ICVCM CCP'] },
  // `,`-separated `Label` of the issuance and retirement exports (`ICVCM CCP, Emission Reduction`).
  // The JSON API's spelling of the CCP label is unconfirmed (its labels read `EMISSION_REDUCTION`).
  { program: 'gold-standard', kinds: allKinds, field: 'Label', labels: ['ICVCM CCP', 'ICVCM_CCP'] },
  // APX exports: `CCP Approved` (renamed `ICVCM CCP Eligible` at CAR by 2026-08); the connector
  // turns a `Yes` into a label named after the column.
  { program: 'acr', kinds: allKinds, field: 'CCP Approved', labels: ['CCP Approved', 'ICVCM CCP Eligible'] },
  // CAR's cancellation export has no CCP column (test/fixtures/registries/climate-action-reserve).
  { program: 'car', kinds: ['issuance', 'retirement'], field: 'CCP Approved', labels: ['CCP Approved', 'ICVCM CCP Eligible'] },
  { program: 'art-trees', kinds: allKinds, field: 'CCP Approved', labels: ['CCP Approved', 'ICVCM CCP Eligible'] },
];

export interface ExAnteRule {
  program: string;
  /** Key in `credits.attributes`. */
  attribute: string;
  /** Values (compared case-insensitively) that mark ex-ante units. */
  values: readonly string[];
  description: string;
}

/**
 * Units issued before the mitigation is verified. ICVCM labels attach to issued, verified
 * credits (ccp-decisions.json labelRules.exAnte); none of the fixture exports holds such units.
 */
export const exAnteRules: readonly ExAnteRule[] = [
  {
    program: 'gold-standard',
    attribute: 'productType',
    values: ['PER'],
    description: 'Gold Standard product type PER, a Planned Emission Reduction issued before the reductions are verified (registries.md §3.4)',
  },
];

export interface IssuingProgramRule {
  program: string;
  attribute: string;
  values: readonly string[];
  /** The program that issued the units (a reference program id). */
  issuingProgram: string;
  description: string;
}

/**
 * Units a registry holds but another program issued: their eligibility is the issuer's.
 * Gold Standard exports list CDM CERs (product type `CER`, CDM serials) beside its own VERs;
 * the CDM is not a CCP program (ccp.md §1).
 */
export const issuingProgramRules: readonly IssuingProgramRule[] = [
  {
    program: 'gold-standard',
    attribute: 'productType',
    values: ['CER'],
    issuingProgram: 'cdm',
    description: 'CDM CERs held in the Gold Standard registry (product type CER, CDM serial)',
  },
];

export interface AuthorizationRule {
  program: string;
  /** The field, as the registry names it. */
  field: string;
  /** Key in `credits.attributes` holding the field verbatim when the registry publishes a negative value. */
  attribute: string | null;
  /** Values of that attribute meaning "not authorized". */
  negativeValues: readonly string[];
  /** The field is on every row and only authorized units carry a value: no value means not authorized. */
  absentMeansNotAuthorized: boolean;
}

/**
 * Where registries publish host-country authorization under Article 6 (CCP attribute 1, ccp.md §4).
 * `credits.article6Authorization` holds the positive statement as published; this table says how
 * a negative one shows.
 */
export const authorizationRules: readonly AuthorizationRule[] = [
  { program: 'verra', field: 'Additional Certifications (Article 6 Authorized – …)', attribute: null, negativeValues: [], absentMeansNotAuthorized: true },
  { program: 'gold-standard', field: 'Article Six Authorization', attribute: 'articleSixAuthorization', negativeValues: ['Not Applicable'], absentMeansNotAuthorized: false },
  { program: 'car', field: 'Corresponding Adjustment', attribute: 'Corresponding Adjustment', negativeValues: ['No'], absentMeansNotAuthorized: false },
];

/** Labels that certify sustainable-development impacts (CCB, SD VISta, SOCIALCARBON, W+), as listed by registries. */
export const sdgCertificationPattern = '^(ccb|sd ?vista|social ?carbon|w\\+)';

const textArray = (values: readonly string[]) => sql`array[${sql.join(values.map((value) => sql`${value}`), sql`, `)}]::text[]`;
const kindList = (kinds: readonly CreditKind[]) => sql`(${sql.join(kinds.map((kind) => sql`${kind}`), sql`, `)})`;
const upperList = (values: readonly string[]) => textArray(values.map((value) => value.toUpperCase()));

function caseOf(branches: SQL[], otherwise: SQL): SQL {
  if (branches.length === 0) return otherwise;
  return sql`(case ${sql.join(branches, sql` `)} else ${otherwise} end)`;
}

/** The registry's flag: true/false where it publishes one for this program and kind, else null. */
export function registryFlagSql(): SQL {
  return caseOf(
    registryFlagRules.map((rule) => sql`when c.program_id = ${rule.program} and c.kind in ${kindList(rule.kinds)} then c.labels && ${textArray(rule.labels)}`),
    sql`null::boolean`,
  );
}

/** The field the flag is read from, where one is published. */
export function registryFlagFieldSql(): SQL {
  return caseOf(
    registryFlagRules.map((rule) => sql`when c.program_id = ${rule.program} and c.kind in ${kindList(rule.kinds)} then ${rule.field}::text`),
    sql`null::text`,
  );
}

/** The CCP label as the registry wrote it on these units (null when absent). */
export function registryFlagValueSql(): SQL {
  return caseOf(
    registryFlagRules.map(
      (rule) =>
        sql`when c.program_id = ${rule.program} and c.kind in ${kindList(rule.kinds)} then (select l from unnest(c.labels) as l where l = any(${textArray(rule.labels)}) limit 1)`,
    ),
    sql`null::text`,
  );
}

export function exAnteSql(): SQL {
  return caseOf(
    exAnteRules.map((rule) => sql`when c.program_id = ${rule.program} and upper(c.attributes->>${rule.attribute}) = any(${upperList(rule.values)}) then true`),
    sql`false`,
  );
}

export function exAnteReasonSql(): SQL {
  return caseOf(
    exAnteRules.map(
      (rule) =>
        sql`when c.program_id = ${rule.program} and upper(c.attributes->>${rule.attribute}) = any(${upperList(rule.values)}) then ${`These units are ex-ante (${rule.description}); ex-ante units never carry the CCP label.`}::text`,
    ),
    sql`null::text`,
  );
}

/** The program whose eligibility applies: the issuer named by `issuingProgramRules`, else the credit's program. */
export function issuingProgramSql(): SQL {
  return caseOf(
    issuingProgramRules.map(
      (rule) => sql`when c.program_id = ${rule.program} and upper(c.attributes->>${rule.attribute}) = any(${upperList(rule.values)}) then ${rule.issuingProgram}::text`,
    ),
    sql`c.program_id`,
  );
}

/** Programs the issuing-program rules can name, so their verdicts are computed too. */
export const issuingProgramTargets: readonly string[] = [...new Set(issuingProgramRules.map((rule) => rule.issuingProgram))];

/** `{ authorized, published, field, correspondingAdjustment }` of CCP attribute 1, as published. */
export function authorizationSql(): SQL {
  const negative = caseOf(
    authorizationRules
      .filter((rule) => rule.attribute !== null)
      .map((rule) => sql`when c.program_id = ${rule.program} and upper(c.attributes->>${rule.attribute!}) = any(${upperList(rule.negativeValues)}) then c.attributes->>${rule.attribute!}`),
    sql`null::text`,
  );
  const absentNegative = caseOf(
    authorizationRules.filter((rule) => rule.absentMeansNotAuthorized).map((rule) => sql`when c.program_id = ${rule.program} then true`),
    sql`false`,
  );
  const field = caseOf(
    authorizationRules.map((rule) => sql`when c.program_id = ${rule.program} then ${rule.field}::text`),
    sql`null::text`,
  );
  return sql`jsonb_build_object(
    'authorized', case when c.article6_authorization is not null then true when ${negative} is not null or ${absentNegative} then false else null end,
    'published', coalesce(c.article6_authorization, ${negative}),
    'field', ${field},
    'correspondingAdjustment', c.attributes->>'Corresponding Adjustment')`;
}
