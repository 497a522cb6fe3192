/**
 * Double use within one registry: two retirements or cancellations whose serial ranges overlap
 * in the same namespace, i.e. the same units retired (or cancelled) twice (double-counting.md
 * §4.6). A retirement of units already cancelled for conversion into another program is the
 * "impossible sequence" of §4.6 and reported the same way. Severity by the units used twice,
 * never below `medium`.
 *
 * Identity: the two retirement or cancellation rows.
 */
import { sql } from 'drizzle-orm';
import type { DetectedFlag } from '../flag.ts';
import { detectorVersion, matchWeights, maxSeverity, severityForTonnes } from '../features/weights.ts';
import { projectLabel, tonnes, type Detector } from './detector.ts';
import { overlappingSerialPairs } from './serial-blocks.ts';
import { serialEvidence, serialProjects } from './serial-overlap.ts';

const CODE_REVISION = 1;

export const doubleRetirement: Detector = {
  name: 'double-retirement',
  version: detectorVersion(CODE_REVISION, matchWeights.version),
  description: 'The same serial block retired or cancelled twice',
  async detect(db) {
    const rows = await overlappingSerialPairs(db, sql`'retirement', 'cancellation'`);
    return rows.map((row): DetectedFlag => {
      const project = projectLabel({ programId: row.programId, registryProjectId: row.aRegistryProjectId });
      const conversion = row.aConvertedTo ?? row.bConvertedTo;
      const finding = conversion
        ? `units cancelled for conversion to ${conversion} were also ${row.aConvertedTo ? row.bKind : row.aKind === 'retirement' ? 'retired' : 'cancelled'}`
        : `the same units ${row.aKind === row.bKind ? `${row.aKind === 'retirement' ? 'retired' : 'cancelled'} twice` : 'retired and cancelled'}`;
      return {
        kind: 'double_retirement',
        detector: doubleRetirement.name,
        detectorVersion: doubleRetirement.version,
        severity: maxSeverity(severityForTonnes(row.overlapUnits), matchWeights.withinRegistrySeverityFloor),
        score: Math.round((1000 * row.overlapUnits) / Math.min(row.aQuantity, row.bQuantity)) / 10,
        title: `${project}: ${finding} — ${row.aKind} ${row.aId} and ${row.bKind} ${row.bId} share serials ${row.overlapFirst}–${row.overlapLast} in ${row.namespace} (${tonnes(row.overlapUnits)})`,
        quantityAtRisk: row.overlapUnits,
        projects: serialProjects(row),
        credits: [
          { creditId: row.aId, role: `${row.aKind} (lower serials)` },
          { creditId: row.bId, role: `${row.bKind} (overlapping serials)` },
        ],
        evidence: {
          ...serialEvidence(row),
          finding,
          rule: 'a unit can be retired or cancelled once; units in both ranges were used twice. Score: percent of the smaller block used twice.',
        },
      };
    });
  },
};
