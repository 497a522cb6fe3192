/**
 * What a generated project does, as the hub will see it once synced: the registry's own
 * `normalize` reads the row, `categorize` gives the hub category (src/reference/categories.ts)
 * and `projectActivity` the methodology families the matcher compares. A project re-listed in
 * another program keeps its activity, so its copy is made to agree on these (gold-standard.ts).
 */
import type { Connector, NormalizedProject } from '../../connectors/contract.ts';
import { goldStandard } from '../../connectors/gold-standard/index.ts';
import { GOLD_STANDARD_SOURCES } from '../../connectors/gold-standard/normalize.ts';
import { verra } from '../../connectors/verra/index.ts';
import { VERRA_SOURCES } from '../../connectors/verra/normalize.ts';
import { projectActivity } from '../../src/matching/features/activity.ts';
import { categorize } from '../../src/reference/categories.ts';

export interface GeneratedActivity {
  /** The hub category (`projects.category`), null when the category maps give none. */
  category: string | null;
  /** Methodology families: protocol keys of the OffsetsDB protocol map (`acm0002`, `vmr0006`). */
  methodologies: string[];
}

function activityOf(connector: Connector, sourceKind: string, row: Record<string, string>): GeneratedActivity {
  const result = connector.normalize({ sourceKind, naturalKey: 'generator', payload: row });
  if (!result.ok) throw new Error(`${connector.id} ${sourceKind} row rejected (${result.rejection.reason}): ${result.rejection.detail}`);
  const project: NormalizedProject | undefined = result.projects[0];
  if (!project) throw new Error(`${connector.id} ${sourceKind} row gave no project`);
  const category = categorize(project);
  return { category, methodologies: projectActivity({ ...project, category }).protocols };
}

/** The activity of a Verra project whose blocks repeat this row of the VCU export. */
export function verraActivity(transactionRow: Record<string, string>): GeneratedActivity {
  return activityOf(verra, VERRA_SOURCES.transactions, transactionRow);
}

/** The activity of a Gold Standard project whose transactions repeat this row of the issuance (or retirement) export. */
export function goldStandardActivity(issuanceRow: Record<string, string>): GeneratedActivity {
  return activityOf(goldStandard, GOLD_STANDARD_SOURCES.issuances, issuanceRow);
}
