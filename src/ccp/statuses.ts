/**
 * The CCP statuses the hub derives for a credit (docs/ccp.md, "Statuses"). The order is the
 * precedence used when a project applies several methodologies: the most blocking one wins
 * (ICVCM/Verra: a project qualifies only if every methodology it uses is approved).
 */
import { ccpStatus } from '../db/schema.ts';

export type CcpStatusValue = (typeof ccpStatus.enumValues)[number];

export const ccpStatuses: readonly CcpStatusValue[] = ccpStatus.enumValues;

/** Higher = more blocking. APPROVED < APPROVED_CONDITIONAL < PENDING < UNKNOWN < WITHDRAWN < REMEDIAL < NOT_APPROVED. */
export const methodologyRank: Readonly<Record<Exclude<CcpStatusValue, 'PROGRAM_NOT_ELIGIBLE'>, number>> = {
  APPROVED: 0,
  APPROVED_CONDITIONAL: 1,
  PENDING_ASSESSMENT: 2,
  UNKNOWN_METHODOLOGY: 3,
  WITHDRAWN: 4,
  REMEDIAL_ACTION: 5,
  NOT_APPROVED: 6,
};

/** ICVCM outcomes of the reference data (`ccp_decisions.outcome`). */
export type DecisionOutcome = 'approved' | 'rejected' | 'remedial-action' | 'withdrawn' | 'pending';

export const outcomeStatus: Readonly<Record<DecisionOutcome, CcpStatusValue>> = {
  approved: 'APPROVED',
  rejected: 'NOT_APPROVED',
  'remedial-action': 'REMEDIAL_ACTION',
  withdrawn: 'WITHDRAWN',
  pending: 'PENDING_ASSESSMENT',
};
