// Start-up (issue 12, item 7): the built command loads only what the command it runs needs. Before any command runs
// it loads commander and the command declarations (src/cli/commands), no engine, zod or yaml; `schema` prints the
// text computed at build time. The data found through `import.meta.url` is read from the build by other spawns:
// the catalog (cli.test.ts), the built-in scenarios (demo.test.ts) and the Azure traces (inference-cli.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_CHOICES } from '../../src/cli/commands/simulate.ts';
import { schemaText } from '../../src/cli/schema-text.ts';
import { ENGINES } from '../../src/engine/index.ts';
import { ROOT, runCli } from './run-cli.ts';

interface Metafile {
  outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[]; inputs: object }>;
}

/** The source files the built entry loads before a command runs: its chunk and the chunks that chunk imports
 * statically (a command's own chunk is a dynamic import, loaded when that command runs). */
function loadedAtStart(meta: Metafile): string[] {
  const seen = new Set<string>();
  const todo = ['dist/aifabric.js'];
  for (let o = todo.pop(); o !== undefined; o = todo.pop()) {
    if (seen.has(o)) continue;
    seen.add(o);
    for (const i of meta.outputs[o]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) todo.push(i.path);
  }
  return [...seen].flatMap((o) => Object.keys(meta.outputs[o]?.inputs ?? {}));
}

describe('start-up of the built command', () => {
  it('loads commander and the command declarations only, no engine, zod or yaml', () => {
    const meta = JSON.parse(readFileSync(join(ROOT, 'dist/meta.json'), 'utf8')) as Metafile;
    const loaded = loadedAtStart(meta);
    expect(loaded).toContain('src/cli/commands/simulate.ts');
    const allowed =
      /^(src\/cli\/(main|run)\.ts|src\/cli\/commands\/[a-z-]+\.ts|src\/errors\.ts|node_modules\/(commander|@commander-js\/extra-typings)\/)/;
    expect(loaded.filter((f) => !allowed.test(f))).toEqual([]);
  });

  it('--engine offers exactly the engines of src/engine/index.ts', () => {
    expect([...ENGINE_CHOICES]).toEqual([...ENGINES]);
  });

  it('schema prints the JSON Schema of the current sources, computed at build time', () => {
    const r = runCli(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(schemaText());
  });
});
