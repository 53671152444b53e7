// Start-up (issue 12, item 7): the built command loads only what the command it runs needs. Before any command runs
// it loads commander and the command declarations (dist/cli/commands), no engine, zod or yaml; `simulate` loads the
// one engine it runs once it has read the scenario, and vega only for --report; `schema` prints the text computed
// at build time. The data found through `import.meta.url` is read from the build by other spawns:
// the catalog (cli.test.ts), the built-in scenarios (demo.test.ts) and the Azure traces (inference-cli.test.ts).
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_CHOICES } from '../../src/cli/commands/simulate.ts';
import { schemaText } from '../../src/cli/schema-text.ts';
import { ENGINES } from '../../src/engine/index.ts';
import { ROOT, runCli } from './run-cli.ts';

/** The files the built command loads before a command runs: dist/cli/run.js (or `entry`) and what it imports
 * statically, transitively (a command's work is a dynamic `import()`, loaded when that command runs). */
function loadedAtStart(entry = 'dist/cli/run.js'): string[] {
  const seen = new Set<string>();
  const todo = [join(ROOT, entry)];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (seen.has(f)) continue;
    seen.add(f);
    if (!f.startsWith('/')) continue;
    for (const m of readFileSync(f, 'utf8').matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^;]*?from\s*"([^"]+)"|(?:^|\n)\s*import\s*"([^"]+)"/g,
    )) {
      const spec = m[1] ?? m[2];
      todo.push(spec.startsWith('.') ? resolve(dirname(f), spec) : spec);
    }
  }
  return [...seen].map((f) => (f.startsWith('/') ? relative(ROOT, f) : f)).sort();
}

describe('start-up of the built command', () => {
  it('loads commander and the command declarations only, no engine, zod or yaml', () => {
    const loaded = loadedAtStart();
    expect(loaded).toContain('dist/cli/commands/simulate.js');
    const allowed =
      /^(dist\/cli\/(main|run|exit)\.js|dist\/cli\/commands\/[a-z-]+\.js|dist\/errors\.js|dist\/vendor\/commander\.js|node:[a-z_/]+)$/;
    expect(loaded.filter((f) => !allowed.test(f))).toEqual([]);
  });

  it('simulate loads no engine until it knows which one runs, and no report renderer without --report', () => {
    const loaded = loadedAtStart('dist/cli/actions/simulate.js');
    expect(loaded).toContain('dist/scenario/schema.js');
    expect(loaded).toContain('dist/vendor/zod.js');
    const unneeded =
      /^(dist\/engine\/(analytic|flow|packet)\/|dist\/engine\/inference\/index\.js|dist\/report\/(html|from-result)\.js|vega)/;
    expect(loaded.filter((f) => unneeded.test(f))).toEqual([]);
  });

  it("simulate's bundle copies no module that the start-up or an engine loads too (one instance of each)", () => {
    const bundled = [
      ...readFileSync(join(ROOT, 'dist/cli/actions/simulate.js'), 'utf8').matchAll(/^\/\/ src\/(.+)\.ts$/gm),
    ]
      .map((m) => `dist/${m[1]}.js`)
      .filter((f) => f !== 'dist/cli/actions/simulate.js');
    expect(bundled).toContain('dist/scenario/load.js');
    const elsewhere = new Set(
      [
        'cli/run',
        'engine/analytic/engine',
        'engine/flow/engine',
        'engine/packet/engine',
        'engine/inference/index',
      ].flatMap((e) => loadedAtStart(`dist/${e}.js`)),
    );
    expect(bundled.filter((f) => elsewhere.has(f))).toEqual([]);
  });

  it.each(['analytic', 'flow', 'packet'])(
    "the %s engine's bundle holds only its folder and engine/core, and turns no top-level const into a var",
    (name) => {
      const text = readFileSync(join(ROOT, `dist/engine/${name}/engine.bundle.js`), 'utf8');
      const modules = [...text.matchAll(/^\/\/ (dist\/\S+\.js)$/gm)].map((m) => m[1]);
      expect(modules).toContain(`dist/engine/${name}/engine.js`);
      expect(
        modules.filter((f) => !f.startsWith(`dist/engine/${name}/`) && !f.startsWith('dist/engine/core/')),
      ).toEqual([]);
      // esbuild's bundles declare top-level consts as vars (10-17% of the packet engine's time, scripts/build.mjs);
      // rolldown keeps them; it declares a class `var X = class` (the k=16 packet run measured no slower), and its
      // own helpers (`__exportAll`, a namespace's `x_exports`) as vars.
      const vars = (code: string) => code.match(/^var (?!__)\w+(?<!_exports) = (?!class\b)/gm)?.length ?? 0;
      const own = modules.reduce((n, f) => n + vars(readFileSync(join(ROOT, f), 'utf8')), 0);
      expect(vars(text)).toBeLessThanOrEqual(own);
      expect(text.match(/^const /gm)?.length ?? 0).toBeGreaterThan(0);
    },
  );

  it('--engine offers exactly the engines of src/engine/index.ts', () => {
    expect([...ENGINE_CHOICES]).toEqual([...ENGINES]);
  });

  it('schema prints the JSON Schema of the current sources, computed at build time', () => {
    const r = runCli(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(schemaText());
  });
});
