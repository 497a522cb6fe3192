import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Connection } from '../common/connection.type.ts';
import { toGlobalId } from '../common/global-id.ts';
import { Node } from '../common/node.interface.ts';
import { DateTime, NonNegativeInt } from '../common/scalars.ts';
import type { SyncRunRow } from './sync-run.queries.ts';

export enum SyncStatus {
  RUNNING = 'running',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}

registerEnumType(SyncStatus, { name: 'SyncStatus', description: 'Outcome of a sync run.' });

export enum SyncSource {
  HTTP = 'http',
  FILES = 'files',
}

registerEnumType(SyncSource, {
  name: 'SyncSource',
  description: 'Where a sync run read its records.',
  valuesConfig: {
    HTTP: { description: "Polled the registry's public endpoints." },
    FILES: { description: 'Read exports from a folder (the bundled snapshot or files downloaded by hand).' },
  },
});

@ObjectType({ implements: Node, description: "One run of a program's connector: when it ran, what it saw and how it ended." })
export class SyncRun implements Node {
  @Field(() => ID)
  id!: string;

  dbId!: number;
  programId!: string;

  @Field(() => SyncSource)
  source!: SyncSource;

  @Field(() => String, { description: 'What started the run, e.g. `schedule`, `cli`, `snapshot`.' })
  trigger!: string;

  @Field(() => SyncStatus)
  status!: SyncStatus;

  @Field(() => DateTime)
  startedAt!: Date;

  @Field(() => DateTime, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => NonNegativeInt, { description: 'Raw records fetched.' })
  fetched!: number;

  @Field(() => NonNegativeInt, { description: 'Rows inserted.' })
  inserted!: number;

  @Field(() => NonNegativeInt, { description: 'Rows whose content changed.' })
  updated!: number;

  @Field(() => NonNegativeInt, { description: 'Rows seen again unchanged.' })
  unchanged!: number;

  @Field(() => NonNegativeInt, { description: 'Raw records that could not be normalized (kept, with the reason).' })
  rejected!: number;

  @Field(() => String, { nullable: true, description: 'Where the next incremental run resumes, when the connector uses one.' })
  watermark!: string | null;

  @Field(() => String, { nullable: true, description: 'For failed runs: `config`, `transient`, `format` or `system`.' })
  failureType!: string | null;

  @Field(() => String, { nullable: true, description: 'For failed runs: what went wrong.' })
  error!: string | null;
}

@ObjectType({ description: 'A page of sync runs.' })
export class SyncRunConnection extends Connection(SyncRun, 'SyncRun') {}

export function toSyncRun(row: SyncRunRow): SyncRun {
  return Object.assign(new SyncRun(), {
    id: toGlobalId('SyncRun', row.id),
    dbId: row.id,
    programId: row.programId,
    source: row.source as SyncSource,
    trigger: row.trigger,
    status: row.status as SyncStatus,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    fetched: row.fetched,
    inserted: row.inserted,
    updated: row.updated,
    unchanged: row.unchanged,
    rejected: row.rejected,
    watermark: row.watermark,
    failureType: row.failureType,
    error: row.error,
  });
}
