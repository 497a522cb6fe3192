/** Every detector the matching job runs, in order: one module per kind of double counting. */
import { authorization } from './authorization.ts';
import { certificateMarketOverlap } from './certificate-markets.ts';
import { crossProgramIssuance } from './cross-program-issuance.ts';
import type { Detector } from './detector.ts';
import { doubleRetirement } from './double-retirement.ts';
import { mandatorySchemeCoverage } from './mandatory-schemes.ts';
import { overRetirement } from './over-retirement.ts';
import { serialOverlap } from './serial-overlap.ts';

export type { Detector } from './detector.ts';

export const detectors: readonly Detector[] = [
  crossProgramIssuance,
  serialOverlap,
  overRetirement,
  doubleRetirement,
  mandatorySchemeCoverage,
  authorization,
  certificateMarketOverlap,
];

export function findDetector(name: string): Detector | undefined {
  return detectors.find((detector) => detector.name === name);
}
