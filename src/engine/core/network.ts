// The scenario's `network` section resolved against a fabric: every number the engines need (the packet engine
// all of it; the flow, analytic and inference engines the rates, latencies, MTU and failures).
import type { Catalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import type { Fabric } from '../../fabric/types.ts';
import { networkSchema, type Scenario } from '../../scenario/schema.ts';
import { checkPfc } from './network-rules.ts';

/** Light in fiber or copper: about 5 ns per metre (PFC-02). */
export const PROP_PS_PER_M = 5000;

/** PFC-02 reaction bytes (IEEE upper bounds via Cisco Press): the sender's response time at each speed. */
const REACTION_BYTES: [number, number][] = [
  [10e9, 3840],
  [25e9, 5120],
  [40e9, 7552],
  [100e9, 25216],
  [400e9, 57920],
];

export function pfcReactionBytes(rateBps: number): number {
  const t = REACTION_BYTES;
  if (rateBps <= t[0][0]) return t[0][1];
  for (let i = 1; i < t.length; i++) {
    if (rateBps <= t[i][0]) {
      const [r0, b0] = t[i - 1];
      const [r1, b1] = t[i];
      return b0 + ((b1 - b0) * (rateBps - r0)) / (r1 - r0);
    }
  }
  const [rl, bl] = t[t.length - 1];
  return (bl * rateBps) / rl;
}

/** DCQCN parameters of one reaction point (the packet engine's congestion control; DCQCN-01). */
export interface DcqcnParams {
  lineRateBps: number;
  g: number;
  /** tau': alpha update period (ps). */
  alphaIntervalPs: number;
  /** T: rate increase timer (ps). */
  rateTimerPs: number;
  /** B: byte counter. */
  byteCounter: number;
  /** F: fast recovery steps. */
  fastRecoverySteps: number;
  additiveIncreaseBps: number;
  hyperIncreaseBps: number;
  minRateBps: number;
}

export interface NetworkConfig {
  mtu: number;
  pfc: boolean;
  pfcAlpha: number;
  resumeOffset: number;
  headroomBytes(link: number): number;
  ecnOn: boolean;
  ecn(link: number): { kmin: number; kmax: number; pmax: number };
  ccOn: boolean;
  dcqcn(lineRateBps: number): DcqcnParams;
  cnpIntervalPs: number;
  alphaIntervalPs: number;
  rateTimerPs: number;
  loss: number;
  /** Gilbert-Elliott per link: probability per packet of entering the bad state, and of leaving it. */
  burst: { enter: number; leave: number } | null;
  loadBalancing: 'ecmp' | 'spray' | 'adaptive';
  switchLatencyPs(node: number): number;
  bufferBytes(node: number): number;
  headerBytes: number;
  wireOverheadBytes: number;
  ackEvery: number;
  rtoPs: number;
  bufferAlpha: number;
  scheduler: 'strict' | 'dwrr';
  dwrrWeights: { roce: number; lossy: number };
  sampleIntervalPs: number;
  propPsPerM: number;
  /** Propagation delay of a link: `linkDelay` if given, else 5 ns/m over its length. */
  propPs(link: number): number;
  /** Failures resolved to link ids (a switch failure is all of its links). */
  failures: { links: number[]; atPs: number; untilPs: number | null }[];
  detectionDelayPs: number;
}

function resolveFailures(n: NonNullable<Scenario['network']>, f: Fabric): NetworkConfig['failures'] {
  return n.failures.map((x, i) => {
    const path = `network.failures[${i}]`;
    if ('link' in x) {
      const [an, bn] = x.link.split('-');
      const a = f.nodeByName(an);
      const b = f.nodeByName(bn);
      const between = f.links.filter((l) => (l.a === a && l.b === b) || (l.a === b && l.b === a));
      if (a === undefined || b === undefined || between.length === 0)
        throw new ScenarioError([
          {
            path: `${path}.link`,
            message: `no link between ${an} and ${bn} in this fabric (name two directly connected nodes, e.g. leaf0-spine0)`,
          },
        ]);
      if (x.index >= between.length)
        throw new ScenarioError([
          {
            path: `${path}.index`,
            message: `${an} and ${bn} have ${between.length} parallel links; use an index below ${between.length}`,
          },
        ]);
      return { links: [between[x.index].id], atPs: x.at, untilPs: x.until ?? null };
    }
    const node = f.nodeByName(x.switch);
    if (node === undefined || f.nodes[node].role === 'host')
      throw new ScenarioError([{ path: `${path}.switch`, message: `no switch ${x.switch} in this fabric` }]);
    const links: number[] = [];
    for (let k = f.adjStart[node]; k < f.adjStart[node + 1]; k++) links.push(f.adjLinks[k]);
    return { links, atPs: x.at, untilPs: x.until ?? null };
  });
}

export function resolveNetwork(network: Scenario['network'], f: Fabric, catalog: Catalog): NetworkConfig {
  const n = network ?? networkSchema.parse({});
  const pfcObj = typeof n.pfc === 'object' ? n.pfc : null;
  const pfc = n.pfc !== false;
  const frameMax = n.mtu + n.headerBytes + n.wireOverheadBytes;
  const d = n.dcqcn ?? networkSchema.shape.dcqcn.unwrap().parse({});
  const model = (node: number) => {
    const m = f.nodes[node].model;
    return m ? catalog.switches.get(m) : undefined;
  };
  const latency = (node: number) => {
    if (n.switchLatency !== 'catalog') return n.switchLatency;
    return model(node)?.latencyPs ?? 0;
  };
  const config: NetworkConfig = {
    mtu: n.mtu,
    pfc,
    pfcAlpha: pfcObj?.alpha ?? 1 / 8,
    resumeOffset: pfcObj?.resumeOffset ?? 2 * (n.mtu + n.headerBytes),
    headroomBytes(link) {
      if (pfcObj && pfcObj.headroom !== 'auto') return pfcObj.headroom;
      // PFC-02 components: the round trip of the cable, a frame in flight at each end, the PFC frame, the
      // sender's response time; plus what the receiving switch's pipeline holds (its port-to-port latency).
      const l = f.links[link];
      const bytesPerPs = l.rateBps / 8e12;
      const cable = (n.linkDelay ?? l.lengthM * PROP_PS_PER_M) * bytesPerPs;
      const pipeline = Math.max(latency(l.a), latency(l.b)) * bytesPerPs;
      return Math.ceil(2 * cable + 2 * frameMax + 84 + pfcReactionBytes(l.rateBps) + pipeline);
    },
    ecnOn: n.ecn !== undefined || n.cc === 'dcqcn',
    ecn(link) {
      if (n.ecn) return n.ecn;
      // ECN-02: Kmin = 100KB x Bw/25Gbps, Kmax = 400KB x Bw/25Gbps, Pmax = 0.2 (HPCC evaluation).
      const scale = f.links[link].rateBps / 25e9;
      return { kmin: 100e3 * scale, kmax: 400e3 * scale, pmax: 0.2 };
    },
    ccOn: n.cc === 'dcqcn',
    dcqcn(lineRateBps) {
      return {
        lineRateBps,
        g: d.g,
        alphaIntervalPs: d.alphaInterval,
        rateTimerPs: d.rateTimer,
        byteCounter: d.byteCounter,
        fastRecoverySteps: d.fastRecoverySteps,
        additiveIncreaseBps: d.additiveIncrease,
        hyperIncreaseBps: d.hyperIncrease,
        minRateBps: d.minRate,
      };
    },
    cnpIntervalPs: d.cnpInterval,
    alphaIntervalPs: d.alphaInterval,
    rateTimerPs: d.rateTimer,
    loss: n.loss,
    // Long-run loss r = enter / (enter + leave) with leave = 1 / meanBurst, so enter = r leave / (1 - r).
    burst: n.burstLoss
      ? {
          enter: (n.burstLoss.rate * (1 / n.burstLoss.meanBurst)) / (1 - n.burstLoss.rate),
          leave: 1 / n.burstLoss.meanBurst,
        }
      : null,
    loadBalancing: n.loadBalancing,
    switchLatencyPs: latency,
    bufferBytes: (node) => (f.nodes[node].role === 'border' ? 1e9 : (model(node)?.bufferBytes ?? 0)),
    headerBytes: n.headerBytes,
    wireOverheadBytes: n.wireOverheadBytes,
    ackEvery: n.ackEvery,
    rtoPs: n.rto,
    bufferAlpha: n.bufferAlpha,
    scheduler: n.scheduler,
    dwrrWeights: n.dwrrWeights,
    sampleIntervalPs: n.sampleInterval,
    propPsPerM: PROP_PS_PER_M,
    propPs: (link) => n.linkDelay ?? Math.round(f.links[link].lengthM * PROP_PS_PER_M),
    failures: resolveFailures(n, f),
    detectionDelayPs: n.detectionDelay,
  };
  checkPfc(config, f, pfcObj !== null && pfcObj.headroom !== 'auto');
  return config;
}
