// ECMP path choice shared by the flow and packet engines: the same seeded 5-tuple hash per QP and the same
// member choice at every switch, so both engines put a flow on the same path.
import { createRandom } from '../../base/random.ts';

/** Each flow's 5-tuple hash: its UDP source port is random per QP, drawn from the run's seed. */
export function flowHashes(seed: number, n: number): Uint32Array {
  const rng = createRandom(seed, 'packet', 'ecmp-hash');
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.u32();
  return out;
}

/** The ECMP member a switch picks for a packet of a flow: its hash mixed with the switch id, modulo the group. */
export function ecmpIndex(flowHash: number, packetType: number, node: number, members: number): number {
  return mixHash(flowHash ^ packetType, node) % members;
}

/** A 32-bit mix of a flow hash and a switch id (murmur3 finalizer), so each switch splits flows differently. */
export function mixHash(h: number, salt: number): number {
  let x = (h ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}
