import { describe, expect, it } from 'vitest';
import { accessAgg96 } from '../../../test/helpers/fabrics.ts';
import { ecmpPath } from '../../../test/helpers/paths.ts';
import { createRandom } from '../../base/random.ts';
import { loadCatalog } from '../../catalog/index.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import { networkSchema } from '../../scenario/schema.ts';
import { resolveNetwork } from '../core/network.ts';
import { FluidNetwork, type FluidStats } from './fluid.ts';

const catalog = loadCatalog();
const NET = networkSchema.parse({});
const US = 1000;
const MS = 1e6;

// An inference fabric: 2 access switches of 48 x 25G hosts, 8 x 100G uplinks each (4 parallel to each of 2
// aggregation switches, 1.5:1 oversubscribed), and border0 behind 8 x 100G links per aggregation switch.
const AA = accessAgg96(catalog);
const B = AA.border as NodeId;
const h = (i: number) => AA.hosts[i] as NodeId;

// Expected numbers come from the fabric's links and the catalog, never from the network under test: payload
// bytes per ns of a link with full-MTU frames, and the last frame's latency along a path.
const FRAME_EXTRA = NET.headerBytes + NET.wireOverheadBytes;
const capNs = (rateBps: number) => ((rateBps / 8e9) * NET.mtu) / (NET.mtu + FRAME_EXTRA);
const C25 = capNs(25e9);

function network(f: Fabric, scenarioNetwork?: Record<string, unknown>) {
  return resolveNetwork(scenarioNetwork ? networkSchema.parse(scenarioNetwork) : undefined, f, catalog);
}

/** Directed link ids of a path (2 l from the link's a end, 2 l + 1 from its b end). */
function directed(f: Fabric, path: number[], src: NodeId): number[] {
  let at: number = src;
  return path.map((l) => {
    const d = f.links[l].a === at ? 2 * l : 2 * l + 1;
    at = f.peer(f.links[l].id, at as NodeId);
    return d;
  });
}

/** Per hop: one frame (min(bytes, mtu) + headers) serialized, 5 ns/m of cable, the receiving switch's latency. */
function latencyNs(f: Fabric, path: number[], src: NodeId, bytes: number): number {
  const frame = Math.min(bytes, NET.mtu) + FRAME_EXTRA;
  let ns = 0;
  let at: number = src;
  for (const l of path) {
    const link = f.links[l];
    at = f.peer(link.id, at as NodeId);
    ns += (frame * 8e9) / link.rateBps + link.lengthM * 5;
    const node = f.nodes[at];
    if (node.role !== 'host' && node.role !== 'border') ns += catalog.switches.get(node.model!)!.latencyPs / 1000;
  }
  return ns;
}

const pathLat = (src: NodeId, dst: NodeId, hash: number, bytes: number) =>
  latencyNs(AA, ecmpPath(AA, src, dst, hash), src, bytes);

interface Done {
  t: number;
  ok: boolean;
}

/** Runs everything due up to `until`, recording each tag's delivery time and outcome. */
function runTo(nw: FluidNetwork, done: Map<number, Done>, until = Number.POSITIVE_INFINITY): void {
  for (;;) {
    const t = nw.nextTime();
    if (t === Number.POSITIVE_INFINITY || t > until) break;
    nw.advance(t, (tag, ok, at) => done.set(tag, { t: at, ok }));
  }
  if (until !== Number.POSITIVE_INFINITY) nw.advance(until, (tag, ok, at) => done.set(tag, { t: at, ok }));
}

interface Start {
  t: number;
  src: NodeId;
  dst: NodeId;
  bytes: number;
  hash: number;
}

/** Starts the transfers at their times (tag = index), interleaved with the network's own events. */
function simulate(nw: FluidNetwork, starts: Start[]): Map<number, Done> {
  const done = new Map<number, Done>();
  const rec = (tag: number, ok: boolean, at: number) => done.set(tag, { t: at, ok });
  let i = 0;
  for (;;) {
    const tn = nw.nextTime();
    const ts = i < starts.length ? starts[i].t : Number.POSITIVE_INFINITY;
    if (tn === Number.POSITIVE_INFINITY && ts === Number.POSITIVE_INFINITY) break;
    if (ts <= tn) {
      const s = starts[i];
      nw.start(s.t, s.src, s.dst, s.bytes, s.hash, i++);
    } else nw.advance(tn, rec);
  }
  return done;
}

function bytesBalance(s: FluidStats): number {
  return s.bytesStarted - (s.bytesDelivered + s.bytesFailed + s.bytesInFlight);
}

describe('fluid network: one transfer on an idle fabric', () => {
  it('is delivered at bytes / payload rate + path latency, to 1 ns (host to border, border to host, host to host)', () => {
    const nw = new FluidNetwork(AA, network(AA));
    const S = 10e6;
    const cases: [NodeId, NodeId, number][] = [
      [h(5), B, 0x1234],
      [B, h(70), 0xbeef],
      [h(3), h(90), 0x777],
    ];
    const t0 = [1000, 5 * MS, 10 * MS];
    const done = new Map<number, Done>();
    cases.forEach(([src, dst, hash], i) => {
      runTo(nw, done, t0[i]);
      nw.start(t0[i], src, dst, S, hash, i);
      runTo(nw, done, t0[i] + 4 * MS);
    });
    cases.forEach(([src, dst, hash], i) => {
      // The bottleneck of every path is a 25G host link; the delivery is rounded up to the next ns.
      const want = t0[i] + S / C25 + pathLat(src, dst, hash, S);
      expect(done.get(i)?.ok).toBe(true);
      expect(Math.abs(done.get(i)!.t - want), `case ${i}: got ${done.get(i)?.t}, want ${want}`).toBeLessThanOrEqual(1);
      expect(nw.unloadedDelayNs(src, dst, S, hash)).toBe(Math.ceil(want - t0[i]));
    });
    // The bytes of each transfer on each directed link of its path, and nowhere else.
    const st = nw.stats();
    const carried = new Map<number, number>();
    for (const [src, dst, hash] of cases)
      for (const d of directed(AA, ecmpPath(AA, src, dst, hash), src)) carried.set(d, (carried.get(d) ?? 0) + S);
    for (let d = 0; d < st.linkBytes.length; d++) expect(st.linkBytes[d]).toBeCloseTo(carried.get(d) ?? 0, 3);
    expect(st.transfersDelivered).toBe(3);
    expect(bytesBalance(st)).toBe(0);
  });

  it('a transfer below one MTU stores and forwards its own smaller frame (to 1 ns)', () => {
    const nw = new FluidNetwork(AA, network(AA));
    const S = 1000;
    nw.start(0, h(1), B, S, 42, 0);
    const done = new Map<number, Done>();
    runTo(nw, done);
    const want = S / C25 + pathLat(h(1), B, 42, S);
    expect(Math.abs(done.get(0)!.t - want)).toBeLessThanOrEqual(1);
  });

  it('a message on an idle path takes the unloaded delay; beside 3 flows on its NIC it gets the 4th share', () => {
    const nw = new FluidNetwork(AA, network(AA));
    const M = 200;
    const idle = nw.messageDelayNs(0, h(0), B, M, 9);
    expect(idle).toBe(nw.unloadedDelayNs(h(0), B, M, 9));
    expect(Math.abs(idle - (M / C25 + pathLat(h(0), B, 9, M)))).toBeLessThanOrEqual(1);
    for (let i = 0; i < 3; i++) nw.start(0, h(0), B, 10e6, 100 + i, i);
    // Max-min on h0's 25G link with a 4th flow: C/4 each (the flows' other links are 100G).
    const busy = nw.messageDelayNs(0, h(0), B, M, 9);
    expect(Math.abs(busy - (M / (C25 / 4) + pathLat(h(0), B, 9, M)))).toBeLessThanOrEqual(1);
  });

  it("a message's bytes are counted on each link of its path (link stats), outside the transfers' byte balance", () => {
    const nw = new FluidNetwork(AA, network(AA));
    nw.messageDelayNs(0, h(0), B, 200, 9);
    nw.messageDelayNs(0, h(0), B, 300, 9);
    const path = directed(AA, ecmpPath(AA, h(0), B, 9), h(0));
    const byLink = new Map(nw.linkStats(1 * MS).map((l) => [l.link, l.bytes]));
    expect(byLink.size).toBe(path.length);
    for (const v of byLink.values()) expect(v).toBe(500);
    const st = nw.stats();
    expect(st.messageBytes).toBe(500);
    expect(st.bytesStarted).toBe(0);
    expect(st.linkBytes.every((b) => b === 0)).toBe(true);
  });
});

describe('fluid network: sharing one bottleneck', () => {
  const S = 2e6;

  it('n transfers started together through one 25G link all finish at n x the single time (to 1 ns)', () => {
    for (const n of [2, 5, 16]) {
      const nw = new FluidNetwork(AA, network(AA));
      for (let i = 0; i < n; i++) nw.start(0, h(7), B, S, 1000 + i, i);
      const done = new Map<number, Done>();
      runTo(nw, done);
      for (let i = 0; i < n; i++) {
        const want = (n * S) / C25 + pathLat(h(7), B, 1000 + i, S);
        expect(Math.abs(done.get(i)!.t - want), `n=${n} flow ${i}`).toBeLessThanOrEqual(1);
      }
      expect(nw.stats().peakFlows).toBe(n);
    }
  });

  it('staggered starts: A alone for tau, then both at C/2: A at 2S/C - tau, B at 2S/C (to 2 ns)', () => {
    const tau = 100 * US;
    const nw = new FluidNetwork(AA, network(AA));
    const starts: Start[] = [
      { t: 0, src: B, dst: h(9), bytes: S, hash: 1 },
      { t: tau, src: h(30), dst: h(9), bytes: S, hash: 2 },
    ];
    const done = simulate(nw, starts);
    // A's drain is rounded up to the next ns, so B runs at C/2 for up to 1 ns too long: B is up to 0.5 ns late,
    // plus 1 ns of rounding of its own delivery.
    const wantA = (2 * S) / C25 - tau + pathLat(B, h(9), 1, S);
    const wantB = (2 * S) / C25 + pathLat(h(30), h(9), 2, S);
    expect(Math.abs(done.get(0)!.t - wantA)).toBeLessThanOrEqual(2);
    expect(Math.abs(done.get(1)!.t - wantB)).toBeLessThanOrEqual(2);
  });

  it('contention off: every transfer takes its unloaded delay, shared links or not', () => {
    const nw = new FluidNetwork(AA, network(AA), { contention: false });
    for (let i = 0; i < 4; i++) nw.start(0, h(7), B, S, 1000 + i, i);
    const done = new Map<number, Done>();
    runTo(nw, done);
    for (let i = 0; i < 4; i++) expect(done.get(i)!.t).toBe(nw.unloadedDelayNs(h(7), B, S, 1000 + i));
  });
});

describe('fluid network: max-min fairness (Bertsekas and Gallager 6.5.2)', () => {
  // link1 = h0 -> access0 and link2 = access0 -> h1 (both 25G): the long flow h0 -> h1 crosses both; short
  // flows h0 -> border0 cross link1 only and border0 -> h1 link2 only (their other links are 100G).
  const S = 1e6;
  const lat = (src: NodeId, dst: NodeId, hash: number) => pathLat(src, dst, hash, S);

  it('one long flow over two links and one short flow per link: C/2 each, all done at 2S/C (to 1 ns)', () => {
    const nw = new FluidNetwork(AA, network(AA));
    const flows: [NodeId, NodeId, number][] = [
      [h(0), h(1), 1],
      [h(0), B, 2],
      [B, h(1), 3],
    ];
    flows.forEach(([s, d, hash], i) => {
      nw.start(0, s, d, S, hash, i);
    });
    const done = new Map<number, Done>();
    runTo(nw, done);
    flows.forEach(([s, d, hash], i) => {
      expect(Math.abs(done.get(i)!.t - ((2 * S) / C25 + lat(s, d, hash)))).toBeLessThanOrEqual(1);
    });
  });

  it('asymmetric: two short flows on link1, one on link2: C/3 on link1, the link2 flow gets 2C/3 (to 1 ns)', () => {
    const nw = new FluidNetwork(AA, network(AA));
    const flows: [NodeId, NodeId, number][] = [
      [h(0), h(1), 1],
      [h(0), B, 2],
      [h(0), B, 4],
      [B, h(1), 3],
    ];
    flows.forEach(([s, d, hash], i) => {
      nw.start(0, s, d, S, hash, i);
    });
    const done = new Map<number, Done>();
    runTo(nw, done);
    // Link1's three flows run at C/3 throughout (3S/C); the border flow takes what the long one leaves on
    // link2, 2C/3, until it is done at 1.5 S/C (the long one stays at C/3: link1 is its bottleneck).
    for (let i = 0; i < 3; i++) {
      const [s, d, hash] = flows[i];
      expect(Math.abs(done.get(i)!.t - ((3 * S) / C25 + lat(s, d, hash))), `flow ${i}`).toBeLessThanOrEqual(1);
    }
    expect(Math.abs(done.get(3)!.t - ((1.5 * S) / C25 + lat(B, h(1), 3)))).toBeLessThanOrEqual(1);
  });
});

/**
 * A plain reference: at every event, progressive filling over all active flows and all links (no caps, no
 * regions), each flow's remaining bytes brought up to date at each rate change. It shares only the rounding
 * rule of event times with the network under test: a drain at the next whole ns after its fluid time, the
 * delivery at the next whole ns after the fluid drain time plus the path latency.
 */
function referenceRun(f: Fabric, starts: Start[]): Map<number, Done> {
  const cap = new Float64Array(2 * f.links.length);
  for (const l of f.links) cap[2 * l.id] = cap[2 * l.id + 1] = capNs(l.rateBps);
  interface Flow {
    tag: number;
    path: number[];
    lat: number;
    rem: number;
    rate: number;
    last: number;
    t0: number;
    dt: number;
    drainAt: number;
    fresh: boolean;
  }
  let active: Flow[] = [];
  const done = new Map<number, Done>();
  let i = 0;
  for (;;) {
    let te = i < starts.length ? starts[i].t : Number.POSITIVE_INFINITY;
    for (const fl of active) if (fl.drainAt < te) te = fl.drainAt;
    if (te === Number.POSITIVE_INFINITY) break;
    const still: Flow[] = [];
    for (const fl of active) {
      if (fl.drainAt !== te) {
        still.push(fl);
        continue;
      }
      const at = fl.t0 + Math.max(Math.ceil(fl.dt + fl.lat - 1e-6), 0);
      done.set(fl.tag, { t: at, ok: true });
    }
    active = still;
    while (i < starts.length && starts[i].t === te) {
      const s = starts[i];
      const path = ecmpPath(f, s.src, s.dst, s.hash);
      active.push({
        tag: i++,
        path: directed(f, path, s.src),
        lat: latencyNs(f, path, s.src, s.bytes),
        rem: s.bytes,
        rate: 0,
        last: te,
        t0: te,
        dt: 0,
        drainAt: Number.POSITIVE_INFINITY,
        fresh: true,
      });
    }
    // Progressive filling over everything.
    const left = new Map<number, number>();
    const users = new Map<number, Flow[]>();
    for (const fl of active)
      for (const d of fl.path) {
        left.set(d, cap[d]);
        users.set(d, [...(users.get(d) ?? []), fl]);
      }
    const rate = new Map<Flow, number>();
    while (rate.size < active.length) {
      let best = -1;
      let share = Number.POSITIVE_INFINITY;
      for (const [d, fls] of users) {
        const n = fls.filter((x) => !rate.has(x)).length;
        if (n > 0 && left.get(d)! / n < share) {
          share = left.get(d)! / n;
          best = d;
        }
      }
      for (const fl of users.get(best)!) {
        if (rate.has(fl)) continue;
        rate.set(fl, share);
        for (const d of fl.path) left.set(d, Math.max(left.get(d)! - share, 0));
      }
    }
    for (const fl of active) {
      const r = rate.get(fl)!;
      if (r === fl.rate && !fl.fresh) continue;
      fl.fresh = false;
      fl.rem = Math.max(fl.rem - fl.rate * (te - fl.last), 0);
      if (fl.rem < 1e-6) fl.rem = 0;
      fl.last = te;
      fl.rate = r;
      fl.t0 = te;
      fl.dt = fl.rem / r;
      fl.drainAt = te + Math.max(Math.ceil(fl.dt - 1e-6), 0);
    }
  }
  return done;
}

/** Random transfers on the 96-host fabric: hot destinations so that host links, uplinks and border links bind. */
function randomStarts(seed: number, n: number, meanGapNs: number, meanBytes: number): Start[] {
  const rng = createRandom(seed, 'fluid-test');
  const hot = [h(0), h(1), h(50), h(95)];
  const starts: Start[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += Math.round(rng.exp(meanGapNs));
    const kind = rng.int(3);
    const src = kind === 1 ? B : h(rng.int(96));
    let dst = kind === 0 ? B : hot[rng.int(4)];
    if (dst === src) dst = B;
    starts.push({ t, src, dst, bytes: 1 + Math.round(rng.exp(meanBytes)), hash: rng.u32() });
  }
  return starts;
}

describe('fluid network: the fast path and local solves equal a full solve', () => {
  it('400 random transfers (x 3 seeds) on an oversubscribed fabric: delivery times equal within 1e-9 relative', () => {
    for (const seed of [1, 2, 3]) {
      const starts = randomStarts(seed, 400, 2000, 1e6);
      const nw = new FluidNetwork(AA, network(AA));
      const got = simulate(nw, starts);
      const want = referenceRun(AA, starts);
      const st = nw.stats();
      // Both paths of the code ran: flows at their cap without a solve, and water-filled components.
      expect(st.solves).toBeGreaterThan(100);
      expect(st.peakFlows).toBeGreaterThan(50);
      let worst = 0;
      for (let i = 0; i < starts.length; i++) {
        const a = got.get(i)!.t;
        const b = want.get(i)!.t;
        worst = Math.max(worst, Math.abs(a - b) / b);
      }
      expect(worst, `seed ${seed}`).toBeLessThanOrEqual(1e-9);
      expect(st.transfersDelivered).toBe(400);
      expect(Math.abs(bytesBalance(st))).toBeLessThanOrEqual(1e-6);
    }
  });
});

describe('fluid network: processor sharing (M/M/1-PS, Kleinrock 1976, vol. 2, 4.4)', () => {
  // Poisson arrivals of exponentially sized transfers from random hosts to h0: max-min on h0's 25G link alone
  // is processor sharing, so the mean transfer time (without the path latency) is E[S]/C / (1 - rho).
  const meanBytes = 1e6;
  function psRun(rho: number, n: number, seed: number): { mean: number; want: number } {
    const rng = createRandom(seed, 'ps', rho);
    const gap = meanBytes / C25 / rho;
    const starts: Start[] = [];
    let t = 0;
    for (let i = 0; i < n; i++) {
      t += Math.round(rng.exp(gap));
      starts.push({ t, src: h(1 + rng.int(95)), dst: h(0), bytes: Math.ceil(rng.exp(meanBytes)), hash: rng.u32() });
    }
    const nw = new FluidNetwork(AA, network(AA));
    const done = simulate(nw, starts);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const s = starts[i];
      sum += done.get(i)!.t - s.t - pathLat(s.src, s.dst, s.hash, s.bytes);
    }
    const st = nw.stats();
    expect(st.transfersDelivered).toBe(n);
    expect(Math.abs(bytesBalance(st))).toBeLessThanOrEqual(1e-6 * st.bytesStarted);
    // The closed form with the nominal E[S] (ceil adds half a byte).
    return { mean: sum / n, want: (meanBytes + 0.5) / C25 / (1 - rho) };
  }

  // The sample mean of correlated sojourn times is noisy: over 8 seeds its error stayed within 1.1% (load 0.5,
  // 200,000 transfers) and 2.2% (load 0.8, 200,000), so load 0.8 runs 500,000 (within 1.5% over 4 seeds).
  for (const [rho, n] of [
    [0.5, 200_000],
    [0.8, 500_000],
  ])
    it(`load ${rho}, ${n.toLocaleString('en-US')} transfers: mean transfer time = E[S]/C / (1 - rho) within 3%`, () => {
      const { mean, want } = psRun(rho, n, 11);
      expect(Math.abs(mean / want - 1), `mean ${mean} ns, want ${want} ns`).toBeLessThanOrEqual(0.03);
    });
});

describe('fluid network: failures', () => {
  const S = 10e6;
  const hash = 0x5151;
  const path = ecmpPath(AA, h(0), B, hash);
  const up = AA.links[path[1]]; // the access0 -> aggregation uplink the hash picks
  const parallel = AA.links.filter((l) => l.a === up.a && l.b === up.b);
  const failure = {
    link: `${AA.nodes[up.a].name}-${AA.nodes[up.b].name}`,
    index: parallel.findIndex((l) => l.id === up.id),
    at: '1ms',
  };
  // Every access -> aggregation -> border path has the same links (100G, 30 m then 150 m): the same latency.
  const lat = pathLat(h(0), B, hash, S);

  it('a failed uplink stalls the flow; it moves after the detection delay and is delivered S/C + 50 us later (to 2 ns)', () => {
    const nw = new FluidNetwork(AA, network(AA, { failures: [failure], detectionDelay: '50us' }));
    nw.start(0, h(0), B, S, hash, 0);
    const done = new Map<number, Done>();
    runTo(nw, done, 1 * MS + 10 * US);
    // Stalled: the message on that path waits for the detection.
    expect(nw.messageDelayNs(1 * MS + 10 * US, h(0), B, 100, hash)).toBeGreaterThanOrEqual(40 * US);
    runTo(nw, done);
    // Stall and resume happen at whole ns: 1 ns for the rounding of the delivery, 1 for the stall.
    expect(Math.abs(done.get(0)!.t - (S / C25 + 50 * US + lat))).toBeLessThanOrEqual(2);
    const st = nw.stats();
    const failedUp = 2 * up.id;
    expect(st.linkBytes[failedUp] / (C25 * MS) - 1).toBeCloseTo(0, 6);
    let uplinks = 0;
    for (const l of AA.links)
      if (l.a === up.a && AA.nodes[l.b].role === 'aggregation') uplinks += st.linkBytes[2 * l.id];
    expect(uplinks / S - 1).toBeCloseTo(0, 9);
    expect(bytesBalance(st)).toBe(0);
  });

  it('a link that recovers before the detection: the flow resumes on it, 20 us late (to 2 ns)', () => {
    const nw = new FluidNetwork(AA, network(AA, { failures: [{ ...failure, until: '1020us' }] }));
    nw.start(0, h(0), B, S, hash, 0);
    const done = new Map<number, Done>();
    runTo(nw, done);
    expect(Math.abs(done.get(0)!.t - (S / C25 + 20 * US + lat))).toBeLessThanOrEqual(2);
  });

  it("a message takes the routing view's path: off the failed uplink once detected, back on it after the repair", () => {
    // The message path cache must follow the view: a path cached before the failure (or during it) is stale after.
    const nw = new FluidNetwork(AA, network(AA, { failures: [{ ...failure, until: '3ms' }], detectionDelay: '50us' }));
    const done = new Map<number, Done>();
    const upName = `${AA.nodes[up.a].name}:${up.aPort} -> ${AA.nodes[up.b].name}:${up.bPort}`;
    const upBytes = (t: number) => nw.linkStats(t).find((l) => l.link === upName)?.bytes ?? 0;
    const M = 100;
    for (const [t, want] of [
      [0, M], // before the failure: the hash's uplink
      [2 * MS, M], // after its detection: another uplink
      [4 * MS, 2 * M], // after the repair's detection: the hash's uplink again
    ]) {
      runTo(nw, done, t);
      expect(nw.messageDelayNs(t, h(0), B, M, hash)).toBe(nw.unloadedDelayNs(h(0), B, M, hash));
      expect(upBytes(t), `${t} ns`).toBe(want);
    }
    expect(nw.stats().messageBytes).toBe(3 * M);
  });

  it('a failed access switch: transfers to and from its hosts fail at detection, new ones at once; bytes balance', () => {
    const nw = new FluidNetwork(AA, network(AA, { failures: [{ switch: 'access0', at: '1ms' }] }));
    const done = new Map<number, Done>();
    const check = () => expect(Math.abs(bytesBalance(nw.stats()))).toBeLessThanOrEqual(1e-6);
    nw.start(0, B, h(0), S, 1, 0); // cut mid-transfer: fails when the routing learns, at 1.05 ms
    nw.start(0, B, h(60), S, 2, 1); // access1: unaffected
    check();
    runTo(nw, done, 1 * MS + 10 * US);
    nw.start(1 * MS + 10 * US, h(1), B, S, 3, 2); // after the failure, before detection: stalls, then fails
    check();
    runTo(nw, done, 2 * MS);
    expect(nw.unloadedDelayNs(B, h(2), S, 4)).toBe(Number.POSITIVE_INFINITY);
    expect(nw.messageDelayNs(2 * MS, B, h(2), 100, 4)).toBe(Number.POSITIVE_INFINITY);
    nw.start(2 * MS, B, h(2), S, 4, 3); // after detection: fails at once
    check();
    expect(nw.nextTime()).toBe(2 * MS);
    runTo(nw, done);
    check();
    expect(done.get(0)).toEqual({ t: 1 * MS + 50 * US, ok: false });
    expect(done.get(2)).toEqual({ t: 1 * MS + 50 * US, ok: false });
    expect(done.get(3)).toEqual({ t: 2 * MS, ok: false });
    expect(done.get(1)!.ok).toBe(true);
    expect(Math.abs(done.get(1)!.t - (S / C25 + pathLat(B, h(60), 2, S)))).toBeLessThanOrEqual(1);
    const st = nw.stats();
    expect([st.transfersStarted, st.transfersDelivered, st.transfersFailed, st.transfersActive]).toEqual([4, 1, 3, 0]);
    expect([st.bytesDelivered, st.bytesFailed, st.bytesInFlight]).toEqual([S, 3 * S, 0]);
  });
});

describe('fluid network: determinism', () => {
  it('the same starts twice give identical delivery times', () => {
    const starts = randomStarts(5, 300, 3000, 5e5);
    const a = simulate(new FluidNetwork(AA, network(AA)), starts);
    const b = simulate(new FluidNetwork(AA, network(AA)), starts);
    expect([...b.entries()]).toEqual([...a.entries()]);
    expect(a.size).toBe(300);
  });
});
