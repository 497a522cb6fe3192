/**
 * The match weights, thresholds and severity bands, read from versioned reference data
 * (match-weights.json) so a change of weights changes the detectors' versions and every flag
 * they write records the weights it was scored with.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { FlagSeverity } from '../flag.ts';

const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);

const weightsSchema = z.object({
  version: z.number().int().positive(),
  asOf: z.string(),
  source: z.string(),
  weights: z.object({
    explicitCrossReference: z.number(),
    nameExact: z.number(),
    nameVeryClose: z.number(),
    nameClose: z.number(),
    nameDifferent: z.number(),
    digitTokenMismatch: z.number(),
    proponentEqual: z.number(),
    proponentSimilar: z.number(),
    distanceUnder1Km: z.number(),
    distanceUnder10Km: z.number(),
    distanceOver50Km: z.number(),
    sameMethodologyFamily: z.number(),
    differentCategory: z.number(),
    sameSubdivision: z.number(),
    differentSubdivision: z.number(),
    equalQuantityInOverlap: z.number(),
  }),
  hubAdditions: z.array(z.string()),
  descriptorWords: z.object({ description: z.string(), words: z.array(z.string()) }),
  levels: z.object({
    nameVeryClose: z.number(),
    nameClose: z.number(),
    proponentSimilar: z.number(),
    equalQuantityTolerance: z.number(),
  }),
  thresholds: z.object({ sameActivity: z.number(), possible: z.number() }),
  blocking: z.object({ nameTrigramSimilarity: z.number(), coordinateCellDegrees: z.number() }),
  quantityAtRiskMinimum: z.number(),
  severityByTonnes: z.array(z.object({ below: z.number().nullable(), severity })).min(1),
  possibleMatchSeverityCap: severity,
  withinRegistrySeverityFloor: severity,
});

export type MatchWeights = z.infer<typeof weightsSchema>;

export const matchWeights: MatchWeights = weightsSchema.parse(
  JSON.parse(readFileSync(new URL('./match-weights.json', import.meta.url), 'utf8')),
);

const order: FlagSeverity[] = ['info', 'low', 'medium', 'high', 'critical'];

export function maxSeverity(a: FlagSeverity, b: FlagSeverity): FlagSeverity {
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

export function minSeverity(a: FlagSeverity, b: FlagSeverity): FlagSeverity {
  return order.indexOf(a) <= order.indexOf(b) ? a : b;
}

/** Severity by tCO2e at risk, from the bands of match-weights.json. */
export function severityForTonnes(tonnes: number): FlagSeverity {
  for (const band of matchWeights.severityByTonnes) {
    if (band.below === null || tonnes < band.below) return band.severity;
  }
  return 'critical';
}

/**
 * A detector's version: its code revision and the version of the reference data it reads
 * (`revision * 1000 + data version`), so changing either changes the version flags record.
 */
export function detectorVersion(codeRevision: number, ...dataVersions: number[]): number {
  return codeRevision * 1000 + dataVersions.reduce((sum, v) => sum + v, 0);
}
