/**
 * Per-registry configuration of the APX-platform registries: American Carbon Registry (ACR),
 * Climate Action Reserve (CAR) and ART TREES (registries.md §4). The three publish the same four
 * report exports (projects, issuances, retirements, cancellations) from one APX module, with
 * different column names for the same things; everything registry-specific lives here, the
 * parser in `normalize.ts` is shared.
 *
 * A column is a list of names: the name in the 2026-04 exports first, then the names the
 * registry used before or after (CAR renamed `CCP Approved` to `ICVCM CCP Eligible` by
 * 2026-08, §4.3). Names are compared with whitespace trimmed and collapsed and case ignored,
 * which absorbs `Status Effective  (GMT)` (two spaces, ACR cancellations), `Program  Country`
 * (two spaces, ART) and `Total Number of Credits Registered ` (trailing space).
 */
import type { ProgramId } from '../contract.ts';

/** A column as the registry names it, then older or newer names of the same column. */
export type Column = readonly [string, ...string[]];

/** Source kinds of the APX CSV exports (raw record `sourceKind`). */
export const APX_SOURCES = ['projects', 'issuances', 'retirements', 'cancellations'] as const;
export type ApxSource = (typeof APX_SOURCES)[number];

/** A project column holding another program's id for the same project (registries.md §11). */
export interface CrossReferenceColumn {
  column: Column;
  /**
   * Program the id belongs to. `by-prefix`: CARB ids start with `CA` (`CAOD…`, `CAFR…`,
   * `CAMM…`, `CALS…`) → `arb`; Washington Ecology ids with `ECY` (`ECYOD…`) → `ecology-wa`;
   * any other value is kept in attributes only.
   */
  programId: 'arb' | 'ecology-wa' | 'by-prefix';
  relation: string;
}

/** Project columns repeated on every transaction row, read into a `partial` project. */
export interface ProjectOnCreditColumns {
  name: Column;
  projectType: Column;
  proponent?: Column;
  /** Methodology name (ACR `Project Methodology/Protocol`, ART `Crediting Program and Standard`). */
  methodology?: Column;
  /** Version of `methodology` (`Version 2.0`, `April 25, 2014`). */
  methodologyVersion?: Column;
  /** CAR's one column for both: `Forestry - MX - Version 3.0`. */
  protocolAndVersion?: Column;
  /** ISO 3166-1 alpha-2 (ACR, CAR) or an upper-case English name (ART `COTE D'IVOIRE`). */
  country: Column;
  subdivision?: Column;
  location?: Column;
  sdgs?: Column;
  /** ART `Crediting Program and Standard`: `FCPF - …` means the units came through the World Bank's CATS. */
  creditingProgram?: Column;
}

export interface ProjectListColumns extends ProjectOnCreditColumns {
  id: Column;
  /** Status columns, first non-blank wins (ACR: voluntary status, else compliance status). */
  status: readonly Column[];
  registrationDate?: Column;
  creditingPeriodStart?: Column;
  creditingPeriodEnd?: Column;
  additionalCertifications?: Column;
  /** CAR `Cooperative/ Aggregate ID` (`CARC1791`): the project's parent aggregate. */
  parent?: Column;
  crossReferences: readonly CrossReferenceColumn[];
}

export interface CreditColumns {
  projectId: Column;
  project: ProjectOnCreditColumns;
  vintage: Column;
  /** The date of this transaction: issuance, retirement (`Status Effective`) or cancellation. */
  transactionDate: Column;
  /** On retirements and cancellations: when the units were issued (ACR `Date Issued (GMT)`). */
  issuanceDate?: Column;
  vintageStart?: Column;
  vintageEnd?: Column;
  quantity: Column;
  /** Serial block column (retirements and cancellations; APX issuance exports carry none). */
  serial?: Column;
  beneficiary?: Column;
  /** Retirement reason, or for cancellations the cancellation type/reason. */
  reason?: Column;
  /** Retirement purpose / details, or for cancellations the cancellation details. */
  note?: Column;
  /**
   * Yes/blank flag columns published on the units (CCP, CORSIA eligibility, compliance
   * eligibility). A `Yes` becomes a label named after the column as the export spells it.
   */
  flags: readonly Column[];
  correspondingAdjustment?: Column;
  additionalCertifications?: Column;
  /** Numeric side columns (buffer pool contributions…) kept as numbers in `attributes.quantities`. */
  quantities?: Readonly<Record<string, Column>>;
}

export interface IssuanceColumns extends CreditColumns {
  /**
   * What tells issuance rows apart besides project, vintage, issuance date and quantity (the
   * APX issuance export has no serials and no row id). ACR adds its reporting period. The
   * quantity is needed: ACR splits one issuance into rows by unit type (ACR885 on 10/28/2025
   * 9:50:47 PM: 3,456 verified removals and 14,256 other units, same period), CAR by label
   * (CAR1568, 12/31/2025: 118,084 and 22,287, one CCP-approved). An issuance's quantity is not
   * edited afterwards (ACR corrects by cancellation, `Premature issuance`, §4.2). Uniqueness over
   * the fixtures is proved in test/connectors/apx/keys.test.ts.
   */
  keyParts: { period?: readonly [Column, Column] };
}

/** The serial layout: `<prefix>-<segments…>-<first> to <last>` (registries.md §1, §4). */
export interface SerialLayout {
  /** First segment: `ACR`; `CAR`; `ART` or `FCPF` (FCPF Carbon Fund units re-issued on ART). */
  prefixes: readonly string[];
  /** Names of the segments between the prefix and the first unit, in order. */
  segments: readonly string[];
}

export interface GreenTraceTenant {
  /** Tenant key in the API path: `ACR_REGISTRY`, `ART_REGISTRY`. */
  registryKey: string;
}

export interface ApxRegistry {
  programId: Extract<ProgramId, 'acr' | 'car' | 'art-trees'>;
  /** Short name for messages: `ACR`, `CAR`, `ART`. */
  label: string;
  /** Letters before the number in project ids: `ACR934`, `CAR1957`, `ART102`. */
  projectIdPrefix: string;
  serial: SerialLayout;
  projects: ProjectListColumns;
  issuances: IssuanceColumns;
  retirements: CreditColumns;
  cancellations: CreditColumns;
  /** Report ids of the APX report pages (`myrpt.asp?r=<id>`), when known (CAR, §4.1). */
  apxReports?: Readonly<Record<ApxSource, number>>;
  /** ICE GreenTrace tenant, for the registries that moved there in 2026 (§0.1, §4.2). */
  greenTrace?: GreenTraceTenant;
}

const YES_FLAGS_CORSIA = [
  ['Eligible for CORSIA 2021-2023 Compliance Period (Pilot Phase)', 'Eligible for CORSIA 2021-2023 Compliance Period'],
  ['Eligible for CORSIA 2024-2026 Compliance Period (First Phase)', 'Eligible for CORSIA 2024-2026 Compliance Period'],
] as const satisfies readonly Column[];

/** CAR renamed the column by 2026-08 (registries.md §4.3); both names are read. */
const CCP: Column = ['CCP Approved', 'ICVCM CCP Eligible'];

const ACR_PROJECT_ON_CREDIT: ProjectOnCreditColumns = {
  name: ['Project Name'],
  projectType: ['Project Type'],
  methodology: ['Project Methodology/Protocol'],
  methodologyVersion: ['Methodology/Protocol Version'],
  country: ['Project Site Country'],
  subdivision: ['Project Site State'],
  location: ['Project Site Location'],
  sdgs: ['Sustainable Development Goal(s)'],
};

const ACR_LEDGER = {
  projectId: ['Project ID'],
  project: ACR_PROJECT_ON_CREDIT,
  vintage: ['Vintage'],
  issuanceDate: ['Date Issued (GMT)', 'Date Issued'],
  vintageStart: ['Vintage Assignment Period Start Date'],
  vintageEnd: ['Vintage Assignment Period End Date'],
  quantity: ['Quantity of Credits'],
  serial: ['Credit Serial Numbers'],
} as const satisfies Partial<CreditColumns>;

const ACR_LEDGER_FLAGS: readonly Column[] = [
  ['ARB Eligible'],
  ['Ecology Eligible'],
  ['CORSIA Eligible'],
  ...YES_FLAGS_CORSIA,
  CCP,
  ['Verified Removal'],
];

/** American Carbon Registry: APX exports until 2026, then ICE GreenTrace (registries.md §4.2). */
export const ACR: ApxRegistry = {
  programId: 'acr',
  label: 'ACR',
  projectIdPrefix: 'ACR',
  serial: { prefixes: ['ACR'], segments: ['country', 'projectNumber', 'vintage', 'batch'] },
  projects: {
    id: ['Project ID'],
    ...ACR_PROJECT_ON_CREDIT,
    proponent: ['Project Developer'],
    status: [['Voluntary Status'], ['Compliance Program Status (ARB or Ecology)']],
    creditingPeriodStart: ['Current Crediting Period Start Date'],
    creditingPeriodEnd: ['Current Crediting Period End Date'],
    crossReferences: [{ column: ['Compliance Program ID (ARB or Ecology)'], programId: 'by-prefix', relation: 'compliance-program-id' }],
  },
  issuances: {
    projectId: ['Project ID'],
    project: { ...ACR_PROJECT_ON_CREDIT, proponent: ['Project Developer'] },
    vintage: ['Vintage'],
    transactionDate: ['Date Issued (GMT)', 'Date Issued'],
    vintageStart: ['ReportingPeriodBegin'],
    vintageEnd: ['ReportingPeriodEnd'],
    // `Total Credits Issued` = `Credits Issued to Project` + `Credits Issued to Buffer Pool`
    // (registries.md §4.2, 100/100 rows): every unit ACR created in the issuance, buffer pool
    // units included, as ACR itself totals them. See docs in connectors/apx/index.ts.
    quantity: ['Total Credits Issued'],
    flags: [['ARB Eligible'], ['Ecology Eligible'], CCP, ['Verified Removal']],
    quantities: {
      creditsIssuedToProject: ['Credits Issued to Project'],
      creditsIssuedToBufferPool: ['Credits Issued to Buffer Pool'],
      creditsTransferredToBufferPool: ['Credits Transferred to Buffer Pool'],
    },
    keyParts: { period: [['ReportingPeriodBegin'], ['ReportingPeriodEnd']] },
  },
  retirements: {
    ...ACR_LEDGER,
    transactionDate: ['Status Effective (GMT)', 'Status Effective'],
    beneficiary: ['Retired on Behalf of'],
    reason: ['Retirement Reason'],
    note: ['Purpose of Retirement'],
    flags: ACR_LEDGER_FLAGS,
  },
  cancellations: {
    ...ACR_LEDGER,
    // Two spaces in the export; the folded comparison reads both spellings.
    transactionDate: ['Status Effective  (GMT)', 'Status Effective (GMT)', 'Status Effective'],
    reason: ['Cancellation Type'],
    note: ['Cancellation Details'],
    flags: ACR_LEDGER_FLAGS,
  },
  greenTrace: { registryKey: 'ACR_REGISTRY' },
};

const CAR_PROJECT_ON_CREDIT: ProjectOnCreditColumns = {
  name: ['Project Name'],
  projectType: ['Project Type'],
  protocolAndVersion: ['Protocol and Version'],
  country: ['Project Site Country'],
  subdivision: ['Project Site State'],
  location: ['Project Site Location'],
};

const CAR_LEDGER = {
  projectId: ['Project ID'],
  project: CAR_PROJECT_ON_CREDIT,
  vintage: ['Vintage'],
  transactionDate: ['Status Effective'],
  quantity: ['Quantity of Offset Credits'],
  serial: ['Offset Credit Serial Numbers'],
  additionalCertifications: ['Additional Certification(s)'],
} as const satisfies Partial<CreditColumns>;

/** Climate Action Reserve: still on APX in 2026 (registries.md §4.3). */
export const CAR: ApxRegistry = {
  programId: 'car',
  label: 'CAR',
  projectIdPrefix: 'CAR',
  serial: {
    prefixes: ['CAR'],
    segments: ['unitClass', 'country', 'projectNumber', 'protocol', 'segment6', 'state', 'vintage', 'batch'],
  },
  projects: {
    id: ['Project ID'],
    name: ['Project Name'],
    projectType: ['Project Type'],
    proponent: ['Project Developer'],
    country: ['Project Site Country'],
    subdivision: ['Project Site State'],
    location: ['Project Site Location'],
    sdgs: ['SDG Impact'],
    status: [['Status']],
    registrationDate: ['Project Registered Date'],
    additionalCertifications: ['Additional Certification(s)'],
    parent: ['Cooperative/ Aggregate ID', 'Cooperative/Aggregate ID'],
    crossReferences: [
      { column: ['ARB ID'], programId: 'arb', relation: 'arb-id' },
      { column: ['WA ECO'], programId: 'ecology-wa', relation: 'wa-eco-id' },
      { column: ['Compliance Program ID'], programId: 'by-prefix', relation: 'compliance-program-id' },
    ],
  },
  issuances: {
    projectId: ['Project ID'],
    project: { ...CAR_PROJECT_ON_CREDIT, proponent: ['Project Developer'] },
    vintage: ['Vintage'],
    transactionDate: ['Date Issued'],
    quantity: ['Total Offset Credits Issued'],
    flags: [['ARB Eligible'], ['WA ECO Eligible'], ...YES_FLAGS_CORSIA, CCP],
    correspondingAdjustment: ['Corresponding Adjustment'],
    additionalCertifications: ['Additional Certification(s)'],
    quantities: {
      reserveBufferPool: ['Offset Credits Currently in Reserve Buffer Pool'],
      complianceBufferPool: ['Offset Credits Intended for Compliance Buffer Pool'],
      convertedToVcus: ['Offset Credits Converted to VCUs'],
      canceledForCompliance: ['Canceled for Compliance'],
      canceled: ['Canceled'],
    },
    keyParts: {},
  },
  retirements: {
    ...CAR_LEDGER,
    // CAR publishes no beneficiary column: `Retirement Reason Details` is free text that
    // sometimes names one (registries.md §4.3). It goes to `retirementNote`; see normalize.ts.
    reason: ['Retirement Reason'],
    note: ['Retirement Reason Details'],
    flags: [...YES_FLAGS_CORSIA, CCP],
    correspondingAdjustment: ['Corresponding Adjustment'],
  },
  cancellations: {
    ...CAR_LEDGER,
    reason: ['Cancellation Reason'],
    note: ['Export Notes'],
    flags: [...YES_FLAGS_CORSIA, CCP],
    correspondingAdjustment: ['Corresponding Adjustment'],
  },
  apxReports: { projects: 111, issuances: 112, retirements: 206, cancellations: 308 },
};

const ART_PROJECT_ON_CREDIT: ProjectOnCreditColumns = {
  name: ['Program Name'],
  projectType: ['Program Type'],
  methodology: ['Crediting Program and Standard'],
  methodologyVersion: ['Standard Version'],
  country: ['Program  Country', 'Program Country'],
  subdivision: ['Program Jurisdiction(s)'],
  creditingProgram: ['Crediting Program and Standard'],
};

const ART_LEDGER = {
  projectId: ['Program ID'],
  project: ART_PROJECT_ON_CREDIT,
  vintage: ['Vintage'],
  transactionDate: ['Status Effective'],
  // `Date Approved` on a retirement is the approval of the issuance (`3/9/2026 4:16:10 PM`).
  issuanceDate: ['Date Approved'],
  quantity: ['Quantity of Credits'],
  serial: ['Credit Serial Numbers'],
} as const satisfies Partial<CreditColumns>;

/** ART TREES: APX exports until 2026, then ICE GreenTrace tenant `ART_REGISTRY` (registries.md §4.4). */
export const ART: ApxRegistry = {
  programId: 'art-trees',
  label: 'ART',
  projectIdPrefix: 'ART',
  serial: { prefixes: ['ART', 'FCPF'], segments: ['country', 'projectNumber', 'vintage', 'batch'] },
  projects: {
    id: ['Program ID'],
    ...ART_PROJECT_ON_CREDIT,
    // The project list has no `Standard Version`.
    methodologyVersion: undefined,
    proponent: ['Sovereign Program Developer'],
    status: [['Status']],
    creditingPeriodStart: ['Initial Crediting Period Start Date'],
    crossReferences: [],
  },
  issuances: {
    projectId: ['Program ID'],
    project: { ...ART_PROJECT_ON_CREDIT, proponent: ['Sovereign Program Developer'] },
    vintage: ['Vintage'],
    transactionDate: ['Date Approved'],
    // `Credits Verified` = the credits issued to the program; `Total Emission
    // Reductions/Removals` = `Credits Deposited in Buffer` + `Credits Verified` (11/11 rows).
    // ART announces the verified figure as "issued" (Guyana 2016–2020: 33.47 million = the sum
    // of the five vintages' `Credits Verified`; 2023: 9,085,923). See connectors/apx/index.ts.
    quantity: ['Credits Verified'],
    flags: [CCP, ['CORSIA Eligible']],
    quantities: {
      totalEmissionReductionsRemovals: ['Total Emission Reductions/Removals'],
      creditsDepositedInBuffer: ['Credits Deposited in Buffer'],
    },
    keyParts: {},
  },
  retirements: {
    ...ART_LEDGER,
    beneficiary: ['Retired on Behalf of'],
    reason: ['Retirement Reason'],
    note: ['Purpose of Retirement'],
    flags: [...YES_FLAGS_CORSIA, CCP],
  },
  cancellations: {
    ...ART_LEDGER,
    reason: ['Cancellation Reason'],
    note: ['Cancellation Details'],
    flags: [['CORSIA Eligible'], ...YES_FLAGS_CORSIA, CCP],
  },
  greenTrace: { registryKey: 'ART_REGISTRY' },
};
