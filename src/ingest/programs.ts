import { sql } from 'drizzle-orm';
import type { Connector } from '../../connectors/contract.ts';
import type { Executor } from '../db/client.ts';
import { programs } from '../db/schema.ts';

/** Makes sure each connector's program has its row, with the connector's current name and homepage. */
export async function upsertPrograms(db: Executor, sources: readonly Connector[]): Promise<void> {
  if (sources.length === 0) return;
  await db
    .insert(programs)
    .values(sources.map((c) => ({ id: c.id, name: c.displayName, kind: c.kind, homepage: c.homepage })))
    .onConflictDoUpdate({
      target: programs.id,
      set: { name: sql`excluded.name`, kind: sql`excluded.kind`, homepage: sql`excluded.homepage`, updatedAt: sql`now()` },
      setWhere: sql`(${programs.name}, ${programs.kind}, ${programs.homepage}) is distinct from (excluded.name, excluded.kind, excluded.homepage)`,
    });
}
