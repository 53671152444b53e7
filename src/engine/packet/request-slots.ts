// The request network's slots (request-network.ts) on the NICs' QPs: the program's tasks followed by each
// sender's pool of slot QPs, how a slot's QP moves its stream on to its next transfer, and how it is halted when its
// transfer is given up and made usable again.
// Leaves out which slot carries what (request-network.ts keeps the pools and the transfers).
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type { Transfer } from '../../workload/program.ts';
import type { Nics } from './nic.ts';
import { TR_ROCE } from './tcp.ts';

/**
 * QP fl stops now as one moved to the error state and destroyed: it sends nothing more, its timer stops, its
 * receiver takes nothing more (what is still on the wire is discarded there), and its fEnd lets the pool free it.
 */
export function haltQp(n: Nics, fl: number, nowPs: number): void {
  n.failed[fl] = 1;
  n.rtoArmed[fl] = 0;
  n.fEnd[fl] = nowPs;
  n.expected[fl] = 0x7fffffff;
}

/** A halted (or retry-exceeded) QP may send again; its TCP recovery state and receive buffer start afresh. */
export function resumeQp(n: Nics, fl: number): void {
  n.failed[fl] = 0;
  if (n.tcp.kind[fl] !== TR_ROCE) n.tcp.restart(fl);
}

/** A slot's stream restarts at sequence 0 past this many packets (streamQp). */
const SEQ_WRAP = 2 ** 30;

/**
 * Slot QP fl, idle, carries `bytes` to dst from nowPs. Its stream moves on to the next multiple of the transfer's
 * packets: the transfer is then one whole repetition of the NIC's per-packet arithmetic (nic.ts, no new state on
 * its hot path), and whatever of the previous transfer is still on the wire is an old duplicate to both ends.
 * The window, rate and timers carry over, as on a pooled connection. The caller starts its port.
 */
export function streamQp(n: Nics, fl: number, dst: number, bytes: number, mtu: number, nowPs: number): void {
  const ppr = Math.max(1, Math.ceil(bytes / mtu));
  // Past everything sent: a halted slot (haltQp) may have sent beyond what was acknowledged.
  let base = Math.ceil(Math.max(n.sndUna[fl], n.highSent[fl]) / ppr) * ppr;
  // Sequence numbers are int32: a stream past 2^30 packets starts over at 0. What was sent 2^30 packets ago
  // (seconds, at any line rate) has left the network long since: no old packet can pass for a new one.
  if (base + ppr > SEQ_WRAP) base = 0;
  n.fDst[fl] = dst;
  n.fPpr[fl] = ppr;
  n.fLastPayload[fl] = bytes - (ppr - 1) * mtu;
  n.fPkts[fl] = base + ppr;
  n.fBytes[fl] += bytes;
  for (const a of [n.sndNxt, n.sndUna, n.highSent, n.expected]) a[fl] = base;
  n.nakSent[fl] = 0;
  n.ackCount[fl] = 0;
  n.retries[fl] = 0;
  n.fEnd[fl] = -1;
  if (n.failed[fl]) resumeQp(n, fl);
  n.gate[fl] = base + ppr;
  n.nextSend[fl] = Math.max(n.nextSend[fl], nowPs);
}

/**
 * The program's tasks followed by each sender's slots: S RoCE QPs then S TCP (DCTCP, lossy) QPs; border0's
 * transfers are all north-south, so its 2 S are all TCP. A slot's destination here is a placeholder (streamQp sets
 * it).
 */
export function withSlots(
  f: Fabric,
  base: readonly Transfer[],
  baseTransports: Uint8Array | undefined,
  senders: readonly number[],
  border: number,
  S: number,
  tcpKind: number,
): { transfers: Transfer[]; transports: Uint8Array } {
  const transfers = base.slice();
  const kinds: number[] = Array.from(baseTransports ?? new Uint8Array(base.length));
  const other = (n: number) => (n === f.hosts[0] ? f.hosts[1] : f.hosts[0]);
  for (const n of senders)
    for (let tcp = 0; tcp < 2; tcp++)
      for (let j = 0; j < S; j++) {
        const id = transfers.length;
        const ns = tcp === 1 || n === border;
        transfers.push({
          ...{ id, kind: 'transfer', src: n as NodeId, dst: other(n) as NodeId, bytes: 1, durationPs: 0 },
          ...{ startPs: Number.POSITIVE_INFINITY, deps: [], repeat: 1, stepDeps: [], stepLags: [], channel: j },
          ...{ item: -1, cls: ns ? 'lossy' : 'roce', op: -1 },
        });
        kinds.push(ns ? tcpKind : TR_ROCE);
      }
  return { transfers, transports: Uint8Array.from(kinds) };
}
