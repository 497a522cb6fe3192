/**
 * Detections built from the real projects and credits of the loaded Verra and Gold Standard
 * fixtures, recorded through the flag store (`recordDetections`), as detectors do. The
 * fixtures hold no real double counting, so the findings are constructed; the rows they point
 * at are real. Used by test/api/flags*.test.ts and test/api/reviews*.test.ts.
 */
import { asc } from 'drizzle-orm';
import type { Executor } from '../../src/db/client.ts';
import { credits } from '../../src/db/schema.ts';
import { flagId, type DetectedFlag, type FlagSeverity } from '../../src/matching/flag.ts';
import { recordDetections } from '../../src/matching/flag-store.ts';

type CreditRow = typeof credits.$inferSelect;

const severities: FlagSeverity[] = ['critical', 'high', 'medium', 'low', 'info'];

export const detectorNames = ['test-serial-overlap', 'test-cross-program', 'test-double-retirement'] as const;
export type TestDetector = (typeof detectorNames)[number];

export type DetectionsByDetector = Record<TestDetector, DetectedFlag[]>;

function groupByProject(rows: readonly CreditRow[]): Map<number, CreditRow[]> {
  const groups = new Map<number, CreditRow[]>();
  for (const row of rows) groups.set(row.projectId, [...(groups.get(row.projectId) ?? []), row]);
  return groups;
}

/** Detections of three test detectors over the fixtures' credits (about 200 flags in all). */
export async function buildDetections(db: Executor): Promise<DetectionsByDetector> {
  const rows = await db.select().from(credits).orderBy(asc(credits.id));
  const verraIssuances = rows.filter((row) => row.programId === 'verra' && row.kind === 'issuance');
  const gsIssuances = rows.filter((row) => row.programId === 'gold-standard' && row.kind === 'issuance');
  const gsRetirements = rows.filter((row) => row.programId === 'gold-standard' && row.kind === 'retirement');

  // Consecutive issuances of one Verra project, as if their serial ranges overlapped. The project
  // is on both sides (left and right), so a project's flags must list each flag once.
  const serialOverlaps: DetectedFlag[] = [];
  for (const issuances of groupByProject(verraIssuances).values()) {
    for (let i = 0; i + 1 < issuances.length; i++) {
      const [left, right] = [issuances[i]!, issuances[i + 1]!];
      const n = serialOverlaps.length;
      serialOverlaps.push({
        kind: 'serial_overlap',
        detector: 'test-serial-overlap',
        detectorVersion: 1,
        severity: severities[n % severities.length]!,
        score: 5 + (n % 7),
        title: `Verra issuances ${left.serialNumber ?? left.id} and ${right.serialNumber ?? right.id} overlap`,
        quantityAtRisk: Math.min(left.quantity, right.quantity),
        projects: [
          { projectId: left.projectId, role: 'left' },
          { projectId: right.projectId, role: 'right' },
        ],
        credits: [
          { creditId: left.id, role: 'left' },
          { creditId: right.id, role: 'right' },
        ],
        evidence: {
          features: [
            { feature: 'serial range', left: left.serialNumber, right: right.serialNumber, level: 'overlap', weight: 5 + (n % 7) },
            { feature: 'vintage', left: left.vintageYear, right: right.vintageYear, level: left.vintageYear === right.vintageYear ? 'exact' : 'different', weight: 0 },
          ],
          overlappingUnits: Math.min(left.quantity, right.quantity),
        },
      });
    }
  }

  // A Verra project and a Gold Standard project, as if they credited the same activity.
  const gsByProject = [...groupByProject(gsIssuances).values()];
  const verraByProject = [...groupByProject(verraIssuances).values()];
  const crossProgram: DetectedFlag[] = [];
  for (let i = 0; i < Math.min(20, gsByProject.length, verraByProject.length); i++) {
    const left = verraByProject[i]![0]!;
    const right = gsByProject[i]![0]!;
    crossProgram.push({
      kind: 'cross_program_double_issuance',
      detector: 'test-cross-program',
      detectorVersion: 2,
      severity: i % 3 === 0 ? 'critical' : 'high',
      score: 0.5 + i / 40,
      title: `Verra and Gold Standard credit the same activity (${left.projectId} / ${right.projectId})`,
      quantityAtRisk: left.quantity + right.quantity,
      projects: [
        { projectId: left.projectId, role: 'left' },
        { projectId: right.projectId, role: 'right' },
      ],
      credits: [
        { creditId: left.id, role: 'left' },
        { creditId: right.id, role: 'right' },
      ],
      evidence: {
        features: [
          { feature: 'coordinates', left: { lat: 1, lon: 2 }, right: { lat: 1.001, lon: 2 }, level: 'near', weight: 4.2 },
          { feature: 'proponent', left: 'A', right: 'B', level: 'different', weight: -1.5 },
        ],
        periods: { left: [left.vintageStart, left.vintageEnd], right: [right.vintageStart, right.vintageEnd] },
      },
    });
  }

  // Two retirements of one Gold Standard project, as if they retired the same units.
  const doubleRetirements: DetectedFlag[] = [];
  for (const retirements of groupByProject(gsRetirements).values()) {
    for (let i = 0; i + 1 < retirements.length; i += 2) {
      const [first, second] = [retirements[i]!, retirements[i + 1]!];
      const n = doubleRetirements.length;
      doubleRetirements.push({
        kind: 'double_retirement',
        detector: 'test-double-retirement',
        detectorVersion: 1,
        severity: n % 2 === 0 ? 'medium' : 'low',
        score: 1 + n,
        title: `Gold Standard retirements ${first.id} and ${second.id} retire the same units`,
        quantityAtRisk: Math.min(first.quantity, second.quantity),
        projects: [{ projectId: first.projectId, role: 'issuer' }],
        credits: [
          { creditId: first.id, role: 'first' },
          { creditId: second.id, role: 'second' },
        ],
        evidence: { features: [{ feature: 'serial', left: first.serialNumber, right: second.serialNumber, level: 'exact', weight: 10 }] },
      });
    }
  }

  return { 'test-serial-overlap': serialOverlaps, 'test-cross-program': crossProgram, 'test-double-retirement': doubleRetirements };
}

/** Records every test detector's detections; returns them. */
export async function seedFlags(db: Executor): Promise<DetectionsByDetector> {
  const detections = await buildDetections(db);
  for (const detector of detectorNames) await recordDetections(db, detector, detections[detector]);
  return detections;
}

/** The database id of a detection's flag. */
export function idOf(detection: DetectedFlag): string {
  return flagId(detection.kind, detection);
}
