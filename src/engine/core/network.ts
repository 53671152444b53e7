// The scenario's `network` section resolved against a fabric: every number the engines need (the packet engine
// all of it; the flow, analytic and inference engines the rates, latencies, MTU and failures).
import type { Catalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import type { Fabric } from '../../fabric/types.ts';
import { networkSchema, type Scenario } from '../../scenario/schema.ts';
import { cableLengths } from './cables.ts';
import { headroomBytes, PAUSE_WIRE_BYTES, PROP_PS_PER_M, pfcReactionBytes, reservedHeadroomBytes } from './headroom.ts';

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
  /** Bytes each lossless ingress queue holds before it counts against the shared pool (PFC-04's reserve). */
  pfcReserve: number;
  /** PFC headroom reserved at the receiving end of a link (whole cells when the buffer counts in cells). */
  headroomBytes(link: number): number;
  /** Buffer accounting unit in bytes (0: exact bytes). */
  cellBytes: number;
  /** Cable length of a link in metres: `network.cables` for its tier, else its length class. */
  lengthM(link: number): number;
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
  /** Propagation delay of a link: `linkDelay` if given, else 5 ns/m over its cable (`lengthM`). */
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
  const cell = n.bufferCell ?? 0;
  const lengthM = cableLengths(n, f);
  const d = n.dcqcn ?? networkSchema.shape.dcqcn.unwrap().parse({});
  const model = (node: number) => {
    const m = f.nodes[node].model;
    return m ? catalog.switches.get(m) : undefined;
  };
  const latency = (node: number) => {
    if (n.switchLatency !== 'catalog') return n.switchLatency;
    return model(node)?.latencyPs ?? 0;
  };
  return {
    mtu: n.mtu,
    pfc,
    pfcAlpha: pfcObj?.alpha ?? 1 / 8,
    resumeOffset: pfcObj?.resumeOffset ?? 2 * (n.mtu + n.headerBytes),
    pfcReserve: pfcObj?.reserve ?? 0,
    headroomBytes(link) {
      const fixed = pfcObj?.headroom ?? 'auto';
      if (typeof fixed === 'number') return fixed;
      // A time: the bytes the port's rate carries in it (PFC-04: HPCC's third.cc reserves 3 x rate x delay).
      if (typeof fixed === 'object') return Math.ceil((fixed.ps * f.links[link].rateBps) / 8e12);
      // PFC-02 components, plus what the receiving switch's pipeline holds (its port-to-port latency).
      const l = f.links[link];
      const raw = headroomBytes({
        rateBps: l.rateBps,
        cablePs: n.linkDelay ?? lengthM(link) * PROP_PS_PER_M,
        receiverFrameBytes: frameMax,
        senderFrameBytes: frameMax,
        pauseFrameBytes: PAUSE_WIRE_BYTES,
        responseBytes: pfcReactionBytes(l.rateBps),
        pipelinePs: Math.max(latency(l.a), latency(l.b)),
      });
      return reservedHeadroomBytes(raw, n.mtu + n.headerBytes, cell);
    },
    cellBytes: cell,
    lengthM,
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
    bufferBytes: (node) => (f.nodes[node].role === 'border' ? 1e9 : (n.switchBuffer ?? model(node)?.bufferBytes ?? 0)),
    headerBytes: n.headerBytes,
    wireOverheadBytes: n.wireOverheadBytes,
    ackEvery: n.ackEvery,
    rtoPs: n.rto,
    bufferAlpha: n.bufferAlpha,
    scheduler: n.scheduler,
    dwrrWeights: n.dwrrWeights,
    sampleIntervalPs: n.sampleInterval,
    propPsPerM: PROP_PS_PER_M,
    propPs: (link) => n.linkDelay ?? Math.round(lengthM(link) * PROP_PS_PER_M),
    failures: resolveFailures(n, f),
    detectionDelayPs: n.detectionDelay,
  };
}
