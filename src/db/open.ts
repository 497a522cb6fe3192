import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { openDatabase, type Database } from './client.ts';

/** The database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR. */
export async function openConfiguredDatabase(config: Config, logger: Logger): Promise<Database> {
  if (config.DATABASE_URL) {
    const url = new URL(config.DATABASE_URL);
    logger.info({ host: url.host, database: url.pathname.slice(1) }, 'using PostgreSQL');
    return openDatabase({ databaseUrl: config.DATABASE_URL });
  }
  logger.info({ dataDir: config.DATA_DIR }, 'using embedded PGlite');
  return openDatabase({ dataDir: config.DATA_DIR });
}
