/**
 * Within-registry double issuance: two issuances of one program whose serial ranges overlap in
 * the same namespace (double-counting.md §4.6). Unit numbers are unique within a namespace
 * (Verra numbers units globally, `VCS-VCU`; Gold Standard, ACR and CAR per batch), so two
 * issued blocks sharing a unit number are two units issued for one. Severity by the units
 * shared, never below `medium`: this is read off the registry's own serials, not inferred.
 *
 * Identity: the two issuances.
 */
import { sql } from 'drizzle-orm';
import type { DetectedFlag } from '../flag.ts';
import { detectorVersion, matchWeights, maxSeverity, severityForTonnes } from '../features/weights.ts';
import { projectLabel, tonnes, type Detector } from './detector.ts';
import { overlappingSerialPairs, type SerialPairRow } from './serial-blocks.ts';

const CODE_REVISION = 1;

export function serialEvidence(row: SerialPairRow) {
  const block = (p: 'a' | 'b') => ({
    creditId: row[`${p}Id`],
    kind: row[`${p}Kind`],
    project: projectLabel({ programId: row.programId, registryProjectId: row[`${p}RegistryProjectId`] }),
    serialNumber: row[`${p}Serial`],
    range: [row[`${p}First`], row[`${p}Last`]],
    quantity: row[`${p}Quantity`],
    transactionDate: row[`${p}Date`],
    vintageYear: row[`${p}Vintage`],
    ...(row[`${p}UseCase`] ? { useCase: row[`${p}UseCase`] } : {}),
    ...(row[`${p}ConvertedTo`] ? { convertedToProgram: row[`${p}ConvertedTo`] } : {}),
    ...(row[`${p}Beneficiary`] ? { beneficiary: row[`${p}Beneficiary`] } : {}),
  });
  return {
    features: [
      { feature: 'serial namespace', left: row.namespace, right: row.namespace, level: 'same', weight: 0 },
      {
        feature: 'serial range',
        left: [row.aFirst, row.aLast],
        right: [row.bFirst, row.bLast],
        level: `overlap of ${row.overlapUnits} units (${row.overlapFirst}–${row.overlapLast})`,
        weight: 0,
      },
      { feature: 'project', left: row.aRegistryProjectId, right: row.bRegistryProjectId, level: row.aProjectId === row.bProjectId ? 'same' : 'different', weight: 0 },
    ],
    program: row.programId,
    namespace: row.namespace,
    overlap: { first: row.overlapFirst, last: row.overlapLast, units: row.overlapUnits },
    left: block('a'),
    right: block('b'),
  };
}

export function serialProjects(row: SerialPairRow): DetectedFlag['projects'] {
  return row.aProjectId === row.bProjectId
    ? [{ projectId: row.aProjectId, role: 'issuer' }]
    : [
        { projectId: row.aProjectId, role: 'left issuer' },
        { projectId: row.bProjectId, role: 'right issuer' },
      ];
}

export const serialOverlap: Detector = {
  name: 'serial-overlap',
  version: detectorVersion(CODE_REVISION, matchWeights.version),
  description: 'Two issuances of one registry whose serial ranges overlap',
  async detect(db) {
    const rows = await overlappingSerialPairs(db, sql`'issuance'`);
    return rows.map((row): DetectedFlag => {
      const left = projectLabel({ programId: row.programId, registryProjectId: row.aRegistryProjectId });
      const right = projectLabel({ programId: row.programId, registryProjectId: row.bRegistryProjectId });
      return {
        kind: 'serial_overlap',
        detector: serialOverlap.name,
        detectorVersion: serialOverlap.version,
        severity: maxSeverity(severityForTonnes(row.overlapUnits), matchWeights.withinRegistrySeverityFloor),
        score: Math.round((1000 * row.overlapUnits) / Math.min(row.aQuantity, row.bQuantity)) / 10,
        title: `Issuances ${row.aId} (${left}) and ${row.bId} (${right}) share serials ${row.overlapFirst}–${row.overlapLast} in ${row.namespace}: ${tonnes(row.overlapUnits)} issued twice`,
        quantityAtRisk: row.overlapUnits,
        projects: serialProjects(row),
        credits: [
          { creditId: row.aId, role: 'issuance (lower serials)' },
          { creditId: row.bId, role: 'issuance (overlapping serials)' },
        ],
        evidence: { ...serialEvidence(row), rule: 'unit numbers are unique in a namespace; units in both ranges were issued twice. Score: percent of the smaller block shared.' },
      };
    });
  },
};
