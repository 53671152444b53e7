// The scenario's `network` section resolved against a fabric: every number the engines need (the packet engine
// all of it; the flow, analytic and inference engines the rates, latencies, MTU and failures).
import type { Catalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import { type Fabric, hasNic, type LinkId, type NodeId } from '../../fabric/types.ts';
import { networkSchema, type Scenario } from '../../scenario/schema.ts';
import { classLevels, type PortQueues, portQueues, trafficClasses } from '../../workload/classes.ts';
import { cableLengths } from './cables.ts';
import { DCQCN_PROFILE_VALUES, type DcqcnSettings } from './dcqcn-profiles.ts';
import { headroomBytes, PAUSE_WIRE_BYTES, PROP_PS_PER_M, pfcReactionBytes, reservedHeadroomBytes } from './headroom.ts';
import { checkPfc } from './network-rules.ts';

/** DCQCN parameters of one reaction point (the packet engine's congestion control; DCQCN-01). */
export interface DcqcnParams extends DcqcnSettings {
  lineRateBps: number;
}

/** The ConnectX local ACK timeout unit: the QP's timeout is 4.096 us x 2^n (IBTA, HCCL_RDMA_TIMEOUT docs). */
export const ACK_TIMEOUT_UNIT_PS = 4096e3;

/**
 * In-band telemetry as HPCC carries it: a 2-byte header and one 8-byte record per switch (HPCC paper Sec. 4.1,
 * Fig. 6), at most 5 records (int-header.h maxHop 5; an up/down path of a 3-tier Clos passes 5 switches).
 */
export const INT_BASE_BYTES = 2;
export const INT_HOP_BYTES = 8;
export const INT_MAX_HOPS = 5;

/** HPCC parameters of one sender (the packet engine's second congestion control; Li et al., SIGCOMM 2019). */
export interface HpccParams {
  lineRateBps: number;
  /** eta: target utilization. */
  eta: number;
  maxStage: number;
  /** W_AI / T. */
  additiveIncreaseBps: number;
  minRateBps: number;
  /** T: the base RTT that turns rates into windows. */
  baseRttPs: number;
}

/** The TCP transports' settings (packet engine, tcp.ts): network.tcp resolved. */
export interface TcpParams {
  /** DCTCP's marking threshold K on link `link`'s lossy queues, bytes. */
  kBytes(link: number): number;
  g: number;
  minRtoPs: number;
  initialWindow: number;
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
  /** Switches decide the ECN mark as a packet joins the egress queue (else as it leaves; dcqcn-profiles.ts). */
  ecnMarkAtEnqueue: boolean;
  ecn(link: number): { kmin: number; kmax: number; pmax: number };
  ccOn: boolean;
  dcqcn(lineRateBps: number): DcqcnParams;
  /** HPCC is the congestion control: switches stamp INT records, senders pace at HPCC's rate and window. */
  hpccOn: boolean;
  hpcc(lineRateBps: number): HpccParams;
  tcp: TcpParams;
  /** INT bytes every packet of a flow through `hops` switches carries (0 unless HPCC is on). */
  intBytes(hops: number): number;
  /** Switches on a path from host src to host dst. */
  switchesBetween(src: number, dst: number): number;
  cnpIntervalPs: number;
  /** The NP paces CNPs per receiving host port instead of per flow (ConnectX min_time_between_cnps). */
  cnpPerPort: boolean;
  loss: number;
  /** Gilbert-Elliott per link: probability per packet of entering the bad state, and of leaving it. */
  burst: { enter: number; leave: number } | null;
  loadBalancing: 'ecmp' | 'spray' | 'adaptive';
  switchLatencyPs(node: number): number;
  bufferBytes(node: number): number;
  headerBytes: number;
  wireOverheadBytes: number;
  ackEvery: number;
  /** The first retransmission timeout; each further one without progress doubles it. */
  rtoPs: number;
  /** Timeouts in a row without progress before the QP gives up (enters the error state). */
  retryCount: number;
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
  /** Traffic classes (workload/classes.ts): each name's max-min priority level (0 first) and weight. */
  classLevel(name: string): number;
  classWeight(name: string): number;
  /** Every class has the same priority and weight: the engines share links as if there were no classes. */
  classesUniform: boolean;
  /**
   * The packet engine's queue per class at every port when `network.classes` is given (workload/classes.ts
   * portQueues); null without it: the fixed RoCE and lossy queues under `scheduler`.
   */
  portClasses: PortQueues | null;
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
    if (node === undefined || hasNic(f.nodes[node].role))
      throw new ScenarioError([{ path: `${path}.switch`, message: `no switch ${x.switch} in this fabric` }]);
    const links: number[] = [];
    for (let k = f.adjStart[node]; k < f.adjStart[node + 1]; k++) links.push(f.adjLinks[k]);
    return { links, atPs: x.at, untilPs: x.until ?? null };
  });
}

export type DcqcnInput = NonNullable<NonNullable<Scenario['network']>['dcqcn']>;

/** A QP's DCQCN parameters: its profile's values at its line rate, then the scenario's overrides. */
export function resolveDcqcn(d: DcqcnInput, lineRateBps: number): DcqcnParams {
  const p = DCQCN_PROFILE_VALUES[d.profile];
  // hpcc-ns3 scales R_AI and R_HAI with the NIC (run.py: 5 and 50 Mb/s per 25G); values are stated at 100G.
  const scale = p.scaleIncreaseWithRate ? lineRateBps / 100e9 : 1;
  return {
    algorithm: p.algorithm,
    lineRateBps,
    g: d.g ?? p.g,
    alphaIntervalPs: d.alphaInterval ?? p.alphaIntervalPs,
    rateTimerPs: d.rateTimer ?? p.rateTimerPs,
    byteCounter: d.byteCounter ?? p.byteCounter,
    fastRecoverySteps: d.fastRecoverySteps ?? p.fastRecoverySteps,
    additiveIncreaseBps: d.additiveIncrease ?? p.additiveIncreaseBps * scale,
    hyperIncreaseBps: d.hyperIncrease ?? p.hyperIncreaseBps * scale,
    minRateBps: d.minRate ?? p.minRateBps,
    rateDecreaseIntervalPs: d.rateDecreaseInterval ?? p.rateDecreaseIntervalPs,
    clampTargetRate: d.clampTargetRate ?? p.clampTargetRate,
  };
}

/** The links of the first ECMP path from src to dst (every up/down path between two hosts has as many). */
function firstPath(f: Fabric, src: number, dst: number): LinkId[] {
  const links: LinkId[] = [];
  let at = src as NodeId;
  while (at !== dst && links.length < 16 && f.routing.count(at, dst as NodeId) > 0) {
    const l = f.routing.pick(at, dst as NodeId, 0);
    links.push(l);
    at = f.peer(l, at);
  }
  return links;
}

/**
 * The largest idle RTT between the first host and any other (HPCC's global T, third.cc GLOBAL_T 1): propagation
 * both ways, one MTU serialized per hop, switch latency both ways (FCT-01's base RTT). The generated fabrics are
 * symmetric, so the first host's farthest peer is as far as any pair.
 */
function maxBaseRttPs(f: Fabric, mtu: number, propPs: (l: number) => number, latency: (n: number) => number): number {
  let max = 0;
  const h0 = f.hosts[0];
  for (let j = 1; j < f.hosts.length; j++) {
    let at = h0 as NodeId;
    let rtt = 0;
    for (const l of firstPath(f, h0, f.hosts[j])) {
      rtt += 2 * propPs(l) + (mtu * 8e12) / f.links[l].rateBps;
      at = f.peer(l, at);
      if (f.nodes[at].role !== 'host') rtt += 2 * latency(at);
    }
    if (rtt > max) max = rtt;
  }
  return max;
}

export function resolveNetwork(network: Scenario['network'], f: Fabric, catalog: Catalog): NetworkConfig {
  const n = network ?? networkSchema.parse({});
  const pfcObj = typeof n.pfc === 'object' ? n.pfc : null;
  const pfc = n.pfc !== false;
  const hpccOn = n.cc === 'hpcc';
  const intBytes = (hops: number) => (hpccOn ? INT_BASE_BYTES + INT_HOP_BYTES * Math.min(hops, INT_MAX_HOPS) : 0);
  const frameMax = n.mtu + n.headerBytes + n.wireOverheadBytes + intBytes(INT_MAX_HOPS);
  const cell = n.bufferCell ?? 0;
  const lengthM = cableLengths(n, f);
  const d = n.dcqcn ?? networkSchema.shape.dcqcn.unwrap().parse({});
  const hp = n.hpcc ?? networkSchema.shape.hpcc.unwrap().parse({});
  const tcp = n.tcp ?? networkSchema.shape.tcp.unwrap().parse({});
  let baseRtt = hp.baseRtt ?? -1;
  let headroomMemo = new Float64Array(0);
  const propPs = (link: number) => n.linkDelay ?? Math.round(lengthM(link) * PROP_PS_PER_M);
  const model = (node: number) => {
    const m = f.nodes[node].model;
    return m ? catalog.switches.get(m) : undefined;
  };
  const latency = (node: number) => {
    if (n.switchLatency !== 'catalog') return n.switchLatency;
    return model(node)?.latencyPs ?? 0;
  };
  const classes = trafficClasses(n);
  const levels = classLevels(n);
  const config: NetworkConfig = {
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
      // Each link's once: pfcProblems (network-rules.ts) sums every switch port's on a design's first run, the
      // packet MMU reads them again, and a link between two switches is met from both ends.
      if (headroomMemo.length === 0) headroomMemo = new Float64Array(f.links.length).fill(-1);
      if (headroomMemo[link] >= 0) return headroomMemo[link];
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
      headroomMemo[link] = reservedHeadroomBytes(raw, n.mtu + n.headerBytes, cell);
      return headroomMemo[link];
    },
    cellBytes: cell,
    lengthM,
    ecnOn: n.ecn !== undefined || n.cc === 'dcqcn',
    ecnMarkAtEnqueue: (d.markAt ?? DCQCN_PROFILE_VALUES[d.profile].ecnMarkAt) === 'enqueue',
    ecn(link) {
      if (n.ecn) return n.ecn;
      // ECN-02: Kmin = 100KB x Bw/25Gbps, Kmax = 400KB x Bw/25Gbps, Pmax = 0.2 (HPCC evaluation).
      const scale = f.links[link].rateBps / 25e9;
      return { kmin: 100e3 * scale, kmax: 400e3 * scale, pmax: 0.2 };
    },
    ccOn: n.cc === 'dcqcn',
    dcqcn: (lineRateBps) => resolveDcqcn(d, lineRateBps),
    cnpIntervalPs: d.cnpInterval ?? DCQCN_PROFILE_VALUES[d.profile].cnpIntervalPs,
    cnpPerPort: (d.cnpScope ?? DCQCN_PROFILE_VALUES[d.profile].cnpScope) === 'port',
    hpccOn,
    hpcc(lineRateBps) {
      if (baseRtt < 0) baseRtt = maxBaseRttPs(f, n.mtu, propPs, latency);
      return {
        lineRateBps,
        eta: hp.targetUtilization,
        maxStage: hp.maxStage,
        // run.py (cc hp): RATE_AI = 10 Mb/s x NIC Gb/s / 25.
        additiveIncreaseBps: hp.additiveIncrease ?? (10e6 * lineRateBps) / 25e9,
        minRateBps: hp.minRate,
        baseRttPs: baseRtt,
      };
    },
    tcp: {
      // DCTCP SIGCOMM 2010 Sec. 4: K = 65 packets (of 1500 B) at 10 Gb/s; scaled with the port's rate.
      kBytes: (link) => tcp.k ?? (65 * 1500 * f.links[link].rateBps) / 10e9,
      g: tcp.g,
      minRtoPs: tcp.minRto,
      initialWindow: tcp.initialWindow,
    },
    intBytes,
    switchesBetween: (src, dst) => Math.max(0, firstPath(f, src, dst).length - 1),
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
    rtoPs: n.rto ?? ACK_TIMEOUT_UNIT_PS * 2 ** n.ackTimeout,
    retryCount: n.retryCount,
    bufferAlpha: n.bufferAlpha,
    scheduler: n.scheduler,
    dwrrWeights: n.dwrrWeights,
    sampleIntervalPs: n.sampleInterval,
    propPsPerM: PROP_PS_PER_M,
    propPs,
    failures: resolveFailures(n, f),
    detectionDelayPs: n.detectionDelay,
    classLevel: (name) => levels.level.get(name) ?? 0,
    classWeight: (name) => classes.get(name)?.weight ?? 1,
    classesUniform: levels.uniform,
    portClasses: portQueues(n),
  };
  checkPfc(config, f, pfcObj !== null && pfcObj.headroom !== 'auto', { network, catalog });
  return config;
}
