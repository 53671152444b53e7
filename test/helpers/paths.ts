// Paths computed from the fabric alone, for tests that check an engine's routing against it.
import { ecmpIndex } from '../../src/engine/core/ecmp.ts';
import type { Fabric, NodeId } from '../../src/fabric/types.ts';

/** The packet engine's path (link ids): a host's first link, then ECMP member ecmpIndex(hash, 0, switch, count). */
export function ecmpPath(f: Fabric, src: NodeId, dst: NodeId, hash: number): number[] {
  const path: number[] = [];
  let at: number = src;
  while (at !== dst) {
    const cnt = f.routing.count(at as NodeId, dst);
    const i = f.nodes[at].role === 'host' ? 0 : ecmpIndex(hash, 0, at, cnt);
    const l = f.routing.pick(at as NodeId, dst, i);
    path.push(l);
    at = f.peer(l, at as NodeId);
  }
  return path;
}
