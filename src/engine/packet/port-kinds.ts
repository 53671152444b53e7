// Port kinds: what a port never changes (its link's rate, the arrival delay to the next node, the ECN thresholds)
// in a small table shared by the ports of equal fields (a fat-tree has a handful), so that a port's record in
// port.ts keeps to two cache lines. Leaves out what changes while the engine runs (port.ts).
import type { NetworkConfig } from '../core/network.ts';
import type { Topology } from './topology.ts';

// A port kind's record (KD Float64 fields).
export const KD = 8;
export const K_PS_PER_BYTE = 0;
/** Propagation plus the receiving node's latency: from the end of serialization to the arrival. */
export const K_ARRIVE = 1;
export const K_KMIN = 2;
export const K_KMAX = 3;
export const K_PMAX = 4;
/** The layout in one object, to destructure once (an imported binding costs a check at every use: packets.ts). */
export const KIND_LAYOUT = { KD, K_PS_PER_BYTE, K_ARRIVE, K_KMIN, K_KMAX, K_PMAX } as const;

/**
 * Each port's kind (its rate, arrival delay and ECN thresholds: the fields it never changes), and the kinds'
 * records, KD fields each. Ports of equal fields share a kind.
 */
export function portKinds(topo: Topology, net: NetworkConfig): { kind: Int32Array; kinds: Float64Array } {
  const P = topo.P;
  const kind = new Int32Array(P);
  const byKey = new Map<string, number>();
  const fields: number[] = [];
  const rec = new Float64Array(KD);
  // The kind of the last port of each direction: neighbouring links are mostly of one tier, so the text key (a
  // third of a second for k=32's 49,152 ports) is made only when a port differs from it.
  const last = [-1, -1];
  for (let l = 0; l < P >> 1; l++) {
    // `net.ecn` allocates per call: once per link.
    const e = net.ecnOn ? net.ecn(l) : null;
    for (let p = 2 * l; p <= 2 * l + 1; p++) {
      rec[K_PS_PER_BYTE] = topo.psPerByte[p];
      rec[K_ARRIVE] = topo.propPs[p] + topo.latencyPs[topo.portTo[p]];
      rec[K_KMIN] = e ? e.kmin : 0;
      rec[K_KMAX] = e ? e.kmax : 0;
      rec[K_PMAX] = e ? e.pmax : 0;
      let k = last[p & 1];
      if (k < 0 || !rec.every((v, j) => fields[k * KD + j] === v)) {
        const key = rec.join();
        k = byKey.get(key) ?? -1;
        if (k < 0) {
          k = byKey.size;
          byKey.set(key, k);
          fields.push(...rec);
        }
        last[p & 1] = k;
      }
      kind[p] = k;
    }
  }
  return { kind, kinds: Float64Array.from(fields) };
}
