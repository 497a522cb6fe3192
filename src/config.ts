/**
 * Every setting of the hub, read from the environment once and validated, with defaults
 * that run offline on a fresh machine (embedded PGlite under .data/, port 4000).
 * A bad value stops start-up with a message naming the variable.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { connectors } from '../connectors/index.ts';
import type { Connector } from '../connectors/contract.ts';

const positiveInt = z.coerce.number().int().positive();
const cronExpression = z.string().refine((value) => cron.validate(value), 'must be a cron expression, e.g. "0 3 * * *"');
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const environmentSchema = z.object({
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOAD_SNAPSHOT: flag.default(true),
  SNAPSHOT_DIR: z.string().min(1).default('test/fixtures/registries'),
  SCHEDULER_ENABLED: flag.default(true),
  HTTP_TIMEOUT_MS: positiveInt.default(60_000),
  HTTP_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
  HTTP_REQUESTS_PER_SECOND: z.coerce.number().positive().default(1),
  GRAPHQL_MAX_PAGE_SIZE: positiveInt.max(1000).default(100),
  GRAPHQL_MAX_DEPTH: positiveInt.max(50).default(10),
  /** Largest accepted query cost (src/api/plugins/query-complexity.ts explains the cost model). */
  GRAPHQL_MAX_COMPLEXITY: positiveInt.default(20_000),
});

/** Per registry: `<ID>_BASE_URL` (tests point it at 127.0.0.1) and `<ID>_SCHEDULE` (node-cron). */
export interface SourceSettings {
  baseUrl: string;
  schedule: string;
  enabled: boolean;
  /** Values of the connector's `secrets` that are set; never logged. */
  secrets: Record<string, string>;
  /** The connector's `secrets` that are not set: polling waits for them. */
  missingSecrets: string[];
}

export type Config = z.infer<typeof environmentSchema> & { sources: Record<string, SourceSettings> };

/** `gold-standard` → `GOLD_STANDARD`: the prefix of a registry's variables. */
export function envPrefix(connector: Pick<Connector, 'id'>): string {
  return connector.id.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function sourceSchema(connector: Connector) {
  const prefix = envPrefix(connector);
  return z.object({
    [connector.baseUrlEnv]: z.url().default(connector.defaultBaseUrl),
    [`${prefix}_SCHEDULE`]: cronExpression.default(connector.defaultSchedule),
    [`${prefix}_ENABLED`]: flag.default(connector.pollByDefault ?? true),
  });
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the settings; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Blank values count as unset, so `DATABASE_URL= npm start` means "use PGlite".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const problems: string[] = [];
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) problems.push(...describeIssues(parsed.error));
  const sources: Record<string, SourceSettings> = {};
  for (const connector of connectors) {
    const prefix = envPrefix(connector);
    const source = sourceSchema(connector).safeParse(present);
    if (!source.success) {
      problems.push(...describeIssues(source.error));
      continue;
    }
    sources[connector.id] = {
      baseUrl: String(source.data[connector.baseUrlEnv]).replace(/\/+$/, ''),
      schedule: String(source.data[`${prefix}_SCHEDULE`]),
      enabled: Boolean(source.data[`${prefix}_ENABLED`]),
      secrets: Object.fromEntries((connector.secrets ?? []).filter((name) => present[name]).map((name) => [name, present[name]!])),
      missingSecrets: (connector.secrets ?? []).filter((name) => !present[name]),
    };
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return { ...parsed.data, sources };
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}
