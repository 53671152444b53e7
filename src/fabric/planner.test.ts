import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { fabricSpec } from '../scenario/schema.ts';
import { designFabric, planDesigns } from './index.ts';

const catalog = loadCatalog();
const spec = fabricSpec;

describe('planner', () => {
  const r = planDesigns(spec({ hosts: 512, gpusPerNode: 8 }), catalog);

  it('ranks feasible designs by cost, then power', () => {
    expect(r.feasible.length).toBeGreaterThan(3);
    for (let i = 1; i < r.feasible.length; i++) {
      const a = r.feasible[i - 1];
      const b = r.feasible[i];
      expect(a.costUsd < b.costUsd || (a.costUsd === b.costUsd && a.powerW <= b.powerW)).toBe(true);
    }
  });

  it('keeps only designs that meet the requirement (non-blocking: full bisection, 1:1 at the first tier)', () => {
    for (const c of r.feasible) {
      expect(c.blueprint.bisectionBps).toBeGreaterThanOrEqual(256 * 400e9);
      expect(c.blueprint.oversubscription[c.blueprint.switches[0].role]).toBeLessThanOrEqual(1);
    }
    expect(r.feasible.some((c) => c.topology === 'leaf-spine' && c.switch === 'aurcore-32x400g')).toBe(true);
  });

  it("prices a candidate exactly as the built design's BOM does", () => {
    const c = r.feasible.find(
      (x) => x.topology === 'leaf-spine' && x.switch === 'aurcore-32x400g' && x.spineSwitch === 'aurcore-32x400g',
    )!;
    const d = designFabric(
      spec({ hosts: 512, gpusPerNode: 8, topology: 'leaf-spine', switch: c.switch, spineSwitch: c.spineSwitch }),
      catalog,
    );
    expect(c.costUsd).toBe(d.bom.totals.costUsd);
    expect(c.powerW).toBe(d.bom.totals.powerW);
  });

  it('says why each rejected candidate failed', () => {
    const big = planDesigns(spec({ hosts: 100_000, gpusPerNode: 8 }), catalog);
    expect(big.feasible.length).toBeGreaterThan(0);
    const ls = big.familiesRejected.find((f) => f.topology === 'leaf-spine');
    expect(ls).toBeDefined();
    expect(ls!.reasons.join('\n')).toMatch(/need \d+ leaves of \d+ hosts, but a .* spine has only \d+ ports/);
    const ddc = big.familiesRejected.find((f) => f.topology === 'ddc');
    expect(ddc!.reasons.join('\n')).toMatch(/line cards/);
    // The 1.5:1 access switch is never offered as a non-blocking design at its natural split.
    for (const c of big.feasible)
      expect(c.blueprint.oversubscription[c.blueprint.switches[0].role]).toBeLessThanOrEqual(1);
  });

  it('rejects rail-optimized when servers hold one GPU', () => {
    const one = planDesigns(spec({ hosts: 256, topology: 'rail-optimized' }), catalog);
    expect(one.feasible).toEqual([]);
    expect(one.familiesRejected[0].reasons[0]).toMatch(/rail-optimized needs servers of at least 2 GPUs/);
  });
});
