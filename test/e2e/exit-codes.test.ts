// Exit codes 3 (internal error) and 4 (failed invariant), which valid use never produces: faults are planted in
// the stages a command calls (a TypeError from the catalog, the renderer or the schema text; a result with a
// failed invariant from the engine), and each command must turn them into its documented code, with no stack trace
// and, under --json, one JSON object on stdout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSourceMain as runMain } from './run-cli.ts';

const plant = vi.hoisted(() => ({ fault: '' as '' | 'internal' | 'invariant' }));

const bug = () => new TypeError("Cannot read properties of undefined (reading 'replace')");

vi.mock('../../src/catalog/index.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/catalog/index.ts')>();
  return {
    ...real,
    loadCatalog: (...a: Parameters<typeof real.loadCatalog>) => {
      if (plant.fault === 'internal') throw bug();
      return real.loadCatalog(...a);
    },
  };
});
vi.mock('../../src/report/html.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/report/html.ts')>();
  return {
    ...real,
    renderReport: (...a: Parameters<typeof real.renderReport>) => {
      if (plant.fault === 'internal') throw bug();
      return real.renderReport(...a);
    },
  };
});
vi.mock('../../src/cli/schema-text.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/cli/schema-text.ts')>();
  return {
    ...real,
    schemaText: () => {
      if (plant.fault === 'internal') throw bug();
      return real.schemaText();
    },
  };
});
// simulate runs the engine loadEngine gives it (src/engine/select.ts).
vi.mock('../../src/engine/select.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/engine/select.ts')>();
  return {
    ...real,
    loadEngine: async (...a: Parameters<typeof real.loadEngine>) => {
      const run = await real.loadEngine(...a);
      return (...b: Parameters<typeof run>) => {
        const r = run(...b);
        if (plant.fault !== 'invariant') return r;
        return {
          ...r,
          invariants: [...r.invariants, { name: 'bytes conserved', ok: false, detail: 'planted: 1 byte missing' }],
        };
      };
    },
  };
});

beforeEach(() => {
  plant.fault = '';
});

// A demo bundle for report to read (the planted fault is in the renderer).
const DIR = mkdtempSync(join(tmpdir(), 'aifabric-exit-'));
const BUNDLE = join(DIR, 'demo.json');
afterAll(() => rmSync(DIR, { recursive: true, force: true }));
writeFileSync(BUNDLE, JSON.stringify({ version: 1, report: { title: 't', subtitle: 's' } }));

const INTERNAL: [string, string[]][] = [
  ['catalog', ['catalog']],
  ['schema', ['schema']],
  ['plan', ['plan', '--topology', 'leaf-spine', '--hosts', '64', '--switch', 'aurcore-32x400g']],
  ['simulate', ['simulate', 'scenarios/incast-16.yaml', '--engine', 'analytic']],
  ['capacity', ['capacity', 'scenarios/inference.yaml']],
  ['demo', ['demo', '--quick', '-o', join(DIR, 'unused')]],
  ['report', ['report', BUNDLE, '-o', join(DIR, 'unused.html')]],
];

describe('exit 3: an internal error, on every command', () => {
  it.each(INTERNAL)('%s', async (_name, args) => {
    plant.fault = 'internal';
    const r = await runMain(args);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "internal error: Cannot read properties of undefined (reading 'replace')\n(this is a bug in aifabric; run with --debug for the stack trace and report it)\n",
    );
    const j = await runMain([...args, '--json']);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: 3, field: 'aifabric' });
  });
});

describe('exit 4: a failed invariant (simulate; demo in demo.test.ts, its --no-pfc run)', () => {
  it('the result is printed, the invariant named on stderr', async () => {
    plant.fault = 'invariant';
    const r = await runMain(['simulate', 'scenarios/incast-16.yaml', '--engine', 'analytic']);
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/FAIL bytes conserved: planted: 1 byte missing/);
    expect(r.stderr).toBe(
      'error: invariant failed: bytes conserved: planted: 1 byte missing (a bug in aifabric; please report it)\n',
    );
    const j = await runMain(['simulate', 'scenarios/incast-16.yaml', '--engine', 'analytic', '--json']);
    expect(j.code).toBe(4);
    expect(JSON.parse(j.stdout).invariants.at(-1)).toEqual({
      name: 'bytes conserved',
      ok: false,
      detail: 'planted: 1 byte missing',
    });
  });
});
