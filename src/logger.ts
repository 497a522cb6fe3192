/**
 * One pino logger for the whole hub: JSON lines on stderr, level from LOG_LEVEL.
 * Modules take a child (`logger.child({ module: 'ingest' })`) rather than making their own.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { app: 'carbon-registry-hub' } }, pino.destination(2));
}

/** A logger that drops everything: for tests that do not inspect logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
