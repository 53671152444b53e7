// Which hosts get ranks 0..count-1 of a collective or job.
//
// 'rail' (default): whole servers in server order, and inside a server GPUs by rail (GPU index). Ranks i and
// i + k x R (R GPUs per server) then share a rail, so the partners of recursive doubling/halving, Bruck and
// pairwise steps that lie in other servers stay on one rail leaf of a rail-optimized fabric, and the rails of
// hierarchical all-reduce are the fabric's rails. Ring algorithms do not rely on this order: like NCCL, which
// builds its rings from the topology rather than from rank numbers, collectives.ts' ringOrder() walks the
// servers in rank order with a rail-aligned snake inside each, so that each inter-server hop joins the same rail
// at both ends (NCCL_CROSS_NIC=0) and each channel uses other rails. A rank-order snake here would have served
// one ring but put every cross-server recursive-doubling partner on another rail.
// 'sequential': h0, h1, ... in host order. 'random': a uniformly random choice of hosts in random order, from
// the given stream (the caller splits it from the scenario seed).

import type { RandomStream } from '../../base/random.ts';
import { ScenarioError } from '../../errors.ts';
import { domainOf, indexInDomain } from '../../fabric/nvlink.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type { IntraDomain } from './collectives.ts';

export type Placement = 'rail' | 'sequential' | 'random';

export function placeRanks(
  fabric: Fabric,
  count: number,
  placement: Placement = 'rail',
  rng?: RandomStream,
  path = 'ranks',
): NodeId[] {
  const H = fabric.hosts.length;
  if (!Number.isInteger(count) || count < 1 || count > H)
    throw new ScenarioError([{ path, message: `cannot place ${count} ranks on a fabric of ${H} hosts; use 1..${H}` }]);
  const hosts = Array.from(fabric.hosts, (h) => h as NodeId);
  if (placement === 'sequential') return hosts.slice(0, count);
  if (placement === 'random') {
    if (!rng) throw new Error('placeRanks: random placement needs a random stream');
    // Partial Fisher-Yates: the first `count` entries are a uniform random ordered sample.
    for (let k = 0; k < count; k++) {
      const j = k + rng.int(H - k);
      [hosts[k], hosts[j]] = [hosts[j], hosts[k]];
    }
    return hosts.slice(0, count);
  }
  const node = (h: NodeId) => fabric.nodes[h];
  hosts.sort((a, b) => node(a).server - node(b).server || node(a).rail - node(b).rail || a - b);
  return hosts.slice(0, count);
}

/**
 * The NVLink-class domain of a fabric's servers for compileCollective, or undefined when a domain holds one GPU
 * (then every rank pair talks over the fabric). A domain is a server, or `fabric.nvlink.servers` servers on one
 * NVLink switch fabric (GB200 NVL72): serverOf gives the domain and railOf the GPU's index in it.
 */
export function intraDomain(fabric: Fabric, o: { bandwidthBps: number; latencyPs: number }): IntraDomain | undefined {
  const nv = fabric.nvlink;
  if (nv.gpus <= 1) return undefined;
  const R = fabric.spec.gpusPerNode;
  return {
    bandwidthBps: o.bandwidthBps,
    latencyPs: o.latencyPs,
    serverOf: (h) => domainOf(nv, fabric.nodes[h].server),
    railOf: (h) => indexInDomain(nv, fabric.nodes[h].server, fabric.nodes[h].rail, R),
    nvls: nv.nvls,
    multiNode: nv.servers > 1,
  };
}
