/**
 * Fellegi–Sunter style scoring of a candidate pair of projects (double-counting.md §4.4): each
 * feature is compared, put in a level, and the level's weight (log2(m/u), from
 * match-weights.json) is added to the total. Some levels stop the comparison outright (a
 * different country; two different components of one programme of activities). Every feature
 * is reported with both values, its level and its weight, so a reviewer can check the total.
 */
import type { FeatureEvidence } from '../flag.ts';
import type { ProjectActivity } from './activity.ts';
import { distanceKm, subdivisionCodes } from './location.ts';
import countries from 'i18n-iso-countries';
import { fold, nameSimilarity, normalizeName, normalizeProponent, sameWordsReordered, tokenSimilarity } from './text.ts';
import { matchWeights } from './weights.ts';

export interface ScoredProject {
  id: number;
  programId: string;
  registryProjectId: string;
  name: string | null;
  proponent: string | null;
  countryCode: string | null;
  subdivision: string | null;
  latitude: number | null;
  longitude: number | null;
  activity: ProjectActivity;
}

export interface ExplicitReference {
  /** Which side states the link, and how (`arb-id`, `opr-project-id`, `compliance-program-id`…). */
  statedBy: 'left' | 'right';
  relation: string;
}

export interface PairScore {
  features: FeatureEvidence[];
  total: number;
  /** Set when a level rules the pair out whatever the other features say. */
  hardStop: string | null;
  matchClass: 'same-activity' | 'possible' | 'none';
}

const w = matchWeights.weights;
const levels = matchWeights.levels;

const fixed = (n: number) => Math.round(n * 100) / 100;

const descriptorWords = new Set(matchWeights.descriptorWords.words);

/** Descriptor words plus the words of the country's English name ("thailand", "united", "states"…). */
function descriptorsFor(countryCode: string | null): Set<string> {
  const name = countryCode ? countries.getName(countryCode, 'en') : undefined;
  if (!name) return descriptorWords;
  return new Set([...descriptorWords, ...fold(name).split(/[^a-z0-9]+/).filter((t) => t.length > 0)]);
}

export function scorePair(
  left: ScoredProject,
  right: ScoredProject,
  context: { explicit: ExplicitReference[]; trigramSimilarity: number | null; equalQuantity: { left: number; right: number } | null },
): PairScore {
  const features: FeatureEvidence[] = [];
  let hardStop: string | null = null;

  // Explicit cross-reference ids (§4.1 item 1).
  const stated = context.explicit;
  features.push({
    feature: 'explicit cross-reference',
    left: stated.filter((s) => s.statedBy === 'left').map((s) => `${s.relation} → ${right.programId}:${right.registryProjectId}`),
    right: stated.filter((s) => s.statedBy === 'right').map((s) => `${s.relation} → ${left.programId}:${left.registryProjectId}`),
    level: stated.length > 0 ? 'stated by the registry' : 'none',
    weight: stated.length > 0 ? w.explicitCrossReference : 0,
  });

  // Country: a blocking key; different countries never match.
  const countryLevel =
    left.countryCode && right.countryCode ? (left.countryCode === right.countryCode ? 'same' : 'different (hard stop)') : 'unknown';
  if (countryLevel.startsWith('different')) hardStop = 'different countries';
  features.push({ feature: 'country', left: left.countryCode, right: right.countryCode, level: countryLevel, weight: 0 });

  // Name, with digits as hard tokens.
  const leftName = normalizeName(left.name, descriptorsFor(left.countryCode));
  const rightName = normalizeName(right.name, descriptorsFor(right.countryCode));
  if (leftName && rightName && leftName.text !== '' && rightName.text !== '') {
    const similarity = nameSimilarity(leftName, rightName);
    const detail =
      `Jaro–Winkler ${fixed(similarity.whole)} whole` +
      (similarity.distinctive === null ? '' : `, ${fixed(similarity.distinctive)} on "${leftName.distinctive.join(' ')}" / "${rightName.distinctive.join(' ')}"`) +
      (context.trigramSimilarity === null ? '' : `, trigram ${fixed(context.trigramSimilarity)}`);
    let level: string;
    let weight: number;
    if (leftName.text === rightName.text) [level, weight] = [`exact after normalization ("${leftName.text}")`, w.nameExact];
    else if (sameWordsReordered(leftName, rightName)) [level, weight] = [`exact after normalization, in another word order ("${leftName.text}" / "${rightName.text}")`, w.nameExact];
    else if (similarity.value >= levels.nameVeryClose) [level, weight] = [`very close (${detail}; ≥ ${levels.nameVeryClose})`, w.nameVeryClose];
    else if (similarity.value >= levels.nameClose) [level, weight] = [`close (${detail}; ≥ ${levels.nameClose})`, w.nameClose];
    else [level, weight] = [`different (${detail})`, w.nameDifferent];
    features.push({ feature: 'name', left: left.name, right: right.name, level, weight });

    const digitsDiffer = leftName.digits.length > 0 && rightName.digits.length > 0 && leftName.digits.join(' ') !== rightName.digits.join(' ');
    features.push({
      feature: 'digits and codes in name',
      left: leftName.digits,
      right: rightName.digits,
      level: digitsDiffer ? 'mismatch' : leftName.digits.length > 0 && rightName.digits.length > 0 ? 'match' : leftName.digits.length + rightName.digits.length > 0 ? 'one side only' : 'none',
      weight: digitsDiffer ? w.digitTokenMismatch : 0,
    });

    const componentsDiffer =
      leftName.components.length > 0 && rightName.components.length > 0 && leftName.components.join(' ') !== rightName.components.join(' ');
    if (componentsDiffer) hardStop ??= 'different components (CPA/VPA) of a programme of activities';
    features.push({
      feature: 'programme-of-activities component',
      left: leftName.components,
      right: rightName.components,
      level: componentsDiffer ? 'different (hard stop)' : leftName.components.length > 0 && rightName.components.length > 0 ? 'same' : 'none',
      weight: 0,
    });
  } else {
    features.push({ feature: 'name', left: left.name, right: right.name, level: 'missing', weight: 0 });
  }

  // Proponent: supporting evidence only (operators change over time).
  const leftProponent = normalizeProponent(left.proponent);
  const rightProponent = normalizeProponent(right.proponent);
  if (leftProponent && rightProponent) {
    const similarity = tokenSimilarity(leftProponent.split(' '), rightProponent.split(' '));
    const [level, weight] =
      leftProponent === rightProponent
        ? ['equal after normalization', w.proponentEqual]
        : similarity >= levels.proponentSimilar
          ? [`similar (Jaro–Winkler ${fixed(similarity)})`, w.proponentSimilar]
          : [`different (Jaro–Winkler ${fixed(similarity)})`, 0];
    features.push({ feature: 'proponent', left: left.proponent, right: right.proponent, level, weight });
  } else {
    features.push({ feature: 'proponent', left: left.proponent, right: right.proponent, level: 'missing', weight: 0 });
  }

  // Subdivision.
  const leftSubdivisions = subdivisionCodes(left.countryCode, left.subdivision);
  const rightSubdivisions = subdivisionCodes(right.countryCode, right.subdivision);
  if (leftSubdivisions.length > 0 && rightSubdivisions.length > 0) {
    const shared = leftSubdivisions.some((s) => rightSubdivisions.includes(s));
    features.push({
      feature: 'subdivision',
      left: leftSubdivisions,
      right: rightSubdivisions,
      level: shared ? 'same' : 'different',
      weight: shared ? w.sameSubdivision : w.differentSubdivision,
    });
  } else {
    features.push({ feature: 'subdivision', left: left.subdivision, right: right.subdivision, level: 'unknown', weight: 0 });
  }

  // Coordinates.
  if (left.latitude !== null && left.longitude !== null && right.latitude !== null && right.longitude !== null) {
    const km = distanceKm({ latitude: left.latitude, longitude: left.longitude }, { latitude: right.latitude, longitude: right.longitude });
    const [level, weight] =
      km < 1 ? ['under 1 km', w.distanceUnder1Km] : km < 10 ? ['under 10 km', w.distanceUnder10Km] : km <= 50 ? ['10–50 km', 0] : ['over 50 km', w.distanceOver50Km];
    features.push({
      feature: 'distance',
      left: [left.latitude, left.longitude],
      right: [right.latitude, right.longitude],
      level: `${level} (${fixed(km)} km)`,
      weight,
    });
  } else {
    features.push({ feature: 'distance', left: null, right: null, level: 'coordinates missing', weight: 0 });
  }

  // Methodology family: weak alone (VCS, GS and others use CDM methodologies).
  const leftProtocols = left.activity.protocols;
  const rightProtocols = right.activity.protocols;
  if (leftProtocols.length > 0 && rightProtocols.length > 0) {
    const same = leftProtocols.some((p) => rightProtocols.includes(p));
    features.push({
      feature: 'methodology family',
      left: leftProtocols,
      right: rightProtocols,
      level: same ? 'same family' : 'different',
      weight: same ? w.sameMethodologyFamily : 0,
    });
  } else {
    features.push({ feature: 'methodology family', left: leftProtocols, right: rightProtocols, level: 'unknown', weight: 0 });
  }

  // Category: a different category is strong negative evidence.
  const leftCategory = left.activity.category;
  const rightCategory = right.activity.category;
  const categoryValue = (p: ScoredProject) => (p.activity.categorySource === 'project-type' ? `${p.activity.category} (from project type)` : p.activity.category);
  if (leftCategory && rightCategory) {
    const same = leftCategory === rightCategory;
    features.push({ feature: 'category', left: categoryValue(left), right: categoryValue(right), level: same ? 'same' : 'different', weight: same ? 0 : w.differentCategory });
  } else {
    features.push({ feature: 'category', left: categoryValue(left), right: categoryValue(right), level: 'unknown', weight: 0 });
  }

  // Equal credited quantities in overlapping periods (strong evidence of a conversion, §4.1 item 2).
  features.push({
    feature: 'equal quantity in overlapping periods',
    left: context.equalQuantity?.left ?? null,
    right: context.equalQuantity?.right ?? null,
    level: context.equalQuantity ? 'equal' : 'none found',
    weight: context.equalQuantity ? w.equalQuantityInOverlap : 0,
  });

  const total = fixed(features.reduce((sum, f) => sum + f.weight, 0));
  const matchClass = hardStop
    ? 'none'
    : total >= matchWeights.thresholds.sameActivity
      ? 'same-activity'
      : total >= matchWeights.thresholds.possible
        ? 'possible'
        : 'none';
  return { features, total, hardStop, matchClass };
}
