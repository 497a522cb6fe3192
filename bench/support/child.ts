/**
 * Measurements that need a process of their own (peak RSS is per process, and a sync must
 * not share its event loop with the registry servers) run in a child: `bin/bench.mjs child`,
 * with the task sent over IPC and the result sent back the same way.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

const benchBin = resolve(import.meta.dirname, '..', '..', 'bin', 'bench.mjs');

export interface ChildOptions {
  /** Write a V8 CPU profile of the child (`--cpu-prof`) into this folder under this name. */
  profile?: { dir: string; name: string };
  /**
   * Trace the child's garbage collections (`--trace-gc`) and add each full (mark-compact)
   * collection to this list, with the heap in use right after it: V8's own figure, which no
   * API inside the process gives as exactly (a GC observer runs only later, once the code that
   * was running has allocated more).
   */
  fullCollections?: FullCollection[];
  /**
   * Raise V8's heap limit to 12 GiB, for a task that holds a whole data set in memory (the
   * pipeline task keeps every raw record of a run: at market size more than the default heap).
   * Left off, the child runs with Node's default heap, as `hub sync` does: the limit steers how
   * much garbage V8 lets pile up between full collections, so a raised one would inflate the
   * sync's peak RSS beyond what users see (docs/benchmarks.md, seventh round).
   */
  largeHeap?: boolean;
}

/** A full collection of a child, as `--trace-gc` prints it. */
export interface FullCollection {
  /** When, in ms since the child started (its `performance.now()` clock, to a few ms). */
  atMs: number;
  /** JS heap in use after the collection, in bytes. */
  heapAfter: number;
}

/** `[pid:0x…]   1234 ms: Mark-Compact 204.1 (231.3) -> 50.4 (123.2) MB, …` */
const markCompact = /\s([\d.]+) ms: Mark-Compact[^>]*-> ([\d.]+) \(/;

export async function runInChild<TTask, TResult>(task: TTask, options: ChildOptions = {}): Promise<TResult> {
  const flags = ['--expose-gc', ...(options.largeHeap ? ['--max-old-space-size=12288'] : [])];
  if (options.profile) flags.push('--cpu-prof', '--cpu-prof-dir', options.profile.dir, '--cpu-prof-name', options.profile.name);
  const collections = options.fullCollections;
  if (collections) flags.push('--trace-gc');
  const child = spawn(process.execPath, [...flags, benchBin, 'child'], { stdio: ['ignore', collections ? 'pipe' : 'inherit', 'inherit', 'ipc'] });
  if (collections && child.stdout) {
    // GC lines are read here; everything else the child prints goes on to our stdout.
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
      const match = markCompact.exec(line);
      if (match) collections.push({ atMs: Number(match[1]), heapAfter: Number(match[2]) * 1024 * 1024 });
      else if (!/ ms: (Scavenge|Mark-Compact|Minor Mark)/.test(line)) process.stdout.write(`${line}\n`);
    });
  }
  return new Promise<TResult>((resolvePromise, reject) => {
    let result: { ok: true; value: TResult } | { ok: false; error: string } | null = null;
    child.on('message', (message) => {
      result = message as typeof result;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (result?.ok) resolvePromise(result.value);
      else if (result) reject(new Error(`bench child failed: ${result.error}`));
      else reject(new Error(`bench child exited with ${signal ?? `code ${code}`} before reporting`));
    });
    child.send(task as object);
  });
}

/** The child's side: runs the task it receives, reports the outcome, and exits. */
export function serveChildTask(run: (task: unknown) => Promise<unknown>): void {
  process.once('message', (task) => {
    run(task).then(
      (value) => finish({ ok: true, value }),
      (error: unknown) => finish({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  function finish(message: object): void {
    process.send!(message, () => {
      process.disconnect();
      // Normal exit (not process.exit) so --cpu-prof writes its profile; leftover keep-alive
      // sockets get a moment, then the process leaves anyway.
      setTimeout(() => process.exit(0), 10_000).unref();
    });
  }
}
