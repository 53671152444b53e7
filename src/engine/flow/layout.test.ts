import { describe, expect, it } from 'vitest';
import * as layout from './layout.ts';

describe('flow engine record layout (layout.ts)', () => {
  it('gives each field of a record its own offset within the record', () => {
    const exported: [string, number][] = [];
    for (const [name, value] of Object.entries(layout)) if (typeof value === 'number') exported.push([name, value]);
    for (const [prefix, stride] of [
      ['I_', layout.TI],
      ['F_', layout.TF],
      ['S_', 4],
      ['L_', 4],
    ] as const) {
      const offsets = exported.filter(([n]) => n.startsWith(prefix)).map(([, v]) => v);
      expect(offsets.length, prefix).toBeGreaterThan(0);
      expect(new Set(offsets).size, prefix).toBe(offsets.length);
      for (const o of offsets) expect(o, prefix).toBeLessThan(stride);
    }
  });
});
