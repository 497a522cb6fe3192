import { ArgsType, Field, InputType } from 'type-graphql';
import { ConnectionArgs } from '../common/pagination.args.ts';
import type { SyncRunFilter } from './sync-run.queries.ts';
import { SyncStatus } from './sync-run.type.ts';

@InputType({ description: 'Narrows sync runs. Fields combine with AND; a list matches any of its values.' })
export class SyncRunsFilter {
  @Field(() => [String], { nullable: true, description: 'Program codes, e.g. `["verra"]`. Unknown codes match nothing.' })
  program?: string[] | null;

  @Field(() => [SyncStatus], { nullable: true })
  status?: SyncStatus[] | null;
}

@ArgsType()
export class SyncRunsArgs extends ConnectionArgs {
  @Field(() => SyncRunsFilter, { nullable: true })
  filter?: SyncRunsFilter | null;
}

export function toSyncRunFilter(filter: SyncRunsFilter | null | undefined): SyncRunFilter {
  return { programIds: filter?.program ?? null, statuses: filter?.status ?? null };
}
