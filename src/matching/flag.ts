/**
 * What a detector reports: one finding of possible double counting, with the projects and
 * credits it involves and the evidence a reviewer can check. The flag store turns detections
 * into `flags` rows (src/matching/flag-store.ts).
 */
import { createHash } from 'node:crypto';

export type FlagKind =
  /** The same activity credited in two programs for overlapping periods. */
  | 'cross_program_double_issuance'
  /** A documented transition or conversion between programs (reported, not a double issuance). */
  | 'program_transition'
  /** Two issuances whose serial ranges overlap within one registry. */
  | 'serial_overlap'
  /** More retired and cancelled than issued for a project-vintage or block. */
  | 'over_retirement'
  /** The same units retired (or cancelled) twice. */
  | 'double_retirement'
  /** Credits for an activity inside an ETS's or carbon tax's coverage at that vintage. */
  | 'mandatory_scheme_coverage'
  /** A CORSIA or tax use without the authorization the scheme requires. */
  | 'missing_authorization'
  /** An Article 6 authorization without a corresponding adjustment where one is required. */
  | 'missing_corresponding_adjustment'
  /** Grid renewable electricity credited where certificate markets (RECs, I-RECs) operate. */
  | 'certificate_market_overlap';

export type FlagSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/** One compared feature: both sides' values, the comparison level and its weight in the score. */
export interface FeatureEvidence {
  feature: string;
  left: unknown;
  right: unknown;
  level: string;
  weight: number;
}

export interface FlagEvidence {
  features: FeatureEvidence[];
  /** Anything else a reviewer needs: overlapping periods, explicit ids and where they were found… */
  [detail: string]: unknown;
}

export interface DetectedFlag {
  kind: FlagKind;
  detector: string;
  detectorVersion: number;
  severity: FlagSeverity;
  score: number;
  /** One line a reviewer reads first, e.g. "Verra 1234 and Gold Standard 5678 credit the same wind farm for 2019–2021". */
  title: string;
  quantityAtRisk: number;
  projects: { projectId: number; role: string }[];
  credits: { creditId: number; role: string }[];
  evidence: FlagEvidence;
  /**
   * What makes a rerun's finding the same flag: by default its kind, projects and credits. A
   * finding about projects whose credits grow as the registries issue more (a pair of projects'
   * overlapping issuances) names itself here instead of by its credits, so the flag, and its
   * review, stay one while the credits change; the name keeps it apart from other findings of
   * the same kind about the same projects (a duplicate listing).
   */
  identity?: { finding: string };
}

/**
 * Deterministic flag id: the kind and the entities involved (not the evidence, which changes
 * between runs), so a rerun finds the same flag. Entity order does not matter.
 */
export function flagId(kind: FlagKind, detection: Pick<DetectedFlag, 'projects' | 'credits' | 'identity'>): string {
  const entities = [
    ...detection.projects.map((p) => `p${p.projectId}:${p.role}`),
    ...(detection.identity ? [`f:${detection.identity.finding}`] : detection.credits.map((c) => `c${c.creditId}:${c.role}`)),
  ].sort();
  const digest = createHash('sha256').update(`${kind}\n${entities.join('\n')}`).digest('hex').slice(0, 24);
  return `${kind}:${digest}`;
}
