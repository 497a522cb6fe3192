/**
 * The connector contract: the only module a connector needs from the core.
 *
 * A connector streams raw records out of a registry (`fetch`, I/O) and turns each one
 * into normalized projects and credits or a rejection (`normalize`, pure). Keeping
 * `normalize` pure lets stored raw records be re-normalized after a parser fix without
 * refetching, and lets every connector be tested on real exports without the network.
 */
import type { Logger } from 'pino';
import type { HttpClient } from './http.ts';

/** Program ids used across the hub (`programs.id`). */
export type ProgramId =
  | 'verra'
  | 'gold-standard'
  | 'acr'
  | 'car'
  | 'art-trees'
  | 'isometric'
  | 'cercarbono'
  | 'puro'
  | 'gcc'
  | 'cdm'
  | 'arb';

export type ProgramKind = 'voluntary' | 'compliance' | 'crediting-mechanism';

/** One record exactly as the registry sent it. */
export interface RawRecord {
  /** Which export or ledger the record came from, e.g. `projects`, `transactions`. */
  sourceKind: string;
  /** Stable identity of the record inside its source (serial number, project id…). */
  naturalKey: string;
  /** The record verbatim: column name → cell text for CSV exports, the object for JSON. */
  payload: Record<string, unknown>;
}

/** Why a raw record could not be normalized: a closed set, with a human-readable detail beside it. */
export type RejectionReason =
  | 'missing_field'
  | 'invalid_number'
  | 'invalid_date'
  | 'invalid_serial'
  | 'quantity_mismatch'
  | 'inconsistent_reference'
  | 'malformed_row';

export interface Rejection {
  reason: RejectionReason;
  detail: string;
}

export interface MethodologyRef {
  /** Methodology id as the program names it, e.g. `VM0042`, `AMS-III.H.`, `ACM0002`. */
  id: string;
  /** Version when the registry publishes one (e.g. `2.0`), otherwise null. */
  version: string | null;
}

export interface CrossReference {
  programId: ProgramId | string;
  registryProjectId: string;
  /** How the registry states the link, e.g. `arb-id`, `cdm-serial`, `opr-project-id`. */
  relation: string;
}

export interface NormalizedProject {
  programId: ProgramId;
  /** The registry's own project id, e.g. `1340` for Verra, `ACR934`. */
  registryProjectId: string;
  /**
   * `full` when the record comes from the registry's project list; `partial` when the
   * project is only known through attributes repeated on its transactions. A partial
   * project is created when missing and never overwrites a full one.
   */
  completeness: 'full' | 'partial';
  name: string | null;
  proponent: string | null;
  /** ISO 3166-1 alpha-2, or null when the registry's country could not be mapped. */
  countryCode: string | null;
  /** Country as the registry wrote it. */
  countryName: string | null;
  /** ISO 3166-2 subdivision or the registry's region/state text. */
  subdivision: string | null;
  region: string | null;
  latitude: number | null;
  longitude: number | null;
  /** Project type(s) as the registry wrote them. */
  projectTypes: string[];
  methodologies: MethodologyRef[];
  status: string | null;
  registrationDate: string | null;
  creditingPeriodStart: string | null;
  creditingPeriodEnd: string | null;
  /** UN Sustainable Development Goal numbers (1–17). */
  sdgs: number[];
  additionalCertifications: string[];
  estimatedAnnualCredits: number | null;
  parentRegistryProjectId: string | null;
  crossReferences: CrossReference[];
  /** Anything else the registry publishes that has no column of its own. */
  attributes: Record<string, unknown>;
}

export type CreditKind = 'issuance' | 'retirement' | 'cancellation';

/** A serial block: unit numbers `firstUnit..lastUnit` (inclusive) inside `namespace`. */
export interface SerialBlock {
  /** The space in which unit numbers are unique, e.g. `VCS-VCU` (Verra numbers units globally). */
  namespace: string;
  firstUnit: number;
  lastUnit: number;
  /** Every other segment the serial format carries (batch, country, vintage…). */
  parts: Record<string, string | number | null>;
}

export interface NormalizedCredit {
  programId: ProgramId;
  /** Deterministic key per registry, so a re-sync updates the row in place. */
  naturalKey: string;
  registryProjectId: string;
  kind: CreditKind;
  /**
   * True where the source does not tell retirement from cancellation (Verra's old VCU export
   * has one date column for both): the row is kept as a retirement and marked.
   */
  kindAmbiguous: boolean;
  quantity: number;
  vintageYear: number | null;
  vintageStart: string | null;
  vintageEnd: string | null;
  /** ISO date (YYYY-MM-DD) of this transaction: issuance date, retirement date… */
  transactionDate: string | null;
  /** For retirements and cancellations, the date the units were issued when published. */
  issuanceDate: string | null;
  serialNumber: string | null;
  serialBlock: SerialBlock | null;
  /** ISO 3166-1 alpha-2 of the units when the serial or record states it. */
  countryCode: string | null;
  beneficiary: string | null;
  retirementReason: string | null;
  retirementNote: string | null;
  /** Voluntary, CORSIA, a named tax or ETS, as published. */
  useCase: string | null;
  /** Article 6 authorization as published by the registry. */
  article6Authorization: string | null;
  /** Labels the registry itself reports on the units (CCB, CORSIA, ICVCM CCP…). */
  labels: string[];
  attributes: Record<string, unknown>;
}

export type NormalizeResult =
  | { ok: true; projects: NormalizedProject[]; credits: NormalizedCredit[] }
  | { ok: false; rejection: Rejection };

/** What a connector's fetch gets from the sync runner. */
export interface FetchContext {
  http: HttpClient;
  baseUrl: string;
  logger: Logger;
  /** The values of the connector's `secrets`, by variable name (only those that are set). */
  secrets: Readonly<Record<string, string>>;
  /** The watermark the last successful run ended with, when the connector uses one. */
  watermark: string | null;
  /** Fixed when the run starts (Singer's "signpost"): the run fetches nothing after it. */
  startedAt: Date;
  signal?: AbortSignal;
  /**
   * Reports where the next run should start from (kept only if this run succeeds) and, with
   * `sourceUnchanged`, that the registry said nothing changed since `watermark` (e.g. HTTP 304
   * to a conditional GET): the run then reads nothing and must not treat the records it did
   * not see as gone.
   */
  checkpoint?(state: Checkpoint): void;
}

export interface Checkpoint {
  watermark?: string | null;
  sourceUnchanged?: boolean;
}

/** A failure classified so the scheduler knows whether retrying can help. */
export type FailureType = 'config' | 'transient' | 'format' | 'system';

export class ConnectorError extends Error {
  readonly failureType: FailureType;
  constructor(failureType: FailureType, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectorError';
    this.failureType = failureType;
  }
}

export interface Connector {
  id: ProgramId;
  displayName: string;
  kind: ProgramKind;
  homepage: string;
  /** Environment variable that overrides `defaultBaseUrl`. */
  baseUrlEnv: string;
  defaultBaseUrl: string;
  /** node-cron expression. */
  defaultSchedule: string;
  /**
   * False when the hub must not poll this registry unless an operator turns it on
   * (`<PROGRAM>_ENABLED=true`), e.g. where the registry's terms rule out automated downloads.
   */
  pollByDefault?: boolean;
  /** Why polling is off by default; shown in logs and docs. */
  pollingNote?: string;
  /**
   * Environment variables holding credentials `fetch` needs (e.g. an account's API secret).
   * Their values reach `fetch` as `ctx.secrets`; while one is unset the hub does not poll the
   * registry and says why.
   */
  secrets?: readonly string[];
  /** Bump when `normalize` changes, so stored raw records are normalized again. */
  normalizerVersion: number;
  /** Streams raw records from the registry, source by source, page by page. */
  fetch(ctx: FetchContext): AsyncIterable<RawRecord>;
  /** Streams raw records from exports a user downloaded by hand, laid out as in test/fixtures/registries. */
  readExports(dir: string): AsyncIterable<RawRecord>;
  normalize(raw: RawRecord): NormalizeResult;
}
