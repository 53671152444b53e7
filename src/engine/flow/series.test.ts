// Per-link byte series of the flow engine (series.ts): exact for piecewise-constant rates, so a lone flow's
// windows are its link's payload capacity times the window (closed form), every link's series sums to the bytes
// the engine's own link accounting gives it, no window carries more than the link's capacity, and asking for
// series (which turns the chain off) changes no other number of the result.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Result } from '../../result/types.ts';
import { parseScenario } from '../../scenario/load.ts';
import { compileTraffic } from '../../workload/compile.ts';
import { runEngine } from '../index.ts';
import { runFlow } from './engine.ts';

const catalog = loadCatalog();
const US = 1e6; // ps

function run(yaml: string, windowPs?: number, hostLinksOnly = false): Result {
  const s = parseScenario(yaml, catalog);
  const d = designFabric(s.fabric, catalog);
  const opts = windowPs === undefined ? { seed: 1 } : { seed: 1, linkSeries: { windowPs, hostLinksOnly } };
  return runEngine('flow', d.fabric, compileTraffic(s, d.fabric), s, catalog, opts);
}

const FABRIC = 'fabric: {topology: leaf-spine, hosts: 32, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}';
// The job's two iterations: rings on every rail, compute gaps between them, shared links while buckets overlap.
const JOB = `${FABRIC}\ntraffic: [{job: {params: 5e7, bytesPerGrad: 2, dp: 32, stepCompute: 2ms, buckets: 4, iterations: 2}}]\n`;
// 16 senders into one receiver: flows share links and change rates as they finish.
const INCAST = `${FABRIC}\ntraffic: [{pattern: incast, senders: [h1, h2, h3, h4, h5, h6, h7, h17, h18, h19, h20, h21, h22, h23, h24, h25], receiver: h0, bytes: 1MB}]\n`;

describe('flow engine link byte series', () => {
  it("a lone flow fills each whole window at its link's payload capacity (rate x mtu / frame, closed form)", () => {
    const r = run(`${FABRIC}\ntraffic: [{flows: [{src: h0, dst: h9, bytes: 1MB}]}]\n`, US);
    // 400 Gb/s x 4096 / (4096 + 62 + 20) payload, in bytes per us; 1 MB takes about 20.4 us.
    const perUs = (400e9 / 8 / 1e6) * (4096 / 4178);
    const s = r.linkSeries?.links.find((l) => l.link.startsWith('h0:'));
    expect(s).toBeDefined();
    if (!s) return;
    const whole = Math.floor(1e6 / perUs);
    // The engine's send times are whole picoseconds: 1 ps in the flow's 20.4 us is 5e-8 of its rate.
    // Per window, expect (the same assertion) is called only for one off: tens of thousands of windows in this file.
    for (let k = 0; k < whole; k++)
      if (!(Math.abs(s.bytes[k] / perUs - 1) < 1e-7))
        expect(Math.abs(s.bytes[k] / perUs - 1), `window ${k}`).toBeLessThan(1e-7);
    expect(Math.abs(s.bytes[whole] - (1e6 - whole * perUs))).toBeLessThan(1); // the same 5e-8, over 1 MB
    expect(s.bytes.reduce((a, b) => a + b, 0)).toBeCloseTo(1e6, 3);
  });

  for (const [name, yaml] of [
    ['a data-parallel job', JOB],
    ['a 16:1 incast', INCAST],
  ] as const)
    it(`${name}: each link's series sums to its bytes, no window exceeds the link's capacity, nothing else changes`, () => {
      const plain = run(yaml);
      const r = run(yaml, 100 * US);
      const { linkSeries, stats: _a, ...rest } = r;
      const { stats: _b, ...plainRest } = plain;
      expect(rest).toEqual(plainRest);
      const series = new Map((linkSeries?.links ?? []).map((l) => [l.link, l.bytes]));
      expect(series.size).toBe(plain.links?.length);
      for (const l of plain.links ?? []) {
        const s = series.get(l.link) ?? [];
        // Sums of up to thousands of float credits: 1e-9 relative.
        expect(Math.abs(s.reduce((a, b) => a + b, 0) / l.bytes - 1)).toBeLessThan(1e-9);
        const capPerWindow = (l.rateGbps * 1e9 * 100e-6) / 8;
        for (const b of s)
          if (!(b <= capPerWindow * (1 + 1e-9))) expect(b).toBeLessThanOrEqual(capPerWindow * (1 + 1e-9));
      }
    });

  it('the chain of solo ring hops books the same series as repetition-by-repetition events (to 1e-9)', () => {
    // chain.test.ts's oversubscribed leaf-spine job: its rings share uplinks, so hops are solo and chained.
    const sc = parseScenario(
      'fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g, oversubscription: 2}\ntraffic: [{job: {params: 1e8, bytesPerGrad: 2, dp: 64, stepCompute: 2ms, buckets: 4, iterations: 2}}]\n',
      catalog,
    );
    const d = designFabric(sc.fabric, catalog);
    const diagnostics = { chainedRepetitions: 0 };
    const series = (chain: boolean) =>
      runFlow(d.fabric, compileTraffic(sc, d.fabric), sc, catalog, {
        seed: 1,
        chain,
        linkSeries: { windowPs: 100 * US },
        diagnostics,
      }).linkSeries?.links ?? [];
    const on = series(true);
    expect(diagnostics.chainedRepetitions).toBeGreaterThan(0); // the chain took part
    const off = new Map(series(false).map((l) => [l.link, l.bytes]));
    expect(on.length).toBe(off.size);
    for (const l of on) {
      const o = off.get(l.link) ?? [];
      expect(l.bytes.length).toBe(o.length);
      const peak = Math.max(...o);
      for (let k = 0; k < o.length; k++)
        if (!(Math.abs(l.bytes[k] - o[k]) <= 1e-9 * peak))
          expect(Math.abs(l.bytes[k] - o[k]), `window ${k}`).toBeLessThanOrEqual(1e-9 * peak);
    }
  });

  it('hostLinksOnly records the links from hosts to their switch only', () => {
    const r = run(JOB, 100 * US, true);
    const links = r.linkSeries?.links ?? [];
    expect(links.length).toBe(32);
    for (const l of links) expect(l.link).toMatch(/^h[0-9]+:/);
  });

  it('refuses a window that is not positive', () => {
    expect(() => run(JOB, 0)).toThrow(/windowPs must be > 0/);
  });
});
