import { registerEnumType } from 'type-graphql';

/** Values equal the database enum `ccp_status` (src/db/schema.ts). */
export enum CcpStatus {
  APPROVED = 'APPROVED',
  APPROVED_CONDITIONAL = 'APPROVED_CONDITIONAL',
  NOT_APPROVED = 'NOT_APPROVED',
  REMEDIAL_ACTION = 'REMEDIAL_ACTION',
  WITHDRAWN = 'WITHDRAWN',
  PENDING_ASSESSMENT = 'PENDING_ASSESSMENT',
  PROGRAM_NOT_ELIGIBLE = 'PROGRAM_NOT_ELIGIBLE',
  UNKNOWN_METHODOLOGY = 'UNKNOWN_METHODOLOGY',
}

registerEnumType(CcpStatus, {
  name: 'CcpStatus',
  description: 'Whether a credit may carry the ICVCM CCP-Approved label, as the hub derives it from the ICVCM decisions (docs/ccp.md).',
  valuesConfig: {
    APPROVED: {
      description:
        'The issuing program is CCP-Eligible and the methodology and version are CCP-Approved for it, without conditions, or with conditions the registry confirms by its own CCP label.',
    },
    APPROVED_CONDITIONAL: {
      description:
        'The methodology is CCP-Approved, but something registry data cannot show decides the label: conditions of the approval, the methodology version or variant, or the program’s eligibility scope.',
    },
    NOT_APPROVED: { description: 'ICVCM found the methodology not to meet the CCPs (or triaged it as very unlikely to), or the units are ex-ante.' },
    REMEDIAL_ACTION: { description: 'ICVCM sent the methodology back for remedial action: no label until the program fixes it.' },
    WITHDRAWN: { description: 'The program withdrew the methodology from ICVCM assessment.' },
    PENDING_ASSESSMENT: { description: 'ICVCM has not decided on the methodology yet (or had not at the evaluation date).' },
    PROGRAM_NOT_ELIGIBLE: { description: 'The issuing program is not CCP-Eligible (at the evaluation date).' },
    UNKNOWN_METHODOLOGY: {
      description: 'The methodology (or this version of it) is not on the ICVCM table for the program, or the registry names no methodology.',
    },
  },
});
