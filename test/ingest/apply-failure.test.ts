/**
 * When the database refuses a write while a sync applies its batches (a full disk, a broken
 * constraint), the run fails with the database's own error, the normalized data stays as it
 * was (the apply phase is one transaction), and a rerun lands everything from the raw records
 * the failed run kept.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { verra } from '../../connectors/verra/index.ts';
import { queryRows } from '../../src/db/client.ts';
import { runSync } from '../../src/ingest/sync-runner.ts';
import { silentLogger } from '../../src/logger.ts';
import { verraRoutes } from '../support/registry-server.ts';
import { useSyncHarness } from '../support/sync-harness.ts';
import { verraTotalsFromCsv } from '../support/verra-totals.ts';

const fixtureDir = 'test/fixtures/registries/verra';
const harness = useSyncHarness({ connector: verra, routes: () => verraRoutes(fixtureDir) });

/** Small batches, so the failing write comes after batches that were written in the same transaction. */
const syncInSmallBatches = () =>
  runSync({ database: harness.database, connector: verra, source: harness.overHttp(), trigger: 'test', logger: silentLogger, batchSize: 25 });

const rowCount = async (table: 'credits' | 'projects') =>
  (await queryRows<{ count: number }>(harness.database.db, sql`select count(*)::int as count from ${sql.identifier(table)}`))[0]!.count;

describe('a database failure while a sync applies its batches', () => {
  it('fails the run with the database error, leaves the normalized data as it was, and a rerun lands everything', async () => {
    const db = harness.database.db;
    // The database refuses the 60th credit of the run, in the apply phase's third batch or later.
    await db.execute(sql`create function refuse_sixtieth_credit() returns trigger language plpgsql as $$
      begin
        if (select count(*) from credits) >= 59 then raise exception 'simulated storage failure at credit %', new.natural_key; end if;
        return new;
      end $$`);
    await db.execute(sql`create trigger refuse_sixtieth_credit before insert on credits for each row execute function refuse_sixtieth_credit()`);

    const failed = await syncInSmallBatches();
    expect(failed.status).toBe('failed');
    expect(failed.failureType).toBe('system');
    expect(failed.error).toMatch(/simulated storage failure at credit/);
    expect(failed.counts).toMatchObject({ inserted: 0, updated: 0 });
    expect(await rowCount('credits')).toBe(0);
    expect(await rowCount('projects')).toBe(0);

    await db.execute(sql`drop trigger refuse_sixtieth_credit on credits`);
    const rerun = await syncInSmallBatches();
    expect(rerun.status).toBe('succeeded');
    expect(rerun.counts.rejected).toBe(0);
    const expected = verraTotalsFromCsv(`${fixtureDir}/transactions.csv`);
    const landed = await harness.projectTotals('verra');
    expect(landed.size).toBe(expected.size);
    for (const [project, { issued, retired }] of expected) expect(landed.get(project), `project ${project}`).toMatchObject({ issued, retired });
  });
});
