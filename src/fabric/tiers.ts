// Rack size and oversubscription per tier boundary: reads `fabric.hostsPerLeaf` and the `{leaf, pod}` form of
// `fabric.oversubscription`, says which topologies honour them, and splits a spine's ports between its pod and
// the tier above. Leaves out: per-tier ratios above the pod (a 4th tier).
import { DesignError } from '../errors.ts';
import type { FabricSpec } from '../scenario/schema.ts';

/** The leaf (access) down:up target: a bare number, or the `leaf` of `{leaf, pod}`; undefined when not set. */
export function leafRatio(spec: FabricSpec): number | undefined {
  const o = spec.oversubscription;
  return typeof o === 'object' ? o.leaf : o;
}

/** The spine (pod) down:up target of a 3-tier design; undefined when not set (non-blocking, as before). */
export function podRatio(spec: FabricSpec): number | undefined {
  const o = spec.oversubscription;
  return typeof o === 'object' ? o.pod : undefined;
}

/**
 * Refuses the fields a topology fixes by construction, naming what to use instead: a rail leaf holds one
 * server per rail (nodesPerUnit sizes it), a DDC line card and an access switch keep their client ports'
 * split; a pod ratio needs a tier above the pods (fat-tree).
 */
export function checkTierFields(spec: FabricSpec): void {
  const t = spec.topology;
  if (spec.hostsPerLeaf !== undefined) {
    const fixed: Record<string, string> = {
      'rail-optimized': 'a rail leaf takes one GPU of each server of its unit: set fabric.nodesPerUnit instead',
      ddc: 'a line card takes hosts on its client ports: set fabric.oversubscription instead',
      'access-aggregation': "an access switch keeps its model's split (slow ports down, fast ports up)",
    };
    if (t && t in fixed)
      throw new DesignError(
        'fabric.hostsPerLeaf',
        `is not used by topology ${t}: ${fixed[t]}; leaf-spine and fat-tree honour it`,
      );
    if (spec.hostsPerLeaf % spec.gpusPerNode !== 0)
      throw new DesignError(
        'fabric.hostsPerLeaf',
        `${spec.hostsPerLeaf} is not a multiple of gpusPerNode (${spec.gpusPerNode}): a server's GPUs share its leaf; use ${Math.max(spec.gpusPerNode, spec.hostsPerLeaf - (spec.hostsPerLeaf % spec.gpusPerNode))}`,
      );
  }
  if (podRatio(spec) !== undefined && t !== 'fat-tree' && t !== 'rail-optimized')
    throw new DesignError(
      'fabric.oversubscription.pod',
      `applies to 3-tier designs with pods (topology fat-tree or rail-optimized), not ${t}; use a number for the leaf ratio`,
    );
}

/**
 * A spine's ports split between the leaves of its pod (down) and the core (up) under a down:up target `pod`:
 * the most leaves such that down/up <= pod. pod 1 gives half and half, the non-blocking fat-tree spine
 * (Al-Fares et al. 2008); pod 7 gives 56 down and 8 up on a 64-port spine.
 */
export function splitSpine(ports: number, pod = 1): { down: number; up: number } {
  const down = Math.floor((ports * pod) / (pod + 1) + 1e-9);
  return { down, up: Math.ceil(down / pod - 1e-9) };
}
