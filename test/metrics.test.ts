import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../src/db/client.ts';
import { startTestApi, type TestApi } from './support/api-server.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
});

/** The value of one sample in Prometheus text format, e.g. `hub_rows{program="verra",table="credits"}`. */
function sample(text: string, name: string, labels: Record<string, string>): number | null {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.indexOf('}'));
    if (wanted.every((pair) => labelText.split(',').includes(pair))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

describe('/metrics', () => {
  it('reports sync runs, rows per program and freshness in Prometheus format', async () => {
    const response = await fetch(new URL('/metrics', api.base));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();

    const [counts] = await queryRows<{ credits: number; projects: number; finished: number }>(
      api.database.db,
      sql`select (select count(*) from credits where program_id = 'verra')::int as credits,
                 (select count(*) from projects where program_id = 'verra')::int as projects,
                 (select extract(epoch from max(finished_at)) from sync_runs where program_id = 'verra' and status = 'succeeded')::float8 as finished`,
    );
    expect(sample(text, 'hub_rows', { program: 'verra', table: 'credits' })).toBe(counts!.credits);
    expect(sample(text, 'hub_rows', { program: 'verra', table: 'projects' })).toBe(counts!.projects);
    expect(sample(text, 'hub_sync_last_success_timestamp_seconds', { program: 'verra' })).toBeCloseTo(counts!.finished, 3);
    // The fixtures were loaded by sync runs of this process.
    expect(sample(text, 'hub_sync_runs_total', { program: 'verra', status: 'succeeded' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'hub_sync_rows_total', { program: 'verra', outcome: 'fetched' })).toBeGreaterThan(0);
    expect(text).toContain('hub_sync_duration_seconds_bucket');
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
