/**
 * Measurements that need a process of their own (peak RSS is per process, and a sync must
 * not share its event loop with the registry servers) run in a child: `bin/bench.mjs child`,
 * with the task sent over IPC and the result sent back the same way.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const benchBin = resolve(import.meta.dirname, '..', '..', 'bin', 'bench.mjs');

export interface ChildOptions {
  /** Write a V8 CPU profile of the child (`--cpu-prof`) into this folder under this name. */
  profile?: { dir: string; name: string };
}

export async function runInChild<TTask, TResult>(task: TTask, options: ChildOptions = {}): Promise<TResult> {
  // The pipeline task holds every raw record of a run: at market scale more than V8's default heap.
  const flags = ['--expose-gc', '--max-old-space-size=12288'];
  if (options.profile) flags.push('--cpu-prof', '--cpu-prof-dir', options.profile.dir, '--cpu-prof-name', options.profile.name);
  const child = spawn(process.execPath, [...flags, benchBin, 'child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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
