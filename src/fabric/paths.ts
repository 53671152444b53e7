// Every path from src to dst that a routing's next hops allow, by depth-first walk (what `Routing.paths` returns;
// used by metrics and tests, never per packet). Shared by the up/down routing of generated fabrics and the
// shortest-path routing of custom ones.
import type { LinkId, NodeId } from './types.ts';

export function enumeratePaths(
  src: NodeId,
  dst: NodeId,
  limit: number,
  nextHops: (at: NodeId, dst: NodeId) => LinkId[],
  peer: (l: number, from: number) => number,
  /** A walk deeper than this is a loop in the tables (up/down paths are short): an internal error. */
  maxHops = Number.POSITIVE_INFINITY,
): LinkId[][] {
  const out: LinkId[][] = [];
  const path: LinkId[] = [];
  const walk = (at: number) => {
    if (out.length >= limit) return;
    if (at === dst) {
      out.push([...path]);
      return;
    }
    if (path.length > maxHops) throw new Error(`internal: routing loop from ${src} to ${dst}`);
    for (const l of nextHops(at as NodeId, dst)) {
      path.push(l);
      walk(peer(l, at));
      path.pop();
    }
  };
  walk(src);
  return out;
}
