/**
 * Progress of long work: a bar on an interactive terminal, structured log lines otherwise
 * (CI, containers, the scheduler), so the same code reports well in both places.
 */
import cliProgress from 'cli-progress';
import type { Logger } from './logger.ts';

export interface Progress {
  /** Starts a phase; `total` is null when the size is not known in advance. */
  phase(name: string, total: number | null): void;
  advance(by: number): void;
  finish(): void;
}

export function createProgress(logger: Logger, label: string, interactive = Boolean(process.stderr.isTTY)): Progress {
  return interactive ? new BarProgress(label) : new LogProgress(logger, label);
}

class BarProgress implements Progress {
  private bar: cliProgress.SingleBar | null = null;
  private value = 0;
  constructor(private readonly label: string) {}

  phase(name: string, total: number | null): void {
    this.finish();
    this.value = 0;
    const format = total === null ? `${this.label} ${name} | {value} records | {duration_formatted}` : `${this.label} ${name} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}`;
    this.bar = new cliProgress.SingleBar({ format, stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
    this.bar.start(total ?? 0, 0);
  }

  advance(by: number): void {
    this.value += by;
    this.bar?.update(this.value);
  }

  finish(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** Logs at most every `everyMs` while a phase runs, and once at its end. */
class LogProgress implements Progress {
  private name = '';
  private total: number | null = null;
  private value = 0;
  private lastLog = 0;
  constructor(
    private readonly logger: Logger,
    private readonly label: string,
    private readonly everyMs = 5_000,
  ) {}

  phase(name: string, total: number | null): void {
    this.finish();
    this.name = name;
    this.total = total;
    this.value = 0;
    this.lastLog = Date.now();
  }

  advance(by: number): void {
    this.value += by;
    if (Date.now() - this.lastLog >= this.everyMs) {
      this.lastLog = Date.now();
      this.logger.info({ task: this.label, phase: this.name, done: this.value, total: this.total }, 'progress');
    }
  }

  finish(): void {
    if (this.name) this.logger.info({ task: this.label, phase: this.name, done: this.value, total: this.total }, 'phase finished');
    this.name = '';
  }
}

export const noProgress: Progress = { phase() {}, advance() {}, finish() {} };
