import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import { MaxMinSolver } from './maxmin.ts';

interface Problem {
  /** Capacity per link id. */
  caps: number[];
  /** Each flow's link ids (in path order) and its cap (Infinity: none). */
  flows: { links: number[]; cap: number; level?: number; weight?: number }[];
}

/** Solves `p` with the flows listed in `order` (caller's ids are the indices into p.flows); rates by flow index. */
function solve(p: Problem, order = p.flows.map((_, i) => i)): number[] {
  const mm = new MaxMinSolver(p.caps.length);
  mm.reset();
  for (const i of order) {
    const f = p.flows[i];
    const j = mm.addFlow(i, f.cap);
    if (f.level !== undefined || f.weight !== undefined) mm.setClass(j, f.level ?? 0, f.weight ?? 1);
  }
  for (let l = 0; l < p.caps.length; l++) {
    const on = order.filter((i) => p.flows[i].links.includes(l));
    if (on.length === 0) continue;
    mm.addLink(l, p.caps[l]);
    for (const i of on) mm.linkFlow(mm.local(i));
  }
  for (const i of order) {
    mm.flowLinks(mm.local(i));
    for (const l of p.flows[i].links) mm.flowLink(l);
  }
  mm.solve();
  return p.flows.map((_, i) => mm.rate[mm.local(i)]);
}

/** Max-min optimality (Bertsekas and Gallager 6.5.2): no link over capacity, and every flow is at its cap or has a
 * saturated link on which no flow gets more. Counted from the rates, not from the solver's own steps. */
function checkMaxMin(p: Problem, rate: number[]): void {
  const eps = 1e-9;
  const load = p.caps.map(() => 0);
  const max = p.caps.map(() => 0);
  p.flows.forEach((f, i) => {
    for (const l of f.links) {
      load[l] += rate[i];
      max[l] = Math.max(max[l], rate[i]);
    }
  });
  load.forEach((x, l) => {
    expect(x, `link ${l}: load ${x} of ${p.caps[l]}`).toBeLessThanOrEqual(p.caps[l] * (1 + eps) + eps);
  });
  p.flows.forEach((f, i) => {
    const atCap = rate[i] >= f.cap * (1 - eps);
    const bottleneck = f.links.some((l) => load[l] >= p.caps[l] * (1 - eps) && rate[i] >= max[l] * (1 - eps));
    expect(atCap || bottleneck, `flow ${i} (rate ${rate[i]}) has no bottleneck`).toBe(true);
  });
}

describe('max-min solver (progressive filling, Bertsekas and Gallager 6.5.2)', () => {
  it('gives each flow its fair share of its bottleneck and the rest of the other links to the others', () => {
    // Link 0 (1 unit) shared by flows 0 and 1; link 1 (2 units) by flows 1 and 2: 1/2, 1/2, then 3/2.
    const p: Problem = {
      caps: [1, 2],
      flows: [
        { links: [0], cap: Number.POSITIVE_INFINITY },
        { links: [0, 1], cap: Number.POSITIVE_INFINITY },
        { links: [1], cap: Number.POSITIVE_INFINITY },
      ],
    };
    expect(solve(p)).toEqual([0.5, 0.5, 1.5]);
  });

  it('stops a flow at its cap and gives what it leaves to the others on its links', () => {
    const p: Problem = {
      caps: [1],
      flows: [
        { links: [0], cap: 0.25 },
        { links: [0], cap: Number.POSITIVE_INFINITY },
        { links: [0], cap: Number.POSITIVE_INFINITY },
      ],
    };
    expect(solve(p)).toEqual([0.25, 0.375, 0.375]);
  });

  it('gives a link of capacity 0 (down) rate 0 to its flows and leaves the others their share', () => {
    const p: Problem = {
      caps: [0, 4],
      flows: [
        { links: [0, 1], cap: Number.POSITIVE_INFINITY },
        { links: [1], cap: Number.POSITIVE_INFINITY },
      ],
    };
    expect(solve(p)).toEqual([0, 4]);
  });

  it('satisfies max-min optimality on random problems, bit for bit the same in any listing order', () => {
    const rnd = createRandom(7, 'maxmin-test');
    for (let trial = 0; trial < 200; trial++) {
      const nl = 1 + rnd.int(12);
      // Capacities from a small set, so that equal shares (ties) are common.
      const caps = Array.from({ length: nl }, () => [1, 2, 3, 10][rnd.int(4)]);
      const flows = Array.from({ length: 1 + rnd.int(20) }, () => {
        const links = [...new Set(Array.from({ length: 1 + rnd.int(4) }, () => rnd.int(nl)))];
        return { links, cap: rnd.int(3) === 0 ? 0.5 + rnd.int(4) : Number.POSITIVE_INFINITY };
      });
      const p: Problem = { caps, flows };
      const rate = solve(p);
      checkMaxMin(p, rate);
      expect(
        solve(
          p,
          flows.map((_, i) => flows.length - 1 - i),
        ),
      ).toEqual(rate);
    }
  });

  it('reuses its arrays across problems of different sizes', () => {
    const mm = new MaxMinSolver(4);
    const big: Problem = {
      caps: [100, 100, 100, 100],
      flows: Array.from({ length: 300 }, (_, i) => ({ links: [i % 4], cap: Number.POSITIVE_INFINITY })),
    };
    const small: Problem = { caps: [1, 1, 1, 1], flows: [{ links: [2, 3], cap: Number.POSITIVE_INFINITY }] };
    for (const p of [big, small, big]) {
      mm.reset();
      p.flows.forEach((f, i) => {
        mm.addFlow(i, f.cap);
      });
      for (let l = 0; l < 4; l++) {
        mm.addLink(l, p.caps[l]);
        p.flows.forEach((f, i) => {
          if (f.links.includes(l)) mm.linkFlow(i);
        });
      }
      p.flows.forEach((f, i) => {
        mm.flowLinks(i);
        for (const l of f.links) mm.flowLink(l);
      });
      mm.solve();
      expect(Array.from(mm.rate.subarray(0, p.flows.length))).toEqual(p === big ? p.flows.map(() => 100 / 75) : [1]);
    }
  });

  describe('traffic classes: strict priority levels in turn, weighted max-min within a level', () => {
    const INF = Number.POSITIVE_INFINITY;
    // Closed forms for two flows on one link of capacity C = 10 (exact in binary floating point).
    it('equal classes split the link evenly: C/2 each', () => {
      expect(
        solve({
          caps: [10],
          flows: [
            { links: [0], cap: INF, level: 0 },
            { links: [0], cap: INF, level: 0 },
          ],
        }),
      ).toEqual([5, 5]);
    });
    it('strict priority: the higher class takes the link, the lower gets the residual 0', () => {
      expect(
        solve({
          caps: [10],
          flows: [
            { links: [0], cap: INF, level: 1 },
            { links: [0], cap: INF, level: 0 },
          ],
        }),
      ).toEqual([0, 10]);
    });
    it('strict priority with a capped higher class: the lower class gets C - cap', () => {
      expect(
        solve({
          caps: [10],
          flows: [
            { links: [0], cap: 2.5, level: 0 },
            { links: [0], cap: INF, level: 1 },
          ],
        }),
      ).toEqual([2.5, 7.5]);
    });
    it('weights split a level in proportion: 3:1 gives 3C/4 and C/4', () => {
      expect(
        solve({
          caps: [10],
          flows: [
            { links: [0], cap: INF, weight: 3 },
            { links: [0], cap: INF, weight: 1 },
          ],
        }),
      ).toEqual([7.5, 2.5]);
    });
    it('the lower level is max-min fair on the residual capacities of a two-link path', () => {
      // High flow on link 0 (C 10) at cap 4; low flows: A on links 0 and 1 (C 3), B on link 1. Residual: link 0
      // 6, link 1 3; A and B share link 1 at 1.5 each (A's link 0 residual 6 does not bind).
      const r = solve({
        caps: [10, 3],
        flows: [
          { links: [0], cap: 4, level: 0 },
          { links: [0, 1], cap: INF, level: 1 },
          { links: [1], cap: INF, level: 1 },
        ],
      });
      expect(r).toEqual([4, 1.5, 1.5]);
    });
    it('level 0 with weight 1 everywhere gives the unclassed rates bit for bit', () => {
      const rng = createRandom(7, 'maxmin', 'classes');
      const caps = Array.from({ length: 6 }, () => 1 + rng.uniform() * 9);
      const flows = Array.from({ length: 20 }, () => ({
        links: [Math.floor(rng.uniform() * 6), Math.floor(rng.uniform() * 6)].filter((l, k, a) => a.indexOf(l) === k),
        cap: rng.uniform() < 0.3 ? rng.uniform() * 3 : INF,
      }));
      const plain = solve({ caps, flows });
      const classed = solve({ caps, flows: flows.map((f) => ({ ...f, level: 0, weight: 1 })) });
      expect(classed).toEqual(plain);
    });
    it('random classed problems: no link over capacity, and each level max-min on what the levels above left', () => {
      const rng = createRandom(11, 'maxmin', 'classes');
      for (let trial = 0; trial < 30; trial++) {
        const caps = Array.from({ length: 5 }, () => 1 + rng.uniform() * 9);
        const flows = Array.from({ length: 12 }, () => ({
          links: [Math.floor(rng.uniform() * 5), Math.floor(rng.uniform() * 5)].filter((l, k, a) => a.indexOf(l) === k),
          cap: rng.uniform() < 0.3 ? rng.uniform() * 3 : INF,
          level: Math.floor(rng.uniform() * 3),
        }));
        const rate = solve({ caps, flows });
        // Level by level: on the capacity the levels above left, the level's rates are max-min optimal.
        const left = caps.slice();
        for (let lv = 0; lv < 3; lv++) {
          const idx = flows.map((f, i) => (f.level === lv ? i : -1)).filter((i) => i >= 0);
          checkMaxMin(
            { caps: left.slice(), flows: idx.map((i) => flows[i]) },
            idx.map((i) => rate[i]),
          );
          // Residue below 1e-9 of a float sum is a saturated link (the solver leaves it exactly 0).
          for (const i of idx)
            for (const l of flows[i].links) left[l] = left[l] - rate[i] < 1e-9 ? 0 : left[l] - rate[i];
        }
      }
    });
  });
});
