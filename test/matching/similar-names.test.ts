/**
 * Name blocking (features/similar-names.ts) finds exactly the pairs pg_trgm's own similarity
 * join finds, with the same similarities, on the real fixture projects: the prefix filter may
 * skip no pair, and the float4 similarity must compare with the threshold as PostgreSQL's does.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/db/client.ts';
import { loadNamedProjects } from '../../src/matching/detectors/cross-program-issuance.ts';
import { matchWeights } from '../../src/matching/features/weights.ts';
import { similarNamePairs, sortTrigrams, trigramSimilarity, type NamedProject } from '../../src/matching/features/similar-names.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { loadRealFixtures } from './support.ts';

let testDb: TestDatabase;
let named: NamedProject[];

beforeAll(async () => {
  testDb = await createTestDatabase();
  await loadRealFixtures(testDb.database);
  named = await loadNamedProjects(testDb.database.db);
});
afterAll(async () => {
  await testDb.drop();
});

/** The same pairs by PostgreSQL's own similarity, every project pair of a country compared. */
async function pairsBySql(threshold: number) {
  return queryRows<{ leftId: number; rightId: number; similarity: number }>(
    testDb.database.db,
    sql`select p.id::int as "leftId", q.id::int as "rightId", similarity(p.name, q.name)::float8 as similarity
          from projects p
          join projects q on q.country_code = p.country_code and q.program_id <> p.program_id and q.id > p.id
         where p.vanished_at is null and q.vanished_at is null
           and similarity(p.name, q.name) >= ${threshold}
           and (p.category is null or q.category is null or p.category = q.category)
         order by 1, 2`,
  );
}

describe('similar project names across programs', () => {
  it.each([matchWeights.blocking.nameTrigramSimilarity, 0.5, 0.8])('finds exactly the pairs PostgreSQL finds at similarity ≥ %s, with its similarities', async (threshold) => {
    const expected = await pairsBySql(threshold);
    expect(expected.length).toBeGreaterThan(threshold < 0.5 ? 100 : 5);
    expect(similarNamePairs(named, threshold)).toEqual(expected);
  });

  it("computes pg_trgm's similarity for any two names, below the threshold too", async () => {
    const rows = await queryRows<{ a: string; b: string; ta: string[]; tb: string[]; similarity: number }>(
      testDb.database.db,
      sql`select p.name as a, q.name as b, show_trgm(p.name) as ta, show_trgm(q.name) as tb, similarity(p.name, q.name)::float8 as similarity
            from (select * from projects where name is not null order by id limit 60) p
            cross join (select * from projects where name is not null order by id desc limit 60) q`,
    );
    expect(rows).toHaveLength(3600);
    for (const row of rows) expect(trigramSimilarity(sortTrigrams(row.ta), sortTrigrams(row.tb)), `${row.a} ~ ${row.b}`).toBe(row.similarity);
  });
});
