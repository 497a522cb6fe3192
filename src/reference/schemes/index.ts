/**
 * Reference data for double claiming (README.md here): mandatory schemes by jurisdiction,
 * sector and period; how registries show a scheme use and what the scheme requires; certificate
 * markets for grid renewables; and the activity classes that connect them to projects. Shipped
 * as versioned JSON, validated when loaded, so a detector's version moves with the data.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const basis = z.enum(['fact', 'judgement']);
const tag = z.enum(['source', 'likely', 'unconfirmed']);
const severity = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const year = z.number().int().min(1990).max(2100);
const versioned = { version: z.number().int().positive(), asOf: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) };

const sectorSchema = z.object({
  description: z.string(),
  basis,
  methodologies: z.array(z.string()),
  excludeMethodologies: z.array(z.string()),
  categories: z.array(z.string()),
  projectTypes: z.array(z.string()),
  /** Projects whose name contains one of these words are not in the class whatever else matches. */
  excludeNameKeywords: z.array(z.string()),
});

const sectorsFileSchema = z.object({
  ...versioned,
  description: z.string(),
  sectors: z.record(z.string(), sectorSchema),
  categoryFallback: z.object({
    description: z.string(),
    basis,
    rules: z.array(z.object({ keywords: z.array(z.string()).min(1), category: z.string() })),
  }),
});

const jurisdictionSchema = z.object({
  countries: z.array(z.string().regex(/^[A-Z]{2}$/)).min(1),
  subdivisions: z.array(z.string()).optional(),
  from: year.optional(),
  to: year.optional(),
  /** Only these sectors apply in this jurisdiction (e.g. Northern Ireland power in the EU ETS). */
  sectors: z.array(z.string()).optional(),
  note: z.string().optional(),
});

const schemeSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(['ets', 'carbon-tax']),
  obligations: z.boolean(),
  jurisdictions: z.array(jurisdictionSchema).min(1),
  from: year,
  to: year.nullable(),
  phases: z.array(z.object({ label: z.string(), from: year, to: year.nullable() })),
  coverage: z.array(
    z.object({
      sector: z.string(),
      relation: z.enum(['direct', 'grid-displacement']),
      from: year.optional(),
      to: year.optional(),
      basis,
      note: z.string(),
    }),
  ),
  offsets: z.string(),
  tag,
  sources: z.array(z.string()),
});

const schemesFileSchema = z.object({
  ...versioned,
  compiledFrom: z.string(),
  howToRead: z.string(),
  severity: z.object({
    ets: z.object({ direct: severity, 'grid-displacement': severity }),
    'carbon-tax': z.object({ direct: severity, 'grid-displacement': severity }),
  }),
  mitigatingEvidence: z.object({ description: z.string(), patterns: z.array(z.string()) }),
  schemes: z.array(schemeSchema),
});

const taxUseSchema = z.object({
  id: z.string(),
  scheme: z.string(),
  usePatterns: z.array(z.string()).min(1),
  /** A bare `Compliance` use case (Gold Standard) from a project in one of `hostCountries` is a use of this scheme. */
  bareComplianceUseInCountry: z.boolean(),
  hostCountries: z.array(z.string()).nullable(),
  minReductionDate: z.string().nullable(),
  maxYearsAfterVintage: z.number().int().nullable(),
  eligibilityLabel: z.object({ pattern: z.string(), programs: z.array(z.string()), note: z.string() }).nullable(),
  requiresCorrespondingAdjustment: z.boolean(),
  requirement: z.string(),
  basis,
  sources: z.array(z.string()),
});

const usesFileSchema = z.object({
  ...versioned,
  compiledFrom: z.string(),
  howToRead: z.string(),
  article6: z.object({
    description: z.string(),
    authorizationPatterns: z.array(z.string()),
    correspondingAdjustmentPatterns: z.array(z.string()),
    notAuthorizedPatterns: z.array(z.string()),
    basis: z.string(),
    severity: z.object({ used: severity, held: severity }),
    sources: z.array(z.string()),
  }),
  corsia: z.object({
    id: z.string(),
    name: z.string(),
    usePatterns: z.array(z.string()),
    phases: z.array(z.object({ label: z.string(), from: year, to: year, eligibleVintages: z.object({ from: year, to: year }).nullable() })),
    authorizationRequiredFromVintage: year,
    requirement: z.string(),
    eligibilityLabelPatterns: z.array(z.string()),
    basis,
    severity: z.object({ withRegistryEligibilityLabel: severity, withoutEvidence: severity }),
    sources: z.array(z.string()),
  }),
  taxUses: z.array(taxUseSchema),
  taxUseSeverity: z.object({ withRegistryEligibilityLabel: severity, withoutEvidence: severity }),
});

const marketsFileSchema = z.object({
  ...versioned,
  compiledFrom: z.string(),
  howToRead: z.string(),
  sector: z.string(),
  severity,
  exclusionPatterns: z.array(z.string()),
  markets: z.array(
    z.object({
      id: z.string(),
      shortName: z.string(),
      name: z.string(),
      sources: z.array(z.string()),
      countries: z.array(z.object({ code: z.string().regex(/^[A-Z]{2}$/), basis: tag.exclude(['likely']), note: z.string().optional() })),
    }),
  ),
});

export type SectorDefinition = z.infer<typeof sectorSchema>;
export type SectorsFile = z.infer<typeof sectorsFileSchema>;
export type MandatoryScheme = z.infer<typeof schemeSchema>;
export type SchemesFile = z.infer<typeof schemesFileSchema>;
export type TaxUse = z.infer<typeof taxUseSchema>;
export type SchemeUsesFile = z.infer<typeof usesFileSchema>;
export type CertificateMarketsFile = z.infer<typeof marketsFileSchema>;

export class SchemeReferenceError extends Error {
  constructor(file: string, issues: string) {
    super(`reference data ${file} does not have the expected shape: ${issues}`);
    this.name = 'SchemeReferenceError';
  }
}

function load<T>(file: string, schema: z.ZodType<T>): T {
  const raw = JSON.parse(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8')) as unknown;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new SchemeReferenceError(file, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

export const sectors: SectorsFile = load('sectors.json', sectorsFileSchema);
export const mandatorySchemes: SchemesFile = load('mandatory-schemes.json', schemesFileSchema);
export const schemeUses: SchemeUsesFile = load('scheme-uses.json', usesFileSchema);
export const certificateMarkets: CertificateMarketsFile = load('certificate-markets.json', marketsFileSchema);

// Cross-file consistency: every sector a scheme or market names exists.
for (const scheme of mandatorySchemes.schemes) {
  for (const entry of [...scheme.coverage.map((c) => c.sector), ...scheme.jurisdictions.flatMap((j) => j.sectors ?? [])]) {
    if (!sectors.sectors[entry]) throw new SchemeReferenceError('mandatory-schemes.json', `scheme ${scheme.id} names unknown sector ${entry}`);
  }
}
if (!sectors.sectors[certificateMarkets.sector]) throw new SchemeReferenceError('certificate-markets.json', `unknown sector ${certificateMarkets.sector}`);
for (const use of schemeUses.taxUses) {
  if (!mandatorySchemes.schemes.some((s) => s.id === use.scheme)) throw new SchemeReferenceError('scheme-uses.json', `tax use ${use.id} names unknown scheme ${use.scheme}`);
}

/** Case-insensitive regular expressions from a list of pattern strings. */
export function patterns(list: readonly string[]): RegExp[] {
  return list.map((p) => new RegExp(p, 'i'));
}
