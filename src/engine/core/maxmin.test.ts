import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import { MaxMinSolver } from './maxmin.ts';

interface Problem {
  /** Capacity per link id. */
  caps: number[];
  /** Each flow's link ids (in path order) and its cap (Infinity: none). */
  flows: { links: number[]; cap: number }[];
}

/** Solves `p` with the flows listed in `order` (caller's ids are the indices into p.flows); rates by flow index. */
function solve(p: Problem, order = p.flows.map((_, i) => i)): number[] {
  const mm = new MaxMinSolver(p.caps.length);
  mm.reset();
  for (const i of order) mm.addFlow(i, p.flows[i].cap);
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
});
