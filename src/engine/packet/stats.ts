// What a packet-level run reports: queue samples and per-flow progress while it runs, then the Result (flows
// with their ideal FCT, ops, per-port and per-link statistics, counters) and the invariants, each counted on its
// own from the elements' state rather than derived from the others. Leaves out the counters themselves, which
// each element counts where things happen.
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type {
  Counters,
  FlowResult,
  InvariantCheck,
  LinkStats,
  PortStats,
  Result,
  TrafficShare,
} from '../../result/types.ts';
import { RESULT_VERSION } from '../../result/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { growF64, growI32 } from '../core/heap2.ts';
import type { NetworkConfig } from '../core/network.ts';
import { opTimesFromTasks, summarizeOps } from '../core/ops.ts';
import { runStats } from '../core/run-stats.ts';
import { K_TRANSFER } from '../core/task-graph.ts';
import { headroomTiers, portHeadroom } from './buffers.ts';
import { type Clock, EV_SAMPLE } from './events.ts';
import type { Mmu } from './mmu.ts';
import type { Nics } from './nic.ts';
import type { PacketPool } from './packets.ts';
import type { Ports } from './port.ts';
import type { Tasks } from './tasks.ts';
import type { Topology } from './topology.ts';

/** The run's own figures, from the engine's loop. */
export interface RunFigures {
  name: string;
  seed: number;
  events: number;
  timeBackwards: number;
  wallMs: number;
  peakRss: number;
}

/** The elements whose state the result reads. */
export interface Elements {
  f: Fabric;
  net: NetworkConfig;
  program: TrafficProgram;
  clock: Clock;
  topo: Topology;
  pool: PacketPool;
  ports: Ports;
  mmu: Mmu;
  nics: Nics;
  tasks: Tasks;
  c: Counters;
}

export class Stats {
  /** Delivered bytes per flow at each sample time (small runs only: at most 64 flows). */
  private readonly progress: [number, number][][] | null;
  // Sampled queue series (sparse): port, time, bytes.
  private sPort = new Int32Array(1024);
  private sT = new Float64Array(1024);
  private sB = new Float64Array(1024);
  private sN = 0;
  /** Queue samples, and flow-progress points, kept at most (a long idle tail, e.g. a lost packet waiting for a
   * 4.3 s NIC timeout, would otherwise grow the progress series by F points every interval until memory ran out). */
  private readonly sampleCap = 400_000;
  private progressN = 0;
  private readonly F: number;

  constructor(private readonly e: Elements) {
    this.F = e.program.transfers.length;
    this.progress = this.F <= 64 ? Array.from({ length: this.F }, () => []) : null;
  }

  /** EV_SAMPLE: flow progress and every switch queue holding bytes (in port order, as many as the ports count);
   * the next sample while tasks run. */
  sample(): void {
    const { clock, topo, ports, nics } = this.e;
    const now = clock.now;
    if (this.progress && this.progressN + this.F <= this.sampleCap) {
      for (let i = 0; i < this.F; i++) this.progress[i].push([now, nics.fDelivered[i]]);
      this.progressN += this.F;
    }
    for (let p = 0, left = ports.queuedSwitchPorts; p < topo.P && left > 0; p++) {
      const b = ports.queueBytes(p);
      if (b <= 0 || ports.fromHost(p)) continue;
      left--;
      if (this.sN >= this.sampleCap) break;
      if (this.sN >= this.sPort.length) this.growSamples();
      this.sPort[this.sN] = p;
      this.sT[this.sN] = now;
      this.sB[this.sN] = b;
      this.sN++;
    }
    if (this.e.tasks.driver.done < this.F) clock.q.push(now + this.e.net.sampleIntervalPs, EV_SAMPLE, 0, 0);
  }

  private growSamples(): void {
    const n = this.sPort.length * 2;
    this.sPort = growI32(this.sPort, n);
    this.sT = growF64(this.sT, n);
    this.sB = growF64(this.sB, n);
  }

  result(run: RunFigures): Result {
    const { program, clock, ports, tasks, c } = this.e;
    const T = clock.now;
    // Close open pause intervals at the end of the run.
    c.pausedPs += ports.openPausePs(T);
    c.drops = c.bufferDrops + c.lossDrops + c.failureDrops;
    const flows = this.flows();
    const ps = this.ports(T);
    const invariants = this.invariants(run.timeBackwards);
    const opSummary =
      program.ops.length > 0
        ? (() => {
            const t = opTimesFromTasks(program, tasks.driver.taskStartPs, tasks.driver.taskEndPs);
            return summarizeOps(program, t.startPs, t.endPs);
          })()
        : null;
    const { wallMs, events } = run;
    return {
      version: RESULT_VERSION,
      engine: 'packet',
      scenario: run.name,
      seed: run.seed,
      simulatedPs: T,
      completed: tasks.driver.done === this.F,
      flows,
      ...(opSummary ? { ops: opSummary.ops, iterations: opSummary.iterations } : {}),
      links: this.linkStats(T),
      traffic: this.trafficShare(),
      counters: { ...c },
      ports: ps,
      ...(this.e.net.pfc ? { headroom: headroomTiers(this.e.f, this.e.net, this.e.topo, this.e.mmu) } : {}),
      invariants,
      stats: runStats(events, wallMs, run.peakRss),
    };
  }

  /** Plain flows only: the tasks of collectives, jobs and services are summarized in `ops`. */
  private flows(): FlowResult[] {
    const { f, program, nics, tasks } = this.e;
    const flows: FlowResult[] = [];
    const kind = tasks.driver.g.kind;
    for (let i = 0; i < this.F; i++) {
      if (program.transfers[i].op !== -1 || kind[i] !== K_TRANSFER) continue;
      const end = nics.fEnd[i];
      const ready = tasks.driver.readyPs[i];
      const start = ready >= 0 ? ready : tasks.startPs[i];
      const fct = end >= 0 ? end - start : -1;
      const ideal = this.standaloneFct(i);
      flows.push({
        id: i,
        src: f.nodes[nics.fSrc[i]].name,
        dst: f.nodes[nics.fDst[i]].name,
        bytes: nics.fBytes[i],
        startPs: start,
        endPs: end,
        fctPs: fct,
        idealFctPs: ideal,
        slowdown: fct >= 0 ? Math.max(1, fct / ideal) : -1,
        retransmittedBytes: nics.fRetx[i],
        ...(this.progress ? { progress: this.progress[i] } : {}),
      });
    }
    return flows;
  }

  /** Every switch egress port that queued anything, plus the busiest host ports (64 at most). */
  private ports(T: number): PortStats[] {
    const { f, topo, ports } = this.e;
    for (let p = 0; p < topo.P; p++) ports.touchQueue(p);
    const series = new Map<number, [number, number][]>();
    for (let i = 0; i < this.sN; i++) {
      const p = this.sPort[i];
      let s = series.get(p);
      if (!s) {
        s = [];
        series.set(p, s);
      }
      s.push([this.sT[i], this.sB[i]]);
    }
    const maxQ = (p: number) => ports.maxQueue(p);
    const busyPs = (p: number) => ports.busyPs(p);
    const order = Array.from({ length: topo.P }, (_, p) => p)
      .filter((p) => maxQ(p) > 0 || busyPs(p) > 0)
      .sort((a, b) => maxQ(b) - maxQ(a) || busyPs(b) - busyPs(a) || a - b)
      .slice(0, 64);
    return order.map((p) => {
      const link = f.links[p >> 1];
      const from = f.nodes[topo.portFrom[p]];
      const to = f.nodes[topo.portTo[p]];
      const port = p & 1 ? link.bPort : link.aPort;
      return {
        port: `${from.name}:${port}`,
        node: from.name,
        peer: to.name,
        rateGbps: link.rateBps / 1e9,
        maxQueueBytes: maxQ(p),
        meanQueueBytes: T > 0 ? ports.queueIntegral(p) / T : 0,
        utilization: T > 0 ? Math.min(1, busyPs(p) / T) : 0,
        series: series.get(p) ?? [],
        ...portHeadroom(this.e.mmu, p),
      };
    });
  }

  /** Load per directed link that carried anything: wire bytes (frames, preamble and gap) of every packet. */
  private linkStats(runPs: number): LinkStats[] {
    const { f, topo, ports } = this.e;
    const out: LinkStats[] = [];
    for (let p = 0; p < topo.P; p++) {
      const bytes = ports.wireBytes(p);
      if (bytes <= 0) continue;
      const link = f.links[p >> 1];
      const from = f.nodes[topo.portFrom[p]];
      const to = f.nodes[topo.portTo[p]];
      out.push({
        link: `${from.name} -> ${to.name}`,
        tiers: `${f.nodes[link.a].role}-${f.nodes[link.b].role}`,
        rateGbps: link.rateBps / 1e9,
        bytes,
        utilization: runPs > 0 ? (bytes * 8e12) / (link.rateBps * runPs) : 0,
      });
    }
    return out;
  }

  /** Delivered payload between hosts (east-west) and between a host and anything else: border0, storage nodes
   * (north-south). */
  private trafficShare(): TrafficShare {
    const { f, nics, tasks } = this.e;
    let ew = 0;
    let ns = 0;
    for (let i = 0; i < this.F; i++) {
      if (tasks.driver.g.kind[i] !== K_TRANSFER) continue;
      if (f.nodes[nics.fSrc[i]].role !== 'host' || f.nodes[nics.fDst[i]].role !== 'host') ns += nics.fDelivered[i];
      else ew += nics.fDelivered[i];
    }
    return { eastWestBytes: ew, northSouthBytes: ns, eastWestShare: ew + ns > 0 ? ew / (ew + ns) : 0 };
  }

  /**
   * Standalone FCT on an idle fabric, FCT-01's definition (HPCC third.cc): base RTT (propagation both ways,
   * one packet's payload serialized at every hop, switch latency both ways) plus every byte with its headers
   * at the bottleneck rate.
   */
  private standaloneFct(i: number): number {
    const { f, net, topo, nics } = this.e;
    const path = f.routing.paths(nics.fSrc[i] as NodeId, nics.fDst[i] as NodeId, 1)[0] ?? [];
    let rtt = 0;
    let minRate = Number.POSITIVE_INFINITY;
    let at = nics.fSrc[i];
    const packet = Math.min(net.mtu, nics.fBytes[i]);
    for (const l of path) {
      const link = f.links[l];
      const next = link.a === at ? link.b : link.a;
      rtt += 2 * net.propPs(l) + (packet * 8e12) / link.rateBps;
      if (!topo.isHost[next]) rtt += 2 * topo.latencyPs[next];
      if (link.rateBps < minRate) minRate = link.rateBps;
      at = next;
    }
    const total = nics.fBytes[i] + nics.fPkts[i] * (net.headerBytes + net.wireOverheadBytes);
    return rtt + (total * 8e12) / minRate;
  }

  /** Each invariant is counted on its own, not derived from the others. */
  private invariants(timeBackwards: number): InvariantCheck[] {
    const { net, clock, topo, pool, mmu, nics, tasks, c } = this.e;
    const inFlight = pool.inFlightPayload();
    const conserved = nics.sentPayload === c.deliveredBytes + pool.droppedPayload + inFlight;
    let overShared = 0;
    let overHdrm = 0;
    for (let n = 0; n < topo.N; n++)
      if (!topo.isHost[n] && mmu.maxShared(n) > mmu.bufferBytes(n) - mmu.hdrmReserved(n) + 1e-6) overShared++;
    const nq = mmu.queues;
    for (let k = 0; k < topo.P * nq; k++) if (mmu.peakHeadroom(k) > mmu.hdrmCap(Math.floor(k / nq)) + 1e-6) overHdrm++;
    // A transfer is finished when its sender has every byte acknowledged, a delay when its last repetition ends.
    const d = tasks.driver;
    let unfinished = 0;
    for (let i = 0; i < this.F; i++)
      if (d.g.kind[i] === K_TRANSFER ? nics.fEnd[i] < 0 : d.finishedReps[i] < d.g.repeat[i]) unfinished++;
    return [
      {
        name: 'bytes conserved',
        ok: conserved,
        detail: `sent ${nics.sentPayload} = delivered ${c.deliveredBytes} + dropped ${pool.droppedPayload} + in flight ${inFlight}`,
      },
      {
        name: 'no queue above its buffer',
        ok: overShared === 0 && overHdrm === 0,
        detail: `${overShared} switches over their shared buffer, ${overHdrm} ingress queues over their headroom`,
      },
      {
        name: 'lossless class never drops from overflow',
        ok: !net.pfc || mmu.losslessOverflowDrops === 0,
        detail: net.pfc
          ? `${mmu.losslessOverflowDrops} overflow drops in the PFC-protected class`
          : 'PFC off: the RoCE class is lossy',
      },
      {
        name: 'time never runs backwards',
        ok: timeBackwards === 0,
        detail: `${timeBackwards} events earlier than the clock`,
      },
      {
        name: 'every flow completed',
        ok: unfinished === 0,
        detail: `${this.F - unfinished} of ${this.F} tasks finished by t=${clock.now} ps`,
      },
    ];
  }
}
