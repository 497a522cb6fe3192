/**
 * Merges every partial view of a project a run sees (each transaction row repeats a few of
 * its project's attributes, and rows can disagree: ARB's operator changes between reporting
 * periods) into one: the first non-empty value of each field, lists and cross references
 * united, attributes merged with the first value winning. The result depends only on the
 * records and their order, so an unchanged source gives an unchanged project.
 *
 * Memory grows with the number of projects of one program (thousands), not with its credits.
 */
import { stringify } from 'safe-stable-stringify';
import type { NormalizedProject } from '../../connectors/contract.ts';
import { projectKey } from './normalized-rows.ts';

export class PartialProjectMerger {
  private readonly byKey = new Map<string, NormalizedProject>();

  add(project: NormalizedProject): void {
    if (project.completeness !== 'partial') return;
    const key = projectKey(project);
    const known = this.byKey.get(key);
    this.byKey.set(key, known ? mergeProjects(known, project) : project);
  }

  /** Whether the run has already seen a partial view of this project (so it is stored by now). */
  has(project: Pick<NormalizedProject, 'programId' | 'registryProjectId'>): boolean {
    return this.byKey.has(projectKey(project));
  }

  merged(): NormalizedProject[] {
    return [...this.byKey.values()];
  }
}

function union<T>(first: readonly T[], second: readonly T[]): T[] {
  const seen = new Set(first.map((item) => stringify(item)));
  return [...first, ...second.filter((item) => !seen.has(stringify(item)))];
}

export function mergeProjects(first: NormalizedProject, second: NormalizedProject): NormalizedProject {
  const merged = { ...first } as Record<string, unknown>;
  for (const [field, value] of Object.entries(second)) {
    const current = merged[field];
    if (Array.isArray(current) && Array.isArray(value)) merged[field] = union(current, value);
    else if (field === 'attributes') merged[field] = { ...(value as object), ...(current as object) };
    else if (current === null || current === undefined || current === '') merged[field] = value;
  }
  return merged as unknown as NormalizedProject;
}
