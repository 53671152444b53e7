// Output files are written whole or not at all: everything is computed first, then each file goes to a
// temporary name beside its target and is renamed into place.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DesignError } from '../errors.ts';

export function writeFilesAtomically(files: { path: string; content: string }[], flag: string): void {
  const temps: { tmp: string; path: string }[] = [];
  try {
    for (const f of files) {
      try {
        mkdirSync(dirname(f.path), { recursive: true });
      } catch (e) {
        throw new DesignError(flag, `cannot create directory ${dirname(f.path)}: ${(e as Error).message}`);
      }
      const tmp = join(dirname(f.path), `.${Date.now()}-${process.pid}-${temps.length}.tmp`);
      try {
        writeFileSync(tmp, f.content);
      } catch (e) {
        throw new DesignError(
          flag,
          `cannot write ${f.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        );
      }
      temps.push({ tmp, path: f.path });
    }
    for (const t of temps) renameSync(t.tmp, t.path);
  } catch (e) {
    for (const t of temps) rmSync(t.tmp, { force: true });
    throw e;
  }
}
