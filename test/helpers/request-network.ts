// Running the packet engine's request network (src/engine/packet/request-network.ts) in tests: until nothing is due,
// every transfer delivered.
import { expect } from 'vitest';
import type { PacketRequestNetwork } from '../../src/engine/packet/request-network.ts';

/** Runs the network until nothing is due, recording each tag's delivery time (ns); every transfer must arrive. */
export function drainDelivered(n: PacketRequestNetwork): Map<number, number> {
  const at = new Map<number, number>();
  for (let t = n.nextTime(); t < Number.POSITIVE_INFINITY; t = n.nextTime())
    n.advance(t, (tag, ok) => {
      expect(ok).toBe(true);
      at.set(tag, t);
    });
  return at;
}
