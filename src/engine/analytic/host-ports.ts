// The host ports a connection takes on a fabric whose hosts have several links (a NIC split over planes, a
// dual-homed server), for the analytic engine's hose model: the path the flow and packet engines walk (the host
// and every switch pick ecmpIndex(hash, 0, node, count) with the run's per-task hash, core/ecmp.ts), reduced to
// its first link (the source's port) and last link (the destination's). A connection then shares only the port
// its hash picks, at that port's rate, as on the other engines. Null on fabrics of single-link hosts, whose
// hose model stays per host. Leaves out failures (the analytic engine has none).
import type { Fabric, LinkId, NodeId } from '../../fabric/types.ts';
import { ecmpIndex, flowHashes } from '../core/ecmp.ts';

export class HostPorts {
  private readonly hashes: Uint32Array;

  private constructor(
    private readonly f: Fabric,
    seed: number,
    tasks: number,
  ) {
    this.hashes = flowHashes(seed, tasks);
  }

  /** HostPorts for a run of `tasks` tasks, or null when every host has at most one link. */
  static of(f: Fabric, seed: number, tasks: number): HostPorts | null {
    for (const h of f.hosts) if (f.adjStart[h + 1] - f.adjStart[h] > 1) return new HostPorts(f, seed, tasks);
    return null;
  }

  /** Task `id`'s source port (out[0]) and destination port (out[1]) as link ids, from its hash's path. */
  ends(id: number, src: NodeId, dst: NodeId, out: Int32Array): void {
    const f = this.f;
    const h = this.hashes[id];
    let at = src;
    for (let hops = 0; at !== dst; hops++) {
      if (hops > 32) throw new Error(`internal: no route from ${f.nodes[src].name} to ${f.nodes[dst].name}`);
      const cnt = f.routing.count(at, dst);
      const l = f.routing.pick(at, dst, cnt > 1 ? ecmpIndex(h, 0, at, cnt) : 0);
      if (hops === 0) out[0] = l;
      out[1] = l;
      at = f.peer(l as LinkId, at);
    }
  }
}
