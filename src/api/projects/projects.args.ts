import { ArgsType, Field, InputType, registerEnumType } from 'type-graphql';
import { BadUserInputError } from '../errors.ts';
import { ConnectionArgs } from '../common/pagination.args.ts';
import { CountryCode } from '../common/scalars.ts';
import type { ProjectFilter, ProjectOrderName } from './project.queries.ts';

export enum ProjectOrder {
  ID_ASC = 'ID_ASC',
  NAME_ASC = 'NAME_ASC',
  RELEVANCE = 'RELEVANCE',
}

registerEnumType(ProjectOrder, {
  name: 'ProjectOrder',
  description: 'Order of a project connection.',
  valuesConfig: {
    ID_ASC: { description: 'Oldest in the hub first (stable; the default without a search).' },
    NAME_ASC: { description: 'By name; unnamed projects last.' },
    RELEVANCE: { description: 'Best match for `filter.search` first (the default with a search); ID_ASC without one.' },
  },
});

const MAX_SEARCH_LENGTH = 200;

@InputType({ description: "Narrows a program's projects. Fields combine with AND; a list matches any of its values." })
export class ProgramProjectsFilter {
  @Field(() => [CountryCode], { nullable: true, description: 'ISO 3166-1 alpha-2 codes of the host country.' })
  country?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Registry status, exactly as published (e.g. `Registered`).' })
  status?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Words to find in the project name or proponent; tolerant of typos (trigram similarity) and partial words.',
  })
  search?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: "Also projects a complete sync no longer found in their registry's project list (left out by default).",
  })
  includeVanished?: boolean | null;
}

@InputType({ description: 'Narrows projects. Fields combine with AND; a list matches any of its values.' })
export class ProjectsFilter extends ProgramProjectsFilter {
  @Field(() => [String], { nullable: true, description: 'Program codes, e.g. `["verra", "gold-standard"]`. Unknown codes match nothing.' })
  program?: string[] | null;
}

@ArgsType()
export class ProjectsArgs extends ConnectionArgs {
  @Field(() => ProjectsFilter, { nullable: true })
  filter?: ProjectsFilter | null;

  @Field(() => ProjectOrder, { nullable: true, description: 'Default: RELEVANCE with `filter.search`, else ID_ASC.' })
  orderBy?: ProjectOrder | null;
}

@ArgsType()
export class ProgramProjectsArgs extends ConnectionArgs {
  @Field(() => ProgramProjectsFilter, { nullable: true })
  filter?: ProgramProjectsFilter | null;

  @Field(() => ProjectOrder, { nullable: true, description: 'Default: RELEVANCE with `filter.search`, else ID_ASC.' })
  orderBy?: ProjectOrder | null;
}

/** The query-module filter for GraphQL filter input; BAD_USER_INPUT on an oversized search. */
export function toProjectFilter(filter: (ProgramProjectsFilter & { program?: string[] | null }) | null | undefined): ProjectFilter {
  if (!filter) return {};
  if (filter.search && filter.search.length > MAX_SEARCH_LENGTH) {
    throw new BadUserInputError(`"search" may be at most ${MAX_SEARCH_LENGTH} characters long.`, { argumentName: 'filter.search' });
  }
  return {
    programIds: filter.program ?? null,
    countryCodes: filter.country ?? null,
    statuses: filter.status ?? null,
    search: filter.search ?? null,
    includeVanished: filter.includeVanished ?? false,
  };
}

/** The order to use: explicit, else by relevance when searching, else by id. */
export function projectOrderName(orderBy: ProjectOrder | null | undefined, filter: ProjectFilter): ProjectOrderName {
  if (orderBy) return orderBy;
  return filter.search?.trim() ? 'RELEVANCE' : 'ID_ASC';
}
