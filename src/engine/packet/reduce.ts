// A switch's in-network reduction element (NVIDIA SHARP's aggregation node, which NCCL drives as CollNet): the
// tasks of `algorithm: sharp` (workload/training/sharp.ts) have a switch at one end, and here that switch ends
// and starts RoCE queue pairs of its own, on the NICs' QP machinery (nic.ts: go-back-N, ACKs, CNPs, DCQCN pacing)
// and its own ports (PFC pauses them, ECN marks them at dequeue, as any RoCE traffic leaving a switch). A QP
// from a child (a rank, or a switch below) is received here; the element's QP to its parent (or, at the root,
// to each child) may send packet k once packet k of every input it reduces has arrived in order, after the
// reduction's time; a switch below the root forwards its parent's result to its children the same way.
//
// Streaming, not store-and-forward per chunk: NVIDIA documents Quantum-2 (SHARPv3) as running SHARP's
// "streaming aggregation" operations, several at once per switch, one active tree per port (NVIDIA SHARP Rev
// 3.13.0, General Information, "Capabilities and Limitations"), reducing data as it streams through, so a packet
// moves on once its peers from every child have arrived, not once a whole 512 KiB chunk has (the analytic
// engine's pipeline counts one chunk per tree edge: that is what this saves). The reduction's time per packet is
// the switch's port-to-port latency from its catalog entry (catalog/examples/quantum-2.yaml: 330 ns for the
// QM9700, a third-party figure marked as an estimate there; NVIDIA publishes no ALU latency).
//
// Left out: SHARP's own reliability protocol (SHARP's QPs use InfiniBand's transport timeout and retry count,
// SHARP_COLL_IB_TIMEOUT and SHARP_COLL_IB_RETRY_COUNT in NVIDIA SHARP Rev 3.1.0; here each tree edge is a RoCE QP
// with go-back-N whose sender resends from what it reduced, so the element keeps its output until acknowledged,
// and a failed tree switch is not routed around: its tree is fixed, as in the flow engine); the element's own
// memory (what it receives is consumed as it arrives and never enters the switch's shared buffer, so it never
// sends PAUSE upstream: like a host NIC), SHARP's limits on outstanding operations and groups per tree, and
// CollNet Direct. On a port it shares with forwarded packets the element is one more sender in its class: it and
// the class's queue take turns (port.ts elementTurn: round robin between the switch's inputs, as its crossbar
// arbitrates them), so each gets half of what the class is given under lasting congestion; the element's data is
// made on demand (nic.ts), never queued.
import type { Fabric, LinkId, NodeId } from '../../fabric/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { ecmpIndex } from '../core/ecmp.ts';
import type { NetworkConfig } from '../core/network.ts';
import type { TaskGraph } from '../core/task-graph.ts';
import { type Clock, EV_REDUCED } from './events.ts';
import type { Mmu } from './mmu.ts';
import type { Nics } from './nic.ts';
import { type PacketPool, PK, PK_FLOW, T_DATA } from './packets.ts';
import type { Tasks } from './tasks.ts';
import { A_REDUCE, S_ELEMENT, type Topology } from './topology.ts';

/** The elements the reduction elements act through, wired once they exist. */
export interface ReduceParts {
  clock: Clock;
  pool: PacketPool;
  mmu: Mmu;
  nics: Nics;
  tasks: Tasks;
}

export class Reducers {
  /** Per task: 1 when a switch's element sends it (its gate opens as its inputs arrive, not per repetition). */
  readonly streamed: Uint8Array;
  /** Per input QP (one ending at an element), the element QPs that reduce or forward it: CSR. */
  private outStart = new Int32Array(0);
  private outs = new Int32Array(0);
  /** Per element QP, the QPs whose packets it waits for: CSR. */
  private inStart = new Int32Array(0);
  private ins = new Int32Array(0);
  /** Per element QP: packets every input has delivered, as last scheduled for reduction; and as reduced. */
  private ready = new Int32Array(0);
  private reducedTo = new Int32Array(0);
  private p!: ReduceParts;
  /** Per task with a switch end: the port its sender sends on and the one its receiver answers on; else -1. */
  private readonly qpPort: Int32Array;
  private readonly ackPort: Int32Array;

  /** Whether any transfer of the program has a switch end (only `algorithm: sharp` makes such tasks). */
  static needed(program: TrafficProgram, topo: Topology): boolean {
    return program.transfers.some((t) => t.kind === 'transfer' && (!topo.isHost[t.src] || !topo.isHost[t.dst]));
  }

  /**
   * Each switch-end QP's link (the hash's member between the neighbours); marks the switches that end QPs and the
   * ports their elements send on, before the elements that read topo.arrival and topo.sender are built.
   */
  constructor(
    private readonly f: Fabric,
    private readonly topo: Topology,
    program: TrafficProgram,
    net: NetworkConfig,
    hashes: Uint32Array,
  ) {
    if (net.hpccOn)
      throw new Error(
        'internal: HPCC with algorithm sharp on the packet engine (its INT path is host to host); refused in engine/index.ts',
      );
    const F = program.transfers.length;
    this.streamed = new Uint8Array(F);
    this.qpPort = new Int32Array(F).fill(-1);
    this.ackPort = new Int32Array(F).fill(-1);
    for (const t of program.transfers) {
      if (t.kind !== 'transfer' || (topo.isHost[t.src] && topo.isHost[t.dst])) continue;
      const link = this.linkBetween(t.src, t.dst, hashes[t.id]);
      this.qpPort[t.id] = topo.outPort(link, t.src);
      this.ackPort[t.id] = topo.outPort(link, t.dst);
      for (const [n, p] of [
        [t.src, this.qpPort[t.id]],
        [t.dst, this.ackPort[t.id]],
      ])
        if (!topo.isHost[n]) {
          topo.arrival[n] = A_REDUCE;
          topo.sender[p] = S_ELEMENT;
        }
      if (!topo.isHost[t.src]) this.streamed[t.id] = 1;
    }
  }

  /**
   * Wires the elements: each switch-end QP sends, and is answered, on its link's two ports (its sender asks only
   * for its own QPs on each port, as a host of several ports does); and which QPs each element QP waits for.
   */
  attach(p: ReduceParts): void {
    this.p = p;
    const { nics } = p;
    for (let t = 0; t < this.qpPort.length; t++) {
      if (this.qpPort[t] < 0) continue;
      nics.qpPort[t] = this.qpPort[t];
      nics.ackPort[t] = this.ackPort[t];
      nics.multiPort[nics.fSrc[t]] = 1;
    }
    this.wire(p.tasks.driver.g, nics);
  }

  /** The hash's member of the parallel links between neighbours u and v (the flow engine's adjacentHop). */
  private linkBetween(u: NodeId, v: NodeId, hash: number): LinkId {
    const f = this.f;
    const links: LinkId[] = [];
    for (let k = f.adjStart[u]; k < f.adjStart[u + 1]; k++)
      if (f.peer(f.adjLinks[k] as LinkId, u) === v) links.push(f.adjLinks[k] as LinkId);
    if (links.length === 0) throw new Error(`internal: ${f.nodes[u].name} and ${f.nodes[v].name} are not neighbours`);
    return links[links.length > 1 ? ecmpIndex(hash, 0, u, links.length) : 0];
  }

  /**
   * An element QP's inputs are its step dependencies (workload/training/sharp.ts: lag 0, each ending at the
   * QP's switch); packet k of each has the same bytes, since every edge of a tree carries the same chunks.
   */
  private wire(g: TaskGraph, nics: Nics): void {
    const F = g.n;
    const inStart = new Int32Array(F + 1);
    const outCount = new Int32Array(F + 1);
    for (let o = 0; o < F; o++) {
      inStart[o + 1] = inStart[o];
      if (!this.streamed[o]) continue;
      for (let j = g.stepInStart[o]; j < g.stepInStart[o + 1]; j++) {
        const i = g.stepIn[j];
        if (g.stepInLag[j] !== 0 || nics.fDst[i] !== nics.fSrc[o] || nics.fPkts[i] !== nics.fPkts[o])
          throw new Error(`internal: element QP ${o} waits for QP ${i}, which is not one of its inputs`);
        inStart[o + 1]++;
        outCount[i + 1]++;
      }
      if (inStart[o + 1] === inStart[o]) throw new Error(`internal: element QP ${o} has no inputs`);
    }
    const ins = new Int32Array(inStart[F]);
    for (let i = 0; i < F; i++) outCount[i + 1] += outCount[i];
    const outs = new Int32Array(outCount[F]);
    const fill = outCount.slice(0, F);
    for (let o = 0, k = 0; o < F; o++) {
      if (!this.streamed[o]) continue;
      for (let j = g.stepInStart[o]; j < g.stepInStart[o + 1]; j++) {
        ins[k++] = g.stepIn[j];
        outs[fill[g.stepIn[j]]++] = o;
      }
    }
    this.inStart = inStart;
    this.ins = ins;
    this.outStart = outCount;
    this.outs = outs;
    this.ready = new Int32Array(F);
    this.reducedTo = new Int32Array(F);
  }

  /** Packet id ends at switch sw's element (link.ts): the NIC's receiver, then what the new packet lets go on. */
  receive(sw: number, id: number): void {
    const { pool, nics, tasks } = this.p;
    const fl = pool.pk[id * PK + PK_FLOW];
    const before = nics.expected[fl];
    const rep = nics.receive(sw, id);
    if (rep >= 0) tasks.repFinished(rep);
    if (nics.expected[fl] !== before) this.arrived(sw, fl, before);
  }

  /** Input QP i delivered packets from `before` on: each of its outputs whose slowest input it was moves on. */
  private arrived(sw: number, i: number, before: number): void {
    const { nics, clock } = this.p;
    const exp = nics.expected;
    for (let k = this.outStart[i]; k < this.outStart[i + 1]; k++) {
      const o = this.outs[k];
      if (this.ready[o] !== before) continue;
      let m = exp[i];
      for (let j = this.inStart[o]; j < this.inStart[o + 1]; j++) if (exp[this.ins[j]] < m) m = exp[this.ins[j]];
      if (m <= this.ready[o]) continue;
      this.ready[o] = m;
      clock.q.push(clock.now + this.topo.latencyPs[sw], EV_REDUCED, o, m);
    }
  }

  /**
   * The reduction of element QP o's packets below `pkts` is done (EV_REDUCED): its sender may send them, once
   * its whole-task dependencies are met (in a job: the previous all-reduce's last tasks on this switch, the
   * builder's rank-local rule; the driver says so by releasing the QP, see released()).
   */
  reduced(o: number, pkts: number): void {
    this.reducedTo[o] = pkts;
    const d = this.p.tasks.driver;
    if (d.startReached[o] && d.depsLeft[o] === 0) this.p.nics.openTo(o, pkts);
  }

  /** The driver released element QP o (tasks.ts): what it reduced meanwhile may go. */
  released(o: number): void {
    if (this.reducedTo[o] > 0) this.p.nics.openTo(o, this.reducedTo[o]);
  }

  /**
   * A frame leaves (or is lost at) a port that switch sw's element sends on: the switch's buffer gives back what
   * it forwarded; what the element made (its data, its ACKs and CNPs) never took buffer space.
   */
  leave(sw: number, id: number): void {
    const { pool, nics, mmu } = this.p;
    const fl = pool.pk[id * PK + PK_FLOW];
    const own = pool.type(id) === T_DATA ? nics.fSrc[fl] === sw : nics.fDst[fl] === sw;
    if (!own) mmu.release(sw, id);
  }
}
