// Set-up tables of the RoCE NICs (nic.ts), built once per run: each host's QPs as a CSR list, the DCQCN
// parameters of each QP (by its line rate), and on hosts of several links the port each QP sends on and its
// receiver answers on. Nothing here runs per packet.
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type { PortQueues } from '../../workload/classes.ts';
import type { TrafficProgram, Transfer } from '../../workload/program.ts';
import { ecmpIndex } from '../core/ecmp.ts';
import type { NetworkConfig } from '../core/network.ts';
import { K_TRANSFER } from '../core/task-graph.ts';
import type { DcqcnParams } from './dcqcn.ts';
import { C_LOSSY, C_ROCE, T_ACK, T_DATA } from './packets.ts';
import type { Topology } from './topology.ts';

/** Per-QP arrays sizeQps fills. */
export interface QpSizes {
  readonly fSrc: Int32Array;
  readonly fDst: Int32Array;
  readonly fClass: Uint8Array;
  readonly fPkts: Int32Array;
  readonly fBytes: Float64Array;
}

/**
 * Each QP's endpoints, class and sizes (packets per repetition, the last packet's payload, packets and bytes over
 * its repetitions); returns each host's count of transfer QPs at `[h + 1]` (hostQps makes it a CSR).
 */
export function sizeQps(
  T: readonly Transfer[],
  g: { kind: Uint8Array; repeat: ArrayLike<number> },
  mtu: number,
  N: number,
  q: QpSizes & { fPpr: Int32Array; fLastPayload: Int32Array },
): Int32Array {
  const perHost = new Int32Array(N + 1);
  for (let i = 0; i < T.length; i++) {
    const t = T[i];
    q.fSrc[i] = t.src;
    q.fDst[i] = t.dst;
    q.fClass[i] = t.cls === 'lossy' ? C_LOSSY : C_ROCE;
    if (g.kind[i] !== K_TRANSFER) continue;
    const ppr = Math.max(1, Math.ceil(t.bytes / mtu));
    q.fPpr[i] = ppr;
    q.fLastPayload[i] = t.bytes - (ppr - 1) * mtu;
    q.fPkts[i] = ppr * g.repeat[i];
    q.fBytes[i] = t.bytes * g.repeat[i];
    perHost[t.src + 1]++;
  }
  return perHost;
}

/**
 * With network.classes: each QP's queue at the ports, its traffic item's class (program.itemClass), else its
 * `cls`; transfers of no item (a service's slots, request-network.ts) are set there.
 */
export function classQueues(fClass: Uint8Array, program: TrafficProgram, pc: PortQueues): void {
  program.transfers.forEach((t, i) => {
    const q = pc.queueOf((t.item >= 0 ? program.itemClass?.[t.item] : undefined) ?? t.cls);
    if (q > 0) fClass[i] = q;
  });
}

/** HPCC: the INT bytes each QP's data packets carry (one record per switch on its path) and its largest frame. */
export function hpccWire(
  net: NetworkConfig,
  kind: Uint8Array,
  fSrc: Int32Array,
  fDst: Int32Array,
  fInt: Int32Array,
  fWire: Float64Array,
): void {
  for (let i = 0; i < fSrc.length; i++) {
    if (kind[i] !== K_TRANSFER) continue;
    fInt[i] = net.intBytes(net.switchesBetween(fSrc[i], fDst[i]));
    fWire[i] = net.mtu + net.headerBytes + fInt[i] + net.wireOverheadBytes;
  }
}

/** Each host's transfer QPs in task order; `perHost[h + 1]` holds host h's count on entry, its end on return. */
export function hostQps(perHost: Int32Array, T: readonly Transfer[], kind: Uint8Array): Int32Array {
  const N = perHost.length - 1;
  for (let i = 0; i < N; i++) perHost[i + 1] += perHost[i];
  const flows = new Int32Array(perHost[N]);
  const fill = perHost.slice(0, N);
  for (let i = 0; i < T.length; i++) if (kind[i] === K_TRANSFER) flows[fill[T[i].src]++] = i;
  return flows;
}

/**
 * DcqcnRp asks for a QP's parameters on every byte-counter step, increase and cut; `net.dcqcn` builds a fresh
 * object each call, so resolve them once per QP (one shared object per line rate).
 */
export function dcqcnPerQp(fSrc: Int32Array, fDst: Int32Array, topo: Topology, net: NetworkConfig): DcqcnParams[] {
  const byRate = new Map<number, DcqcnParams>();
  const out: DcqcnParams[] = [];
  for (let i = 0; i < fSrc.length; i++) {
    const rate = topo.isHost[fSrc[i]] ? topo.hostLineRate(fSrc[i]) : topo.portRate(fSrc[i], fDst[i]);
    let prm = byRate.get(rate);
    if (prm === undefined) {
      prm = net.dcqcn(rate);
      byRate.set(rate, prm);
    }
    out.push(prm);
  }
  return out;
}

/**
 * Each QP's port on a host of several links: ecmpIndex(hash, type, host, links) over the routing's members,
 * the choice a switch makes (a connection stays on the port, so in the plane, its hash picks; LACP likewise
 * keeps a flow on one member of a bond). ACKs and CNPs leave the receiver by the hash of the ACK type.
 */
export function spreadQpPorts(
  f: Fabric,
  topo: Topology,
  fSrc: Int32Array,
  fDst: Int32Array,
  hashes: Uint32Array,
  out: { qp: Int32Array; ack: Int32Array; multi: Uint8Array },
): void {
  const pick = (from: number, to: number, h: number, type: number): number => {
    const cnt = f.routing.count(from as NodeId, to as NodeId);
    const l = f.routing.pick(from as NodeId, to as NodeId, ecmpIndex(h, type, from, cnt));
    return topo.outPort(l, from);
  };
  for (let i = 0; i < fSrc.length; i++) {
    const src = fSrc[i];
    const dst = fDst[i];
    // A switch at one end (reduce.ts): the link between the two, set there.
    if (src === dst || !topo.isHost[src] || !topo.isHost[dst]) continue;
    if (f.adjStart[src + 1] - f.adjStart[src] > 1) {
      out.multi[src] = 1;
      out.qp[i] = pick(src, dst, hashes[i], T_DATA);
    }
    if (f.adjStart[dst + 1] - f.adjStart[dst] > 1) out.ack[i] = pick(dst, src, hashes[i], T_ACK);
  }
}
