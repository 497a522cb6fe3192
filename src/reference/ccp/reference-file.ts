/**
 * The ICVCM reference data as files: `ccp-decisions.json` (the research compiled in
 * ../shared/docs/ccp.md, copied here unchanged) and the hub's own `methodology-aliases.json`
 * (registry spellings → ICVCM rows). Both are read, validated and turned into the rows the
 * loader writes. A newer decisions file of the same shape loads without code changes
 * (`hub label --reference FILE`); its version is its `asOf` plus a hash of the content.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { contentHash as hashOf } from '../../ingest/content-hash.ts';

export const shippedDecisionsPath = fileURLToPath(new URL('./ccp-decisions.json', import.meta.url));
export const shippedAliasesPath = fileURLToPath(new URL('./methodology-aliases.json', import.meta.url));

const isoDay = /^\d{4}-\d{2}-\d{2}$/;
const isoMonth = /^\d{4}-\d{2}$/;

const nullableText = z.string().nullable().optional();
const sourceList = z.union([z.string(), z.array(z.string())]).nullable().optional();

const programSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  status: z.string().min(1),
  decisionDate: nullableText,
  datePrecision: nullableText,
  scope: nullableText,
  source: sourceList,
  notes: nullableText,
});

const versionRangeSchema = z.object({ from: z.string().nullable().optional(), to: z.string().nullable().optional() }).nullable().optional();

const methodologyRowSchema = z.object({
  program: z.string().min(1),
  category: nullableText,
  methodology: z.string().min(1),
  methodologyId: nullableText,
  versions: z.string(),
  versionRange: versionRangeSchema,
  icvcmStatus: nullableText,
  outcome: z.enum(['approved', 'rejected', 'remedial-action', 'withdrawn', 'pending']),
  conditional: z.boolean().nullable().optional(),
  conditionalBasis: nullableText,
  batch: nullableText,
  decisionDate: nullableText,
  datePrecision: nullableText,
  conditions: z.array(z.string()).optional(),
  decisionDocument: nullableText,
  boardObservations: nullableText,
  boardMeetingRef: nullableText,
  registryStrings: z.array(z.string()).optional(),
  notes: nullableText,
});

const batchSchema = z.object({
  date: nullableText,
  precision: nullableText,
  note: nullableText,
  sources: z.array(z.string()).optional(),
});

const decisionGroupSchema = z.object({
  id: z.string(),
  batch: nullableText,
  methodologies: z
    .array(z.object({ program: z.string(), id: nullableText, name: z.string(), versions: z.string() }).passthrough())
    .optional(),
  sources: z.array(z.string()).optional(),
});

/** The parts of ccp-decisions.json the hub reads; anything else in the file is kept verbatim. */
export const decisionsFileSchema = z.object({
  asOf: z.string().regex(isoDay, 'asOf must be a date (YYYY-MM-DD)'),
  coverage: z.record(z.string(), z.unknown()).default({}),
  sources: z.record(z.string(), z.string()).default({}),
  batches: z.record(z.string(), batchSchema).default({}),
  programs: z.array(programSchema).min(1),
  decisions: z.array(decisionGroupSchema).default([]),
  methodologyStatus: z.array(methodologyRowSchema).min(1),
  labelRules: z.record(z.string(), z.unknown()).default({}),
  registryFields: z.array(z.unknown()).default([]),
  attributes: z.array(z.unknown()).default([]),
});

export type DecisionsFile = z.infer<typeof decisionsFileSchema>;

const aliasTargetSchema = z.union([z.string().min(1), z.object({ methodology: z.string().min(1), countries: z.array(z.string().length(2)).optional() })]);

export const aliasesFileSchema = z.object({
  version: z.number().int(),
  description: z.string().optional(),
  /** Hub program id → the reference file's program id, where they differ. */
  programs: z.record(z.string(), z.string()).default({}),
  methodologies: z
    .array(
      z.object({
        program: z.string().min(1),
        registry: z.string().min(1),
        icvcm: z.array(aliasTargetSchema).min(1),
        evidence: z.string().min(1),
      }),
    )
    .default([]),
});

export type AliasesFile = z.infer<typeof aliasesFileSchema>;

export class ReferenceFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ReferenceFileError';
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ReferenceFileError(`cannot read the ${what} ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReferenceFileError(`the ${what} ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string, path: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new ReferenceFileError(`the ${what} ${path} does not have the expected shape:\n  ${problems.join('\n  ')}`);
}

/** A reference package: the decisions file and the alias map, with the version they make together. */
export interface ReferencePackage {
  /** `<asOf>+<first 12 hex of sha256>`, e.g. `2026-11-24+3f1c0a9b2d4e`. */
  version: string;
  contentHash: string;
  decisions: DecisionsFile;
  aliases: AliasesFile;
  /** The decisions file exactly as parsed (for the columns that keep sections verbatim). */
  raw: Record<string, unknown>;
}

/**
 * Reads and validates a decisions file and an alias map. The content hash covers both (as
 * canonical JSON, so whitespace does not matter): a changed alias can change labels too.
 */
export async function readReferencePackage(decisionsPath: string = shippedDecisionsPath, aliasesPath: string = shippedAliasesPath): Promise<ReferencePackage> {
  const raw = await readJson(decisionsPath, 'CCP reference file');
  const decisions = parseWith(decisionsFileSchema, raw, 'CCP reference file', decisionsPath);
  const aliases = parseWith(aliasesFileSchema, await readJson(aliasesPath, 'methodology alias file'), 'methodology alias file', aliasesPath);
  const contentHash = hashOf({ decisions: raw, aliases });
  return { version: `${decisions.asOf}+${contentHash.slice(0, 12)}`, contentHash, decisions, aliases, raw: raw as Record<string, unknown> };
}

/**
 * The first day a dated decision is known to be in effect: the day itself, or the LAST day of
 * the month for month-precision dates (`2025-06` → `2025-06-30`), since the day within the
 * month is unknown and counting from its first day could date an approval before it happened.
 */
export function effectiveDate(date: string | null | undefined): string | null {
  if (!date) return null;
  if (isoDay.test(date)) return date;
  if (isoMonth.test(date)) {
    const [year, month] = date.split('-').map(Number) as [number, number];
    const last = new Date(Date.UTC(year, month, 0));
    return last.toISOString().slice(0, 10);
  }
  return null;
}

export function asList(value: string | string[] | null | undefined): string[] {
  if (value == null) return [];
  return Array.isArray(value) ? value : [value];
}

/** `ACR Improved Forest Management (IFM) …` → `acr-improved-forest-management-ifm`: readable id part. */
export function slug(text: string, maxLength = 60): string {
  const value = text
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return value.length > maxLength ? value.slice(0, maxLength).replace(/-$/, '') : value;
}
