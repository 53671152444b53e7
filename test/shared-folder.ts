// vitest globalSetup: one temporary folder for the whole run, given to every test file as inject('sharedFolder'),
// where fixtures shared across files live (test/helpers/quick-demo.ts); removed when the run ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'aifabric-vitest-'));
  project.provide('sharedFolder', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
