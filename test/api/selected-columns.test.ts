/**
 * Pages read only the columns a response selects (src/api/common/selection.ts). These tests
 * hold the two things that must stay true: a narrow read answers exactly what a whole read
 * answers for the fields asked, and a row read with fewer columns never stands in for a whole
 * one elsewhere in the same response.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/api/common/global-id.ts';
import { queryRows } from '../../src/db/client.ts';
import { startTestApi, type TestApi } from '../support/api-server.ts';
import { seedFlags } from './flags-detections.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
  await seedFlags(api.database.db);
});
afterAll(async () => {
  await api?.close();
});

const wholeCredit = `id naturalKey kind kindAmbiguous quantity vintageYear vintageStart vintageEnd transactionDate issuanceDate
  serialNumber serialBlock { namespace firstUnit lastUnit } countryCode beneficiary retirementReason retirementNote useCase labels vanishedAt`;

const wholeProject = `id registryProjectId name proponent countryCode countryName subdivision region latitude longitude projectTypes category
  methodologies { id version } status registrationDate creditingPeriodStart creditingPeriodEnd sdgs additionalCertifications
  estimatedAnnualCredits parentRegistryProjectId crossReferences { programCode registryProjectId relation } completeness firstSeenAt lastSeenAt vanishedAt`;

/** The statements that read a table's rows (`from "credits"`), not its counts. */
const readsOf = (statements: string[], table: string) => statements.filter((text) => text.includes(`from "${table}"`) && !text.includes('count('));

describe('pages read the columns their response selects', () => {
  it('answers a narrow page of credits (aliases, fragments, @include) as the whole page does, reading fewer columns', async () => {
    const filter = { program: ['verra'] };
    const whole = await api.data(`query ($filter: CreditsFilter) { credits(filter: $filter, first: 60) { edges { node { ${wholeCredit} } } } }`, { filter });
    let narrow: any;
    const statements = await api.captureStatements(async () => {
      narrow = await api.data(
        `query ($filter: CreditsFilter, $withNote: Boolean!, $withoutKind: Boolean!) {
          credits(filter: $filter, first: 60) { edges { node { id amount: quantity ...Serials retirementNote @include(if: $withNote) kind @skip(if: $withoutKind) } } }
        }
        fragment Serials on Credit { serialBlock { firstUnit lastUnit } vintageYear }`,
        { filter, withNote: true, withoutKind: true },
      );
    });
    const wholeNodes = whole.credits.edges.map((edge: any) => edge.node);
    expect(wholeNodes.length).toBe(60);
    expect(wholeNodes.some((node: any) => node.serialBlock !== null)).toBe(true);
    expect(narrow.credits.edges.map((edge: any) => edge.node)).toEqual(
      wholeNodes.map((node: any) => ({
        id: node.id,
        amount: node.quantity,
        serialBlock: node.serialBlock && { firstUnit: node.serialBlock.firstUnit, lastUnit: node.serialBlock.lastUnit },
        vintageYear: node.vintageYear,
        retirementNote: node.retirementNote,
      })),
    );
    const [read] = readsOf(statements, 'credits');
    expect(read).toContain('"serial_first"');
    expect(read).toContain('"retirement_note"');
    expect(read).not.toContain('"kind"'); // skipped
    expect(read).not.toContain('"beneficiary"');
  });

  it("answers a project's credits read narrowly as the whole read does, one selection merged from two", async () => {
    const [busiest] = await queryRows<{ id: number }>(api.database.db, sql`select project_id::int as id from credits group by project_id order by count(*) desc limit 1`);
    const id = toGlobalId('Project', busiest!.id);
    const whole = await api.data(`query ($id: ID!) { project(id: $id) { credits(first: 30) { edges { cursor node { ${wholeCredit} } } } } }`, { id });
    // The same field selected twice, once through a fragment: the response merges both selections.
    const narrow = await api.data(
      `query ($id: ID!) { project(id: $id) {
        credits(first: 30) { edges { cursor node { id } } }
        ... on Project { credits(first: 30) { edges { node { beneficiary transactionDate } } } }
      } }`,
      { id },
    );
    expect(narrow.project.credits.edges).toEqual(
      whole.project.credits.edges.map((edge: any) => ({
        cursor: edge.cursor,
        node: { id: edge.node.id, beneficiary: edge.node.beneficiary, transactionDate: edge.node.transactionDate },
      })),
    );
  });

  it("keeps a flag's projects read with a few columns apart from the same projects read whole in the same response", async () => {
    // The credits of a flag belong to its projects: each credit's project is read by id while,
    // or after, the flags' projects are read with two columns.
    let together: any;
    const statements = await api.captureStatements(async () => {
      together = await api.data(`{
        flags(first: 100) { edges { node {
          projects { role project { id name } }
          credits(first: 3) { edges { node { project { ${wholeProject} } } } }
        } } }
      }`);
    });
    const flags = together.flags.edges.map((edge: any) => edge.node);
    const wholeProjects = new Map<string, unknown>();
    for (const flag of flags) for (const credit of flag.credits.edges) wholeProjects.set(credit.node.project.id, credit.node.project);
    const listed = new Set(flags.flatMap((flag: any) => flag.projects.map((entry: any) => entry.project.id)));
    const shared = [...wholeProjects.keys()].filter((id) => listed.has(id));
    expect(shared.length).toBeGreaterThan(3);
    for (const id of shared.slice(0, 10)) {
      const alone = await api.data(`query ($id: ID!) { project(id: $id) { ${wholeProject} } }`, { id });
      expect(wholeProjects.get(id)).toEqual(alone.project);
    }
    // The flags' projects, read with only the columns asked for.
    const [projectsOfFlags] = readsOf(statements, 'flag_projects');
    expect(projectsOfFlags).toContain('"name"');
    expect(projectsOfFlags).not.toContain('"sdgs"');
  });

  it("takes a credit's project from the page of projects when that page read what the credit's project selects, and reads it otherwise", async () => {
    // A page of projects that have credits: the projects export's rows come first and have none.
    const [first] = await queryRows<{ before: number }>(
      api.database.db,
      sql`select count(*)::int as before from projects where vanished_at is null
           and id < (select min(project_id) from credits where vanished_at is null)`,
    );
    const start = await api.data(`query ($first: Int!) { projects(first: $first) { pageInfo { endCursor } } }`, { first: Math.max(first!.before, 1) });
    const query = (projectFields: string) => `query ($after: String) {
      projects(first: 20, after: $after) {
        edges { node { id name credits(first: 3) { edges { node { id project { ${projectFields} } } } } } }
      }
    }`;
    const variables = { after: first!.before > 0 ? start.projects.pageInfo.endCursor : null };
    let covered: any;
    const coveredStatements = await api.countStatements(async () => {
      covered = await api.data(query('id name'), variables);
    });
    const withoutProject = await api.countStatements(() => api.data(query('id'), variables));
    // `name` and `id` came with the page: no statement more than for `id` alone.
    expect(coveredStatements).toBe(withoutProject);
    const creditsOf = (data: any) => data.projects.edges.flatMap((edge: any) => edge.node.credits.edges.map((credit: any) => ({ parent: edge.node, project: credit.node.project })));
    expect(creditsOf(covered).length).toBeGreaterThan(20);
    for (const { parent, project } of creditsOf(covered)) expect(project).toEqual({ id: parent.id, name: parent.name });

    const wider = await api.data(query('id name registryProjectId countryCode completeness'), variables);
    const expected = await queryRows<{ id: number; registryProjectId: string; countryCode: string | null; completeness: string }>(
      api.database.db,
      sql`select id::int, registry_project_id as "registryProjectId", country_code as "countryCode", completeness from projects`,
    );
    for (const { parent, project } of creditsOf(wider)) {
      const row = expected.find((candidate) => toGlobalId('Project', candidate.id) === parent.id)!;
      expect(project).toEqual({ id: parent.id, name: parent.name, registryProjectId: row.registryProjectId, countryCode: row.countryCode, completeness: row.completeness.toUpperCase() });
    }
  });
});

