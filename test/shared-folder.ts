// vitest globalSetup: one temporary folder for the whole run, given to every test file (of every project) as
// inject('sharedFolder'), where fixtures shared across files live (test/helpers/quick-demo.ts); removed when the run
// ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/** The run's folder, made by the first call: each project of vitest.config.ts runs the global setups again. */
const FOLDER = Symbol.for('aifabric.test.sharedFolder');

export default function setup(project: TestProject): () => void {
  const g = globalThis as { [FOLDER]?: string };
  g[FOLDER] ??= mkdtempSync(join(tmpdir(), 'aifabric-vitest-'));
  const dir = g[FOLDER];
  project.provide('sharedFolder', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
