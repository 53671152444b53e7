// Storage nodes beside the border (fabric.storage): a storage leaf pair of the fabric's leaf model, hung from every
// switch of the top tier (the spines of a 2-tier Clos, the cores of a 3-tier one, a DDC's fabric elements, the
// aggregation switches of an access/aggregation fabric), storage node i on storage leaf i mod 2. This is the
// storage leaf pair of NVIDIA's DGX SuperPOD reference architecture (DGX H100, "Storage fabric": storage
// appliances on their own leaf switches under the fabric's spines), here on the same fabric as the GPUs, so storage
// bytes share its top tier with the gradients; up/down routing reaches them like any endpoint. On a multi-plane
// Clos (fabric.planes, Alibaba HPN) each plane gets its own storage leaf pair under its own top tier, and each
// storage node's NIC is split over the planes like a host's (port p at 1/planes of its speed to plane p's leaf),
// so every plane reaches every storage node.
// Left out: storage nodes dual-homed on an access/aggregation fabric (each has one port there) and the storage
// system itself (its disks and servers).
import { formatRate } from '../base/units.ts';
import { maxPortsAt, type NicModel, type SwitchModel } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import type { FabricSpec } from '../scenario/schema.ts';
import { planePort } from './planes.ts';
import type { Blueprint, StorageWiring, SwitchRoleName } from './types.ts';

interface Top {
  leafModel: SwitchModel;
  leafRole: SwitchRoleName;
  topModel: SwitchModel;
  topRole: SwitchRoleName;
  topSwitches: number;
  /** Ports of one top switch the fabric already uses at the uplink rate. */
  usedPerTop: number;
  uplinkRateBps: number;
  ddc: boolean;
}

/** The top tier the storage leaves hang from, per family. */
function topOf(bp: Blueprint): Top {
  const w = bp.wiring;
  if (w.kind === 'clos') {
    const base = { leafModel: w.leafModel, leafRole: 'leaf' as const, uplinkRateBps: w.fabricRateBps, ddc: false };
    if (w.coreModel)
      return {
        ...base,
        topModel: w.coreModel,
        topRole: 'core',
        topSwitches: w.spinesPerPod * w.coresPerPlane,
        usedPerTop: w.pods * w.spineCoreParallel,
      };
    return {
      ...base,
      topModel: w.spineModel,
      topRole: 'spine',
      topSwitches: w.pods * w.spinesPerPod,
      usedPerTop: w.leavesPerPod * w.leafSpineParallel,
    };
  }
  if (w.kind === 'ddc')
    return {
      leafModel: w.linecardModel,
      leafRole: 'linecard',
      topModel: w.fabricModel,
      topRole: 'fabric',
      topSwitches: w.fabricElements,
      usedPerTop: w.linecards * w.parallel,
      uplinkRateBps: w.fabricRateBps,
      ddc: true,
    };
  if (w.kind === 'access-aggregation')
    return {
      leafModel: w.accessModel,
      leafRole: 'access',
      topModel: w.aggModel,
      topRole: 'aggregation',
      topSwitches: w.groups * w.groupSize,
      usedPerTop: w.accessPerGroup * w.parallel + w.borderLinksPerAgg,
      uplinkRateBps: w.uplinkRateBps,
      ddc: false,
    };
  throw new DesignError('fabric.storage', 'is not supported on a custom fabric: list the storage nodes in its file');
}

/** The blueprint with fabric.storage's nodes, leaves and links added (unchanged without fabric.storage). On a
 * multi-plane Clos the blueprint's wiring is one plane's: the storage is sized for one plane, then repeated. */
export function withStorage(spec: FabricSpec, bp: Blueprint, fullNic: NicModel): Blueprint {
  const st = spec.storage;
  if (!st) return bp;
  const planes = bp.wiring.kind === 'clos' ? (bp.wiring.planes ?? 1) : 1;
  const nic = planePort(fullNic, planes);
  const t = topOf(bp);
  const leaves = Math.min(2, st.nodes);
  const perLeaf = Math.ceil(st.nodes / leaves);
  const down = perLeaf * nic.speedBps;
  // Enough uplinks that a storage leaf is non-blocking: its nodes' line rate over every top switch; under the
  // spines of a 2-tier Clos, which the generator sized for the pair, as many as a leaf has.
  const w = bp.wiring;
  const asLeaf = w.kind === 'clos' && !w.coreModel ? w.leafSpineParallel : 1;
  const parallel = Math.max(asLeaf, Math.ceil(down / (t.topSwitches * t.uplinkRateBps)));
  const nicPorts = maxPortsAt(t.leafModel, nic.speedBps, t.ddc ? 'client' : 'any');
  const upPorts = maxPortsAt(t.leafModel, t.uplinkRateBps, t.ddc ? 'fabric' : 'any');
  if (nicPorts < perLeaf || upPorts < t.topSwitches * parallel)
    throw new DesignError(
      'fabric.storage.nodes',
      `${perLeaf} storage nodes at ${formatRate(nic.speedBps)} and ${t.topSwitches * parallel} uplinks at ${formatRate(t.uplinkRateBps)} do not fit one ${t.leafModel.id} storage leaf; use fewer storage nodes or a slower storage NIC`,
    );
  const spare = maxPortsAt(t.topModel, t.uplinkRateBps, t.ddc ? 'fabric' : 'any') - t.usedPerTop;
  if (spare < leaves * parallel)
    throw new DesignError(
      'fabric.storage',
      `the storage leaves need ${leaves * parallel} ports at ${formatRate(t.uplinkRateBps)} on every ${t.topRole} switch, a ${t.topModel.id} has ${Math.max(0, spare)} left; use fewer hosts, a larger ${t.topRole} switch or fewer storage nodes`,
    );
  const storage: StorageWiring = {
    nodes: st.nodes,
    nic: fullNic,
    planes,
    leafModel: t.leafModel,
    leaves,
    topRole: t.topRole,
    topSwitches: t.topSwitches,
    parallel,
    uplinkRateBps: t.uplinkRateBps,
    leafRole: t.leafRole,
    ddc: t.ddc,
  };
  const perPlane = planes > 1 ? ` in each of the ${planes} planes (each storage NIC as ${planes} ports)` : '';
  return {
    ...bp,
    switches: [...bp.switches, { role: t.leafRole, model: t.leafModel.id, count: leaves * planes, unusedPorts: 0 }],
    links: [
      ...bp.links,
      { tier: `storage-${t.leafRole}`, count: st.nodes * planes, rateBps: nic.speedBps, lengthClass: 'rack' },
      {
        tier: `${t.leafRole}-${t.topRole}`,
        count: leaves * t.topSwitches * parallel * planes,
        rateBps: t.uplinkRateBps,
        lengthClass: t.topRole === 'core' ? 'hall' : 'row',
      },
    ],
    notes: [
      ...bp.notes,
      `${st.nodes} storage nodes at ${formatRate(fullNic.speedBps)} on ${leaves} storage ${leaves > 1 ? 'switches' : 'switch'} (${t.leafModel.id} as ${t.leafRole})${perPlane}, each with ${parallel} link${parallel > 1 ? 's' : ''} to every ${t.topRole} switch${planes > 1 ? ' of its plane' : ''}`,
    ],
    storage,
  };
}

/** What wiring the storage needs from the builder (build.ts's Builder). */
export interface StorageBuilder {
  node(
    name: string,
    role: 'storage' | SwitchRoleName,
    tier: number,
    model: SwitchModel | null,
    extra?: { model?: string | null },
  ): number;
  link(
    lower: number,
    upper: number,
    rateBps: number,
    lengthClass: 'rack' | 'row' | 'hall',
    use?: 'client' | 'fabric' | 'any',
    nicPort?: number,
  ): void;
  readonly nodes: readonly { id: number; role: string }[];
}

/** Wires the blueprint's storage nodes and leaves into a graph whose other switches exist already: plane p's
 * leaves are sleaf{p x leaves + j}, under plane p's top switches (build.ts numbers each plane's after the last). */
export function wireStorage(b: StorageBuilder, s: StorageWiring): void {
  const tops = b.nodes.filter((n) => n.role === s.topRole).map((n) => n.id);
  const perPlane = tops.length / s.planes;
  const leaves: number[] = [];
  for (let j = 0; j < s.leaves * s.planes; j++) leaves.push(b.node(`sleaf${j}`, s.leafRole, 1, s.leafModel));
  const len = s.topRole === 'core' ? 'hall' : 'row';
  for (let j = 0; j < leaves.length; j++) {
    const p = Math.floor(j / s.leaves);
    for (const t of tops.slice(p * perPlane, (p + 1) * perPlane))
      for (let k = 0; k < s.parallel; k++) b.link(leaves[j], t, s.uplinkRateBps, len, s.ddc ? 'fabric' : undefined);
  }
  const rate = s.nic.speedBps / s.planes;
  for (let i = 0; i < s.nodes; i++) {
    const n = b.node(`stor${i}`, 'storage', 0, null, { model: s.nic.id });
    for (let p = 0; p < s.planes; p++)
      b.link(
        n,
        leaves[p * s.leaves + (i % s.leaves)],
        rate,
        'rack',
        s.ddc ? 'client' : undefined,
        s.planes > 1 ? p : -1,
      );
  }
}
