/**
 * The closed sets of a flag as GraphQL enums. Their values are the database / detector
 * values; the type checks below fail compilation when a detector kind, a severity or a
 * status is added on one side only (src/matching/flag.ts, src/db/schema.ts).
 */
import { registerEnumType } from 'type-graphql';
import type { flagStatus } from '../../db/schema.ts';
import type { FlagKind as DetectedKind, FlagSeverity as DetectedSeverity } from '../../matching/flag.ts';

export enum FlagKind {
  CROSS_PROGRAM_DOUBLE_ISSUANCE = 'cross_program_double_issuance',
  PROGRAM_TRANSITION = 'program_transition',
  SERIAL_OVERLAP = 'serial_overlap',
  OVER_RETIREMENT = 'over_retirement',
  DOUBLE_RETIREMENT = 'double_retirement',
  MANDATORY_SCHEME_COVERAGE = 'mandatory_scheme_coverage',
  MISSING_AUTHORIZATION = 'missing_authorization',
  MISSING_CORRESPONDING_ADJUSTMENT = 'missing_corresponding_adjustment',
  CERTIFICATE_MARKET_OVERLAP = 'certificate_market_overlap',
}

registerEnumType(FlagKind, {
  name: 'FlagKind',
  description: 'What kind of possible double counting a flag reports.',
  valuesConfig: {
    CROSS_PROGRAM_DOUBLE_ISSUANCE: { description: 'The same activity credited in two programs for overlapping periods.' },
    PROGRAM_TRANSITION: { description: 'A documented transition or conversion between programs (reported, not a double issuance).' },
    SERIAL_OVERLAP: { description: 'Two issuances whose serial ranges overlap within one registry.' },
    OVER_RETIREMENT: { description: 'More retired and cancelled than issued for a project-vintage or block.' },
    DOUBLE_RETIREMENT: { description: 'The same units retired (or cancelled) twice.' },
    MANDATORY_SCHEME_COVERAGE: { description: "Credits for an activity inside an ETS's or carbon tax's coverage at that vintage." },
    MISSING_AUTHORIZATION: { description: 'A CORSIA or tax use without the authorization the scheme requires.' },
    MISSING_CORRESPONDING_ADJUSTMENT: { description: 'An Article 6 authorization without a corresponding adjustment where one is required.' },
    CERTIFICATE_MARKET_OVERLAP: { description: 'Grid renewable electricity credited where certificate markets (RECs, I-RECs) operate.' },
  },
});

export enum FlagSeverity {
  CRITICAL = 'critical',
  HIGH = 'high',
  MEDIUM = 'medium',
  LOW = 'low',
  INFO = 'info',
}

registerEnumType(FlagSeverity, { name: 'FlagSeverity', description: "How serious a finding is, as its detector rates it." });

/** Most severe first: the order of `FlagOrder.SEVERITY_DESC` and of `FlagAggregates.bySeverity`. */
export const severitiesBySeriousness: readonly FlagSeverity[] = [
  FlagSeverity.CRITICAL,
  FlagSeverity.HIGH,
  FlagSeverity.MEDIUM,
  FlagSeverity.LOW,
  FlagSeverity.INFO,
];

export enum FlagStatus {
  OPEN = 'open',
  CONFIRMED = 'confirmed',
  DISMISSED = 'dismissed',
  RESOLVED = 'resolved',
}

registerEnumType(FlagStatus, {
  name: 'FlagStatus',
  description: 'Where a flag stands (docs/review-workflow.md).',
  valuesConfig: {
    OPEN: { description: 'Found by a detector and waiting for a review (or reopened by one).' },
    CONFIRMED: { description: 'A reviewer confirmed the double counting.' },
    DISMISSED: { description: 'A reviewer found it is not double counting (the review note says why).' },
    RESOLVED: { description: 'No detector finds it any more and nobody had decided it. A detector that finds it again reopens it.' },
  },
});

/** What a review may set: a decision, or back to open. `resolved` is the detectors' to set. */
export enum FlagReviewStatus {
  OPEN = 'open',
  CONFIRMED = 'confirmed',
  DISMISSED = 'dismissed',
}

registerEnumType(FlagReviewStatus, {
  name: 'FlagReviewStatus',
  description: 'The status a review gives a flag.',
  valuesConfig: {
    OPEN: { description: 'Reopen: back to the review queue (a note is required).' },
    CONFIRMED: { description: 'Double counting confirmed.' },
    DISMISSED: { description: 'Not double counting (a note is required).' },
  },
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const kindsMatch: Same<`${FlagKind}`, DetectedKind> = true;
const severitiesMatch: Same<`${FlagSeverity}`, DetectedSeverity> = true;
const statusesMatch: Same<`${FlagStatus}`, (typeof flagStatus.enumValues)[number]> = true;
void [kindsMatch, severitiesMatch, statusesMatch];
