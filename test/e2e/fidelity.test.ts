// Issue 4: the three engines agree where they overlap (docs/architecture.md, "Rules that keep it simple"), and
// where they differ a test says why.
import { describe, expect, it } from 'vitest';
import { runYaml } from '../helpers/simulate.ts';

const ring = (hosts: number, bytes: string, extra = '') => `
fabric: {topology: leaf-spine, hosts: ${hosts}, nic: 400G, switch: aurcore-32x400g${extra}}
traffic: [{collective: all-reduce, algorithm: ring, bytes: ${bytes}}]
`;

describe('fidelities agree on a non-blocking fabric: ring all-reduce (issue 4)', () => {
  for (const [p, bytes] of [
    [8, '256MiB'],
    [32, '256MiB'],
    [128, '256MiB'],
  ] as const) {
    it(`${p} ranks, ${bytes}: flow within 2% of the closed form`, () => {
      const a = runYaml(ring(p, bytes), 'analytic').ops?.[0];
      const f = runYaml(ring(p, bytes), 'flow').ops?.[0];
      if (!a || !f) throw new Error('no ops');
      const err = Math.abs(f.timePs - a.timePs) / a.timePs;
      expect(err, `analytic ${a.timePs} ps, flow ${f.timePs} ps`).toBeLessThan(0.02);
    });
  }
  for (const [p, bytes] of [
    [8, '32MiB'],
    [32, '32MiB'],
    [128, '16MiB'],
  ] as const) {
    it(`${p} ranks, ${bytes}: packet within 5% of the closed form (framing in both; the packet engine adds ACKs)`, () => {
      const a = runYaml(ring(p, bytes), 'analytic').ops?.[0];
      const pk = runYaml(ring(p, bytes), 'packet');
      const o = pk.ops?.[0];
      if (!a || !o) throw new Error('no ops');
      const err = Math.abs(o.timePs - a.timePs) / a.timePs;
      expect(err, `analytic ${a.timePs} ps, packet ${o.timePs} ps`).toBeLessThan(0.05);
      expect(pk.invariants.every((i) => i.ok)).toBe(true);
    });
  }
});

describe('fidelities agree on the other schedules, powers of two or not (issue 4)', () => {
  // Ranks inside one leaf (16 hosts per aurcore-32x400g leaf), so no flow crosses an ECMP choice: the flow engine
  // runs the compiled schedule (MPICH's fold for p not a power of two, rendezvous exchanges, Bruck steps) and the analytic
  // engine costs the same schedule (scheduleTimeS). Across leaves they part where ECMP collides (below).
  const one = (op: string, algorithm: string, p: number) => `
fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g}
traffic: [{collective: ${op}, algorithm: ${algorithm}, bytes: 64MiB, ranks: ${p}}]
`;
  for (const [op, algorithm] of [
    ['all-reduce', 'recursive-doubling'],
    ['all-reduce', 'rabenseifner'],
    ['reduce-scatter', 'recursive-halving'],
    ['all-gather', 'recursive-doubling'],
    ['all-to-all', 'pairwise'],
    ['all-to-all', 'bruck'],
    ['broadcast', 'binomial'],
    ['broadcast', 'scatter-allgather'],
  ] as const)
    it(`${op} ${algorithm} on 6, 8 and 12 ranks: flow within 0.5% of the analytic engine`, () => {
      for (const p of [6, 8, 12]) {
        const a = runYaml(one(op, algorithm, p), 'analytic').ops?.[0];
        const f = runYaml(one(op, algorithm, p), 'flow').ops?.[0];
        if (!a || !f) throw new Error('no ops');
        const err = Math.abs(f.timePs - a.timePs) / a.timePs;
        expect(err, `p=${p}: analytic ${a.timePs} ps, flow ${f.timePs} ps`).toBeLessThan(0.005);
      }
    });
});

describe('where fidelities differ, the reason is measurable', () => {
  // 32 hosts on 4:1 oversubscribed leaves, ranks placed at random: most ring hops cross leaves. The analytic
  // engine assumes perfectly balanced ECMP over the uplinks; the flow engine hashes each QP onto one uplink,
  // and collisions leave some uplinks with more flows than the balanced share.
  const yaml = `
fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g, oversubscription: 4}
traffic: [{collective: all-reduce, algorithm: ring, bytes: 64MiB, placement: random}]
`;
  it('ECMP collisions make the flow engine slower than the balanced closed form on an oversubscribed fabric', () => {
    const a = runYaml(yaml, 'analytic').ops?.[0];
    const fr = runYaml(yaml, 'flow');
    const f = fr.ops?.[0];
    if (!a || !f) throw new Error('no ops');
    expect(f.timePs).toBeGreaterThan(a.timePs * 1.05);
    // The evidence: uplinks carry unequal byte counts (perfect balance would give equal loads).
    const up = (fr.links ?? []).filter((l) => l.tiers === 'leaf-spine').map((l) => l.bytes);
    expect(up.length).toBeGreaterThan(1);
    const max = Math.max(...up);
    const mean = up.reduce((s, x) => s + x, 0) / up.length;
    expect(max / mean, `max ${max} B, mean ${mean} B over ${up.length} uplinks`).toBeGreaterThan(1.5);
  });
  it('rails meet on a non-blocking leaf-spine: 8 DP rings (one per rail) collide on leaf uplinks, and a collided ring runs at half speed; a rail-optimized fabric keeps them apart', () => {
    // 64 servers of 8 GPUs, tp 8: rail t's DP ring crosses from leaf to leaf (8 servers per leaf) on its own
    // flow; the 8 rails' crossing flows hash onto the leaf's 64 uplinks, and two on one uplink share it. The
    // analytic engine assumes balanced ECMP, as does the flow engine's run on the rail-optimized fabric, where
    // each rail has its own leaves. No protocol (protocol: none): the collision's factor 2 is on bandwidth alone.
    const job = (topology: string) => `
fabric: {topology: ${topology}, hosts: 512, nic: 400G, switch: generic-128x400g, spineSwitch: generic-144x800g, gpusPerNode: 8}
traffic: [{job: {params: 8e9, bytesPerGrad: 2, tp: 8, dp: 64, stepCompute: 100ms, algorithm: ring, protocol: none}}]
`;
    const rings = (r: ReturnType<typeof runYaml>) =>
      (r.ops ?? []).filter((o) => o.label.startsWith('gradient')).map((o) => o.timePs);
    const a = rings(runYaml(job('leaf-spine'), 'analytic'));
    const rail = runYaml(job('rail-optimized'), 'flow');
    const ls = runYaml(job('leaf-spine'), 'flow');
    expect(a.length).toBe(8);
    for (const t of rings(rail)) expect(Math.abs(t - a[0]) / a[0]).toBeLessThan(0.005);
    const lsRings = rings(ls);
    const slow = Math.max(...lsRings);
    const fast = Math.min(...lsRings);
    console.log(
      `8 DP rings on a leaf-spine: ${lsRings.map((t) => (t / 1e9).toFixed(2)).join(', ')} ms (rail-optimized and analytic: ${(a[0] / 1e9).toFixed(2)} ms); iteration ${((ls.iterations?.[0].timePs ?? 0) / 1e9).toFixed(2)} vs ${((rail.iterations?.[0].timePs ?? 0) / 1e9).toFixed(2)} ms`,
    );
    expect(Math.abs(fast - a[0]) / a[0]).toBeLessThan(0.005); // a ring that met no other rail
    expect(Math.abs(slow / a[0] - 2)).toBeLessThan(0.02); // one that did: half the rate on its crossing hop
    expect(ls.iterations?.[0].timePs ?? 0).toBeGreaterThan(1.3 * (rail.iterations?.[0].timePs ?? 0));
    // The evidence: some leaf uplink carried twice the bytes of a single ring's crossing flow.
    const up = (ls.links ?? []).filter((l) => l.tiers === 'leaf-spine' && l.bytes > 0).map((l) => l.bytes);
    expect(Math.max(...up) / Math.min(...up)).toBeCloseTo(2, 6);
  });
  it('oversubscription is what the analytic engine charges: 4:1 is slower than 1:1 for random placement', () => {
    const one = runYaml(yaml.replace('oversubscription: 4', 'oversubscription: 1'), 'analytic').ops?.[0];
    const four = runYaml(yaml, 'analytic').ops?.[0];
    if (!one || !four) throw new Error('no ops');
    expect(four.timePs).toBeGreaterThan(one.timePs * 2);
  });
});
