import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as layout from './layout.ts';

const dir = fileURLToPath(new URL('.', import.meta.url));

/** The numeric constants a file declares at its top level, `const NAME = <integer>;`. */
function localConstants(file: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of readFileSync(`${dir}/${file}`, 'utf8').matchAll(/^const ([A-Z][A-Z0-9_]*) = (-?\d+);/gm))
    out.set(m[1], Number(m[2]));
  return out;
}

describe('flow engine record layout (layout.ts)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'layout.ts');
  const exported = new Map<string, number>();
  for (const [name, value] of Object.entries(layout)) if (typeof value === 'number') exported.set(name, value);

  it('is copied unchanged into every file that keeps local copies of its offsets', () => {
    let copies = 0;
    for (const file of files)
      for (const [name, value] of localConstants(file))
        if (exported.has(name)) {
          copies++;
          expect(value, `${file}: ${name}`).toBe(exported.get(name));
        }
    // The engine's files read the records through their copies: a check that found none would check nothing.
    expect(copies).toBeGreaterThan(100);
  });

  it('gives each field of a record its own offset within the record', () => {
    for (const [prefix, stride] of [
      ['I_', layout.TI],
      ['F_', layout.TF],
      ['S_', 4],
      ['L_', 4],
    ] as const) {
      const offsets = [...exported].filter(([n]) => n.startsWith(prefix)).map(([, v]) => v);
      expect(new Set(offsets).size, prefix).toBe(offsets.length);
      for (const o of offsets) expect(o, prefix).toBeLessThan(stride);
    }
  });
});
