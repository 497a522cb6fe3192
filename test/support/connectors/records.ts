/**
 * A connector's raw records in tests: read out of a fetch or an export folder, normalized the
 * way a sync would, and found again by key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, expect } from 'vitest';
import {
  ConnectorError,
  type Connector,
  type NormalizedCredit,
  type NormalizedProject,
  type RawRecord,
  type Rejection,
} from '../../../connectors/contract.ts';

/** Every item of an async stream (a fetch, an export read), in order. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** The error `work` fails with, which must be a `ConnectorError` (the test fails otherwise). */
export async function connectorError(work: Promise<unknown>): Promise<ConnectorError> {
  const error = await work.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
}

/** The rows of a fixture CSV as column → cell text, read independently of the connector. */
export function readFixtureCsv(dir: string, file: string): Record<string, string>[] {
  return parse(readFileSync(join(dir, file)), { columns: true, bom: true }) as Record<string, string>[];
}

/**
 * The source kind of every row of the given files, in file order and in the order given: what
 * `readExports` yields for them (`{ projects: projectRows, issuances: issuanceRows }`).
 */
export function rowKinds(rowsByKind: Readonly<Record<string, readonly unknown[]>>): string[] {
  return Object.entries(rowsByKind).flatMap(([kind, rows]) => rows.map(() => kind));
}

/** A copy of `raw` with some payload values replaced or added. */
export function withPayload(raw: RawRecord, changes: Record<string, unknown>): RawRecord {
  return { ...raw, payload: { ...raw.payload, ...changes } };
}

/** An export folder read and normalized: what each record gave, and lookups that fail loudly. */
export interface NormalizedExports {
  /** The raw records, in the order `readExports` yielded them. */
  readonly raws: RawRecord[];
  /** The projects and credits of the records that normalized, in that order. */
  readonly projects: NormalizedProject[];
  readonly credits: NormalizedCredit[];
  /** The records that did not, with their rejection. */
  readonly rejections: { naturalKey: string; rejection: Rejection }[];
  /** The raw record of `sourceKind` keyed `naturalKey`; throws when there is none. */
  rawOf(sourceKind: string, naturalKey: string): RawRecord;
  /** The credit keyed `naturalKey`; throws when there is none. */
  creditOf(naturalKey: string): NormalizedCredit;
  /** The project `registryProjectId` of that completeness (`full` by default); throws when there is none. */
  projectOf(registryProjectId: string, completeness?: NormalizedProject['completeness']): NormalizedProject;
  /** The rejection the connector gives `raw`; throws when `raw` normalizes. */
  rejectionOf(raw: RawRecord): Rejection;
  /** The raw records the same connector reads from another export folder (one a test damaged). */
  readAll(dir: string): Promise<RawRecord[]>;
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no ${what}`);
  return value;
}

function emptyExports(connector: Connector): NormalizedExports {
  const set: NormalizedExports = {
    raws: [],
    projects: [],
    credits: [],
    rejections: [],
    rawOf: (sourceKind, naturalKey) =>
      found(
        set.raws.find((raw) => raw.sourceKind === sourceKind && raw.naturalKey === naturalKey),
        `${sourceKind} record ${naturalKey}`,
      ),
    creditOf: (naturalKey) => found(set.credits.find((credit) => credit.naturalKey === naturalKey), `credit ${naturalKey}`),
    projectOf: (registryProjectId, completeness = 'full') =>
      found(
        set.projects.find((project) => project.registryProjectId === registryProjectId && project.completeness === completeness),
        `${completeness} project ${registryProjectId}`,
      ),
    rejectionOf: (raw) => {
      const result = connector.normalize(raw);
      if (result.ok) throw new Error(`expected a rejection of ${raw.naturalKey}`);
      return result.rejection;
    },
    readAll: (dir) => collect(connector.readExports(dir)),
  };
  return set;
}

/** Reads the exports in `dir` with `connector.readExports` and normalizes every record. */
export async function normalizeExports(connector: Connector, dir: string): Promise<NormalizedExports> {
  const set = emptyExports(connector);
  await normalizeInto(set, connector, dir);
  return set;
}

async function normalizeInto(set: NormalizedExports, connector: Connector, dir: string): Promise<void> {
  for await (const raw of connector.readExports(dir)) {
    set.raws.push(raw);
    const result = connector.normalize(raw);
    if (result.ok) {
      set.projects.push(...result.projects);
      set.credits.push(...result.credits);
    } else set.rejections.push({ naturalKey: raw.naturalKey, rejection: result.rejection });
  }
}

/**
 * `normalizeExports` for a whole test file: registers a `beforeAll` that fills the returned
 * collections, so a file can destructure them (and the lookups) at its top.
 */
export function useNormalizedExports(connector: Connector, dir: string): NormalizedExports {
  const set = emptyExports(connector);
  beforeAll(() => normalizeInto(set, connector, dir));
  return set;
}
