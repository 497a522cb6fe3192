import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** How `copyOf` rewrites each file: its text changed by `transform`, written by `encode` (UTF-8 by default). */
export interface CopyOptions {
  transform?: (text: string, file: string) => string;
  encode?: (text: string) => Buffer;
}

/** Rewrites for `copyOf`: the first `from` in `file` replaced by `to`, the other files left as they are. */
export function replaceIn(file: string, from: string, to: string): CopyOptions {
  return { transform: (text, name) => (name === file ? text.replace(from, to) : text) };
}

export interface TempDirs {
  /** A fresh empty folder. */
  make(prefix: string): string;
  /**
   * A fresh folder holding a copy of each of `files` of `fromDir` (an export folder to damage):
   * byte for byte, or rewritten as `options` say.
   */
  copyOf(fromDir: string, files: readonly string[], options?: CopyOptions): string;
}

/** Temporary folders for a test file's exports: every folder made is removed after the file's tests (`afterAll`). */
export function useTempDirs(): TempDirs {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const tempDirs: TempDirs = {
    make(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
    copyOf(fromDir, files, options) {
      const dir = tempDirs.make('exports-');
      for (const file of files) {
        const path = join(fromDir, file);
        if (options === undefined) {
          writeFileSync(join(dir, file), readFileSync(path));
          continue;
        }
        const { transform = (text) => text, encode = (text) => Buffer.from(text, 'utf8') } = options;
        writeFileSync(join(dir, file), encode(transform(readFileSync(path, 'utf8'), file)));
      }
      return dir;
    },
  };
  return tempDirs;
}
