// Fabric generators, step 1 of 2: from a spec and the catalog to a Blueprint (counts and wiring
// parameters, no graph). The planner ranks blueprints; build.ts wires the chosen one into a Fabric.
//
//   spec ──► resolve models ──► split leaf ports ──► size upper tiers ──► Blueprint ──► (build.ts) Fabric
//

import { closest } from '../base/suggest.ts';
import { formatRate, parseRateBps } from '../base/units.ts';
import { type Catalog, maxPortsAt, type NicModel, type SwitchModel } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import { msg } from '../messages.ts';
import type { FabricSpec } from '../scenario/schema.ts';
import { checkPlaneFields, planePort, withPlanes } from './planes.ts';
import { commonUplinkSpeed, divisors, evenSpread, resolveSwitch, splitLeaf } from './ports.ts';
import { withStorage } from './storage.ts';
import { checkTierFields, leafRatio, podRatio, splitSpine } from './tiers.ts';
import type {
  AccessAggWiring,
  Blueprint,
  ClosWiring,
  DdcWiring,
  LinkGroup,
  SwitchCount,
  SwitchRoleName,
} from './types.ts';

export function resolveNic(catalog: Catalog, nic: string, path = 'fabric.nic'): NicModel {
  const byId = catalog.nics.get(nic);
  if (byId) return byId;
  const speed = parseRateBps(nic);
  if (Number.isFinite(speed)) {
    const all = [...catalog.nics.values()].filter((n) => n.speedBps === speed);
    if (all.length > 0) return all.sort((a, b) => a.price.usd - b.price.usd)[0];
    throw new DesignError(
      path,
      msg.nicSpeedUnknown(
        speed,
        [...new Set([...catalog.nics.values()].map((n) => n.speedBps))].sort((a, b) => a - b),
      ),
    );
  }
  throw new DesignError(path, msg.unknownModel('NIC', nic, closest(nic, [...catalog.nics.keys()]), 'NICs'));
}

function requireModel(catalog: Catalog, id: string | undefined, path: string, topology: string, example: string) {
  if (!id)
    throw new DesignError(
      path,
      `is required for topology ${topology} (e.g. ${example}); or leave out fabric.topology to let the planner choose`,
    );
  return resolveSwitch(catalog, id, path);
}

function checkRole(model: SwitchModel, role: SwitchRoleName, path: string): void {
  if (!model.roles.includes(role)) throw new DesignError(path, msg.roleNotSupported(model.id, role, model.roles));
}

/** Sizes a fabric: the design's counts and wiring, or a DesignError naming the constraint that failed. */
export function blueprint(spec: FabricSpec, catalog: Catalog): Blueprint {
  const topology = spec.topology;
  if (!topology) throw new DesignError('fabric.topology', 'is required to build one fabric (or use the planner)');
  if (spec.hosts % spec.gpusPerNode !== 0)
    throw new DesignError('fabric.hosts', msg.hostsNotMultipleOfGpus(spec.hosts, spec.gpusPerNode));
  checkTierFields(spec);
  checkPlaneFields(spec);
  const nic = resolveNic(catalog, spec.nic);
  const bp = familyBlueprint(spec, catalog, nic);
  if (!spec.storage) return bp;
  return withStorage(spec, bp, resolveNic(catalog, spec.storage.nic ?? spec.nic, 'fabric.storage.nic'));
}

function familyBlueprint(spec: FabricSpec, catalog: Catalog, nic: NicModel): Blueprint {
  const topology = spec.topology;
  const planes = spec.planes ?? 1;
  switch (topology) {
    case 'leaf-spine':
      return planes > 1
        ? withPlanes(leafSpine(spec, catalog, planePort(nic, planes)), nic, planes)
        : leafSpine(spec, catalog, nic);
    case 'fat-tree':
      return fatTree(spec, catalog, nic);
    case 'rail-optimized':
      return planes > 1
        ? withPlanes(railOptimized(spec, catalog, planePort(nic, planes)), nic, planes)
        : railOptimized(spec, catalog, nic);
    case 'ddc':
      return ddc(spec, catalog, nic);
    case 'access-aggregation':
      return accessAggregation(spec, catalog, nic);
    case 'custom':
    case undefined:
      // A custom fabric has no formula: designFabric builds it from its file (custom.ts).
      throw new DesignError('fabric.topology', 'custom fabrics are built from fabric.file by designFabric');
  }
}

function leafSpine(spec: FabricSpec, catalog: Catalog, nic: NicModel): Blueprint {
  const leafModel = requireModel(catalog, spec.switch, 'fabric.switch', 'leaf-spine', 'aurcore-32x400g');
  const spineModel = spec.spineSwitch ? resolveSwitch(catalog, spec.spineSwitch, 'fabric.spineSwitch') : leafModel;
  checkRole(leafModel, 'leaf', 'fabric.switch');
  checkRole(spineModel, 'spine', spec.spineSwitch ? 'fabric.spineSwitch' : 'fabric.switch');
  const host = nic.speedBps;
  if (maxPortsAt(leafModel, host) === 0) throw new DesignError('fabric.switch', msg.noPortAtSpeed(leafModel.id, host));
  const upRate = commonUplinkSpeed(leafModel, spineModel, host);
  if (!upRate)
    throw new DesignError(
      'fabric.spineSwitch',
      `${leafModel.id} and ${spineModel.id} share no port speed of at least ${formatRate(host)}`,
    );
  const split = splitLeaf(
    leafModel,
    host,
    upRate,
    leafRatio(spec) ?? 1,
    spec.gpusPerNode,
    'fabric.switch',
    spec.hostsPerLeaf,
  );
  const leaves = Math.ceil(spec.hosts / split.hostsPerLeaf);
  const spinePorts = maxPortsAt(spineModel, upRate);
  // The storage leaf pair (fabric.storage) takes spine ports like two more leaves.
  const spines = evenSpread(leaves + storageLeaves(spec), split.uplinks, spinePorts);
  if (spines === null)
    throw new DesignError(
      'fabric.hosts',
      `${spec.hosts} hosts need ${leaves} leaves of ${split.hostsPerLeaf} hosts${spec.storage ? ` and ${storageLeaves(spec)} storage leaves (fabric.storage)` : ''}, but a ${spineModel.id} spine has only ${spinePorts} ports at ${formatRate(upRate)} (at most ${spinePorts * split.hostsPerLeaf} hosts in two tiers); use topology fat-tree, a larger spine switch, or fewer hosts`,
    );
  const wiring: ClosWiring = {
    kind: 'clos',
    leafModel,
    spineModel,
    coreModel: null,
    attach: 'sequential',
    hostsPerLeaf: split.hostsPerLeaf,
    serversPerUnit: 0,
    pods: 1,
    leavesPerPod: leaves,
    leaves,
    spinesPerPod: spines,
    leafUplinks: split.uplinks,
    leafSpineParallel: split.uplinks / spines,
    fabricRateBps: upRate,
    spineUplinks: 0,
    coresPerPlane: 0,
    spineCoreParallel: 0,
    unitsPerPod: 0,
  };
  return closBlueprint(spec, nic, 'leaf-spine', wiring, [
    `${leaves} leaves x ${split.hostsPerLeaf} hosts, ${split.uplinks} uplinks each at ${formatRate(upRate)}; ${spines} spines (${plural(split.uplinks / spines, 'link')} per leaf-spine pair)`,
  ]);
}

/** Leaf, spine and core models of a Clos: the spine defaults to the leaf's model, the core to the spine's. */
function closModels(spec: FabricSpec, catalog: Catalog, topology: string, example: string) {
  const leafModel = requireModel(catalog, spec.switch, 'fabric.switch', topology, example);
  const spineModel = spec.spineSwitch ? resolveSwitch(catalog, spec.spineSwitch, 'fabric.spineSwitch') : leafModel;
  const coreModel = spec.coreSwitch ? resolveSwitch(catalog, spec.coreSwitch, 'fabric.coreSwitch') : spineModel;
  checkRole(leafModel, 'leaf', 'fabric.switch');
  checkRole(spineModel, 'spine', spec.spineSwitch ? 'fabric.spineSwitch' : 'fabric.switch');
  return { leafModel, spineModel, coreModel };
}

function checkCoreRole(spec: FabricSpec, coreModel: SwitchModel): void {
  checkRole(
    coreModel,
    'core',
    spec.coreSwitch ? 'fabric.coreSwitch' : spec.spineSwitch ? 'fabric.spineSwitch' : 'fabric.switch',
  );
}

function fatTree(spec: FabricSpec, catalog: Catalog, nic: NicModel): Blueprint {
  const { leafModel, spineModel, coreModel } = closModels(spec, catalog, 'fat-tree', 'aurcore-32x400g');
  checkCoreRole(spec, coreModel);
  const host = nic.speedBps;
  if (spec.fabricSpeed !== undefined) return mixedSpeedFatTree(spec, nic, leafModel, spineModel, coreModel);
  // A k-ary fat-tree runs every port at the host speed (Al-Fares et al. 2008, FAT-02).
  const avail = Math.min(maxPortsAt(leafModel, host), maxPortsAt(spineModel, host), maxPortsAt(coreModel, host));
  if (avail === 0) throw new DesignError('fabric.switch', msg.noPortAtSpeed(leafModel.id, host));
  const k = spec.k ?? (avail % 2 === 0 ? avail : avail - 1);
  if (k % 2 !== 0) throw new DesignError('fabric.k', `k must be even (got ${k}); use ${k - 1} or ${k + 1}`);
  if (k > avail)
    throw new DesignError(
      'fabric.k',
      `k=${k} needs ${k} ports at ${formatRate(host)} on every switch, but the models have only ${avail}; use k <= ${avail} or a larger switch`,
    );
  const o = leafRatio(spec) ?? 1;
  const { up, hostsPerLeaf } = edgeSplit(spec, k, o);
  if (hostsPerLeaf <= 0)
    throw new DesignError(
      'fabric.gpusPerNode',
      `a server of ${spec.gpusPerNode} GPUs does not fit on one k=${k} edge switch`,
    );
  // Aggregation switches: k/2 down and k/2 up when non-blocking; a pod ratio p moves ports down (splitSpine).
  const spine = splitSpine(k, podRatio(spec));
  const leavesPerPod = spine.down;
  const spinesPerPod = up;
  const perPod = leavesPerPod * hostsPerLeaf;
  const pods = Math.ceil(spec.hosts / perPod);
  if (pods > k)
    throw new DesignError(
      'fabric.hosts',
      `${spec.hosts} hosts need ${pods} pods of ${perPod}, but a k=${k} fat-tree has at most ${k} pods (${k * perPod} hosts); use a larger k or switch`,
    );
  const spineUplinks = spine.up;
  const coresPerPlane = evenSpread(pods, spineUplinks, k);
  if (coresPerPlane === null) throw new DesignError('fabric.coreSwitch', `no core layout fits ${pods} pods`);
  const wiring: ClosWiring = {
    kind: 'clos',
    leafModel,
    spineModel,
    coreModel,
    attach: 'sequential',
    hostsPerLeaf,
    serversPerUnit: 0,
    pods,
    leavesPerPod,
    leaves: pods * leavesPerPod,
    spinesPerPod,
    leafUplinks: up,
    leafSpineParallel: 1,
    fabricRateBps: host,
    spineUplinks,
    coresPerPlane,
    spineCoreParallel: spineUplinks / coresPerPlane,
    unitsPerPod: 0,
  };
  const notes = [
    `k=${k}: ${pods} pods of ${leavesPerPod} edge + ${spinesPerPod} aggregation switches, ${spinesPerPod} core planes of ${coresPerPlane}`,
  ];
  if (avail > k) notes.push(`${avail - k} ports per switch unused at k=${k}`);
  return closBlueprint(spec, nic, 'fat-tree', wiring, notes, avail - k);
}

/**
 * A 3-tier Clos in pods whose upper tiers run faster than the hosts (e.g. HPCC's evaluation fat-tree, FAT-01:
 * ToRs of 16x100G down and 4x400G up). Leaf ports split as in leaf-spine; each leaf has one link to each of
 * its pod's spines; a spine gives half its ports to leaves and half to its core plane.
 */
function mixedSpeedFatTree(
  spec: FabricSpec,
  nic: NicModel,
  leafModel: SwitchModel,
  spineModel: SwitchModel,
  coreModel: SwitchModel,
): Blueprint {
  const host = nic.speedBps;
  const rate = spec.fabricSpeed as number;
  if (maxPortsAt(leafModel, host) === 0) throw new DesignError('fabric.switch', msg.noPortAtSpeed(leafModel.id, host));
  for (const [m, path] of [
    [leafModel, 'fabric.switch'],
    [spineModel, 'fabric.spineSwitch'],
    [coreModel, 'fabric.coreSwitch'],
  ] as const)
    if (maxPortsAt(m, rate) === 0) throw new DesignError(path, msg.noPortAtSpeed(m.id, rate));
  const split = splitLeaf(
    leafModel,
    host,
    rate,
    leafRatio(spec) ?? 1,
    spec.gpusPerNode,
    'fabric.switch',
    spec.hostsPerLeaf,
  );
  const spinesPerPod = split.uplinks;
  const spine = splitSpine(maxPortsAt(spineModel, rate), podRatio(spec));
  const leavesPerPod = spine.down;
  const perPod = leavesPerPod * split.hostsPerLeaf;
  const pods = Math.ceil(spec.hosts / perPod);
  const spineUplinks = spine.up;
  const coresPerPlane = evenSpread(pods, spineUplinks, maxPortsAt(coreModel, rate));
  if (coresPerPlane === null)
    throw new DesignError(
      'fabric.hosts',
      `${spec.hosts} hosts need ${pods} pods of ${perPod}, more than a ${coreModel.id} core plane can join (${maxPortsAt(coreModel, rate)} ports at ${formatRate(rate)}); use a larger core switch or fewer hosts`,
    );
  const wiring: ClosWiring = {
    kind: 'clos',
    leafModel,
    spineModel,
    coreModel,
    attach: 'sequential',
    hostsPerLeaf: split.hostsPerLeaf,
    serversPerUnit: 0,
    pods,
    leavesPerPod,
    leaves: pods * leavesPerPod,
    spinesPerPod,
    leafUplinks: split.uplinks,
    leafSpineParallel: 1,
    fabricRateBps: rate,
    spineUplinks,
    coresPerPlane,
    spineCoreParallel: spineUplinks / coresPerPlane,
    unitsPerPod: 0,
  };
  return closBlueprint(spec, nic, 'fat-tree', wiring, [
    `${pods} pods of ${leavesPerPod} leaves (${split.hostsPerLeaf} hosts, ${split.uplinks} uplinks at ${formatRate(rate)}) and ${spinesPerPod} spines; ${spinesPerPod} core planes of ${coresPerPlane}`,
  ]);
}

function railOptimized(spec: FabricSpec, catalog: Catalog, nic: NicModel): Blueprint {
  const { leafModel, spineModel, coreModel } = closModels(spec, catalog, 'rail-optimized', 'generic-64x800g');
  const rails = spec.gpusPerNode;
  if (rails < 2)
    throw new DesignError(
      'fabric.gpusPerNode',
      'rail-optimized needs servers of at least 2 GPUs (e.g. gpusPerNode: 8)',
    );
  const host = nic.speedBps;
  if (maxPortsAt(leafModel, host) === 0) throw new DesignError('fabric.switch', msg.noPortAtSpeed(leafModel.id, host));
  const upRate = commonUplinkSpeed(leafModel, spineModel, host);
  if (!upRate) throw new DesignError('fabric.spineSwitch', `${leafModel.id} and ${spineModel.id} share no port speed`);
  const split = splitLeaf(leafModel, host, upRate, leafRatio(spec) ?? 1, 1, 'fabric.switch');
  const servers = spec.hosts / rails;
  const serversPerUnit = spec.nodesPerUnit ?? Math.min(split.hostsPerLeaf, servers);
  if (serversPerUnit > split.hostsPerLeaf)
    throw new DesignError(
      'fabric.nodesPerUnit',
      `${serversPerUnit} servers per unit need ${serversPerUnit} host ports on each rail leaf, ${leafModel.id} gives ${split.hostsPerLeaf} at this oversubscription; use nodesPerUnit <= ${split.hostsPerLeaf}`,
    );
  const units = Math.ceil(servers / serversPerUnit);
  const leaves = units * rails;
  const spinePorts = maxPortsAt(spineModel, upRate);
  const twoTier = evenSpread(leaves + storageLeaves(spec), split.uplinks, spinePorts);
  const notes = [
    `${units} scalable units of ${serversPerUnit} servers x ${rails} rails; ${leaves} rail leaves with ${split.uplinks} uplinks at ${formatRate(upRate)}`,
  ];
  const base = {
    kind: 'clos' as const,
    leafModel,
    spineModel,
    attach: 'rail' as const,
    hostsPerLeaf: serversPerUnit,
    serversPerUnit,
    leafUplinks: split.uplinks,
    fabricRateBps: upRate,
  };
  if (twoTier !== null && podRatio(spec) !== undefined)
    throw new DesignError(
      'fabric.oversubscription.pod',
      `${spec.hosts} hosts fit one spine layer of ${twoTier} ${spineModel.id} (two tiers: no tier above the pods to oversubscribe); leave out oversubscription.pod, or use a smaller spine switch so that pods and cores are needed`,
    );
  if (twoTier !== null) {
    const wiring: ClosWiring = {
      ...base,
      coreModel: null,
      pods: 1,
      leavesPerPod: leaves,
      leaves,
      spinesPerPod: twoTier,
      leafSpineParallel: split.uplinks / twoTier,
      spineUplinks: 0,
      coresPerPlane: 0,
      spineCoreParallel: 0,
      unitsPerPod: units,
    };
    notes.push(`one spine layer of ${twoTier} spines holds every unit`);
    return closBlueprint(spec, nic, 'rail-optimized', wiring, notes);
  }
  // One spine layer is not enough: group units into pods with their own spines, cores above.
  checkCoreRole(spec, coreModel);
  const corePorts = maxPortsAt(coreModel, upRate);
  let best: ClosWiring | null = null;
  // A spine's ports split between its pod and the cores under the pod ratio (half and half when non-blocking).
  const pod = podRatio(spec) ?? 1;
  const spineDownMax = splitSpine(spinePorts, pod).down;
  for (let unitsPerPod = 1; unitsPerPod <= units; unitsPerPod++) {
    const leavesPerPod = unitsPerPod * rails;
    const sp = evenSpread(leavesPerPod, split.uplinks, spineDownMax);
    if (sp === null) break;
    const pods = Math.ceil(units / unitsPerPod);
    const spineUplinks = Math.ceil((leavesPerPod * split.uplinks) / sp / pod - 1e-9);
    const cpp = evenSpread(pods, spineUplinks, corePorts);
    if (cpp === null) continue;
    const w: ClosWiring = {
      ...base,
      coreModel,
      pods,
      leavesPerPod,
      leaves,
      spinesPerPod: sp,
      leafSpineParallel: split.uplinks / sp,
      spineUplinks,
      coresPerPlane: cpp,
      spineCoreParallel: spineUplinks / cpp,
      unitsPerPod,
    };
    const count = (x: ClosWiring) => x.pods * x.spinesPerPod + x.spinesPerPod * x.coresPerPlane;
    if (!best || count(w) < count(best)) best = w;
  }
  if (!best)
    throw new DesignError(
      'fabric.hosts',
      `${spec.hosts} hosts in ${units} units do not fit three tiers of ${spineModel.id}/${coreModel.id}; use a larger switch or fewer hosts`,
    );
  notes.push(
    `pods of ${best.unitsPerPod} units with ${best.spinesPerPod} spines each; ${best.spinesPerPod} core planes of ${best.coresPerPlane}`,
  );
  return closBlueprint(spec, nic, 'rail-optimized', best, notes);
}

function closBlueprint(
  spec: FabricSpec,
  nic: NicModel,
  topology: 'leaf-spine' | 'fat-tree' | 'rail-optimized',
  w: ClosWiring,
  notes: string[],
  unusedPerSwitch = 0,
): Blueprint {
  const host = nic.speedBps;
  const spines = w.pods * w.spinesPerPod;
  const cores = w.coreModel ? w.spinesPerPod * w.coresPerPlane : 0;
  const switches: SwitchCount[] = [
    {
      role: 'leaf',
      model: w.leafModel.id,
      count: w.leaves,
      unusedPorts: unusedPerSwitch || unusedLeafPorts(w, host),
    },
    { role: 'spine', model: w.spineModel.id, count: spines, unusedPorts: unusedPerSwitch },
  ];
  if (w.coreModel) switches.push({ role: 'core', model: w.coreModel.id, count: cores, unusedPorts: unusedPerSwitch });
  const links: LinkGroup[] = [
    { tier: 'host-leaf', count: spec.hosts, rateBps: host, lengthClass: w.attach === 'rail' ? 'row' : 'rack' },
    { tier: 'leaf-spine', count: w.leaves * w.leafUplinks, rateBps: w.fabricRateBps, lengthClass: 'row' },
  ];
  if (w.coreModel)
    links.push({ tier: 'spine-core', count: spines * w.spineUplinks, rateBps: w.fabricRateBps, lengthClass: 'hall' });
  const downPerLeaf = Math.min(spec.hosts, w.hostsPerLeaf) * host;
  const upPerLeaf = w.leafUplinks * w.fabricRateBps;
  const oversubscription: Blueprint['oversubscription'] = { leaf: downPerLeaf / upPerLeaf };
  if (w.coreModel) {
    const spineDown = (w.leavesPerPod * w.leafUplinks * w.fabricRateBps) / w.spinesPerPod;
    oversubscription.spine = spineDown / (w.spineUplinks * w.fabricRateBps);
  }
  return {
    topology,
    hosts: spec.hosts,
    gpusPerNode: spec.gpusPerNode,
    nic,
    hostRateBps: host,
    tiers: w.coreModel ? 3 : 2,
    switches,
    links,
    oversubscription,
    bisectionBps: closBisection(spec.hosts, host, spec.gpusPerNode, w),
    maxHops: spec.hosts <= w.hostsPerLeaf && w.attach === 'sequential' ? 2 : w.coreModel ? 6 : 4,
    notes,
    wiring: w,
  };
}

/** Physical ports of a leaf left unused once its hosts and uplinks are placed. */
function unusedLeafPorts(w: ClosWiring, host: number): number {
  const m = w.leafModel;
  const lanes = (rate: number) =>
    m.portGroups.map((g) => (g.speedBps === rate ? 1 : (g.breakouts.find((b) => b.speedBps === rate)?.lanes ?? 0)));
  const place = (need: number, laneOf: number[], order: number[], left: number[]) => {
    for (const i of order) {
      if (!laneOf[i] || !need) continue;
      const p = Math.min(left[i], Math.ceil(need / laneOf[i]));
      need -= Math.min(need, p * laneOf[i]);
      left[i] -= p;
    }
  };
  const left = m.portGroups.map((g) => g.count);
  const idx = m.portGroups.map((_, i) => i);
  const upL = lanes(w.fabricRateBps);
  const hostL = lanes(host);
  place(
    w.leafUplinks,
    upL,
    [...idx].sort((a, b) => m.portGroups[b].speedBps - m.portGroups[a].speedBps),
    left,
  );
  place(
    w.hostsPerLeaf,
    hostL,
    [...idx].sort((a, b) => hostL[b] - hostL[a]),
    left,
  );
  return left.reduce((a, b) => a + b, 0);
}

/**
 * Bisection bandwidth between the first and the second half of the hosts (h0..h(N/2-1) against the rest),
 * by levels: pairs on one leaf meet there; what is left climbs, capped by the leaf's uplinks; pairs in one
 * pod (or aggregation group) meet in its spines; what is left climbs, capped by the pod's uplinks; the rest
 * meets at the top. Each stage is a rearrangeably non-blocking Clos stage (every lower switch has the same
 * capacity to every upper switch), so splitting traffic evenly over it realises this flow; the graph's
 * max-flow (metrics.ts) must agree.
 */
export function levelBisection(
  leafHalves: { a: number; b: number; pod: number }[],
  hostRateBps: number,
  leafUpBps: number,
  podUpBps: number,
): number {
  let total = 0;
  const podA = new Map<number, number>();
  const podB = new Map<number, number>();
  for (const l of leafHalves) {
    const m = Math.min(l.a, l.b);
    total += m * hostRateBps;
    podA.set(l.pod, (podA.get(l.pod) ?? 0) + Math.min((l.a - m) * hostRateBps, leafUpBps));
    podB.set(l.pod, (podB.get(l.pod) ?? 0) + Math.min((l.b - m) * hostRateBps, leafUpBps));
  }
  let rootA = 0;
  let rootB = 0;
  for (const [pod, a] of podA) {
    const b = podB.get(pod) ?? 0;
    const m = Math.min(a, b);
    total += m;
    rootA += Math.min(a - m, podUpBps);
    rootB += Math.min(b - m, podUpBps);
  }
  return total + Math.min(rootA, rootB);
}

/** How many of each leaf's hosts fall in the first half (a) and in the second (b). */
function closHalves(hosts: number, gpusPerNode: number, w: ClosWiring): { a: number; b: number; pod: number }[] {
  if (w.attach === 'sequential')
    return sequentialHalves(hosts, w.hostsPerLeaf, w.leaves, (j) => (w.coreModel ? Math.floor(j / w.leavesPerPod) : 0));
  const half = Math.floor(hosts / 2);
  const out: { a: number; b: number; pod: number }[] = [];
  for (let j = 0; j < w.leaves; j++) out.push({ a: 0, b: 0, pod: 0 });
  const R = gpusPerNode;
  for (let s = 0; s < hosts / R; s++) {
    const unit = Math.floor(s / w.serversPerUnit);
    for (let r = 0; r < R; r++) {
      const i = s * R + r;
      const leaf = out[unit * R + r];
      leaf.pod = w.coreModel ? Math.floor(unit / Math.max(1, w.unitsPerPod)) : 0;
      if (i < half) leaf.a++;
      else if (i < 2 * half) leaf.b++;
    }
  }
  return out;
}

function closBisection(hosts: number, host: number, gpusPerNode: number, w: ClosWiring): number {
  const podUp = w.coreModel ? w.spinesPerPod * w.spineUplinks * w.fabricRateBps : Infinity;
  return levelBisection(closHalves(hosts, gpusPerNode, w), host, w.leafUplinks * w.fabricRateBps, podUp);
}

/** Halves per leaf for fabrics whose leaf j holds hosts j*h .. (j+1)*h-1. */
function sequentialHalves(hosts: number, perLeaf: number, leaves: number, podOf: (j: number) => number) {
  const half = Math.floor(hosts / 2);
  const out: { a: number; b: number; pod: number }[] = [];
  for (let j = 0; j < leaves; j++) {
    const lo = j * perLeaf;
    const hi = Math.min(hosts, lo + perLeaf);
    const a = Math.max(0, Math.min(hi, half) - lo);
    const b = Math.max(0, Math.min(hi, 2 * half) - Math.max(lo, half));
    out.push({ a, b, pod: podOf(j) });
  }
  return out;
}

function ddc(spec: FabricSpec, catalog: Catalog, nic: NicModel): Blueprint {
  const lc = requireModel(catalog, spec.switch, 'fabric.switch', 'ddc', 'generic-ddc-linecard');
  checkRole(lc, 'linecard', 'fabric.switch');
  const feId =
    spec.spineSwitch ??
    [...catalog.switches.values()].find((s) => s.roles.includes('fabric'))?.id ??
    'generic-ddc-fabric';
  const fe = resolveSwitch(catalog, feId, 'fabric.spineSwitch');
  checkRole(fe, 'fabric', 'fabric.spineSwitch');
  const host = nic.speedBps;
  const clientPorts = maxPortsAt(lc, host, 'client');
  if (clientPorts === 0) throw new DesignError('fabric.switch', msg.noPortAtSpeed(lc.id, host));
  const fabricRate = commonUplinkSpeed(lc, fe, 1, 'fabric', 'fabric');
  if (!fabricRate) throw new DesignError('fabric.spineSwitch', `${lc.id} and ${fe.id} share no fabric port speed`);
  const fabricPorts = maxPortsAt(lc, fabricRate, 'fabric');
  let hostsPerLc = clientPorts - (clientPorts % spec.gpusPerNode);
  const lcRatio = leafRatio(spec);
  if (lcRatio !== undefined) hostsPerLc = Math.min(hostsPerLc, Math.floor((lcRatio * fabricPorts * fabricRate) / host));
  hostsPerLc -= hostsPerLc % spec.gpusPerNode;
  const linecards = Math.ceil(spec.hosts / hostsPerLc);
  const fePorts = maxPortsAt(fe, fabricRate, 'fabric');
  const fes = evenSpread(linecards, fabricPorts, fePorts);
  if (fes === null)
    throw new DesignError(
      'fabric.hosts',
      `${spec.hosts} hosts need ${linecards} line cards, but a ${fe.id} has ${fePorts} fabric ports (at most ${fePorts * hostsPerLc} hosts in one DDC); use fewer hosts or a Clos`,
    );
  const wiring: DdcWiring = {
    kind: 'ddc',
    linecardModel: lc,
    fabricModel: fe,
    hostsPerLinecard: hostsPerLc,
    linecards,
    fabricPortsPerLinecard: fabricPorts,
    fabricElements: fes,
    parallel: fabricPorts / fes,
    fabricRateBps: fabricRate,
  };
  return {
    topology: 'ddc',
    hosts: spec.hosts,
    gpusPerNode: spec.gpusPerNode,
    nic,
    hostRateBps: host,
    tiers: 2,
    switches: [
      { role: 'linecard', model: lc.id, count: linecards, unusedPorts: clientPorts - hostsPerLc },
      { role: 'fabric', model: fe.id, count: fes, unusedPorts: fePorts - linecards * (fabricPorts / fes) },
    ],
    links: [
      { tier: 'host-linecard', count: spec.hosts, rateBps: host, lengthClass: 'rack' },
      { tier: 'linecard-fabric', count: linecards * fabricPorts, rateBps: fabricRate, lengthClass: 'row' },
    ],
    oversubscription: { linecard: (Math.min(hostsPerLc, spec.hosts) * host) / (fabricPorts * fabricRate) },
    bisectionBps: levelBisection(
      sequentialHalves(spec.hosts, hostsPerLc, linecards, () => 0),
      host,
      fabricPorts * fabricRate,
      Infinity,
    ),
    maxHops: 4,
    notes: [
      `${linecards} line cards x ${hostsPerLc} hosts, ${fabricPorts} fabric links at ${formatRate(fabricRate)} each over ${fes} fabric elements; cells are sprayed over every fabric link, so the DDC behaves as one scheduled chassis`,
    ],
    wiring,
  };
}

function accessAggregation(spec: FabricSpec, catalog: Catalog, nic: NicModel): Blueprint {
  const access = requireModel(catalog, spec.switch, 'fabric.switch', 'access-aggregation', 'aurcore-48x25g-8x100g');
  const agg = resolveSwitch(catalog, spec.spineSwitch ?? 'aurcore-32x100g', 'fabric.spineSwitch');
  checkRole(access, 'access', 'fabric.switch');
  checkRole(agg, 'aggregation', spec.spineSwitch ? 'fabric.spineSwitch' : 'fabric.switch');
  const host = nic.speedBps;
  if (maxPortsAt(access, host) === 0) throw new DesignError('fabric.switch', msg.noPortAtSpeed(access.id, host));
  const upRate = commonUplinkSpeed(access, agg, host);
  if (!upRate) throw new DesignError('fabric.spineSwitch', `${access.id} and ${agg.id} share no port speed`);
  const split = splitLeaf(access, host, upRate, leafRatio(spec) ?? 'natural', spec.gpusPerNode, 'fabric.switch');
  // Dual-homed: each block of hosts on a pair of access switches (2j and 2j+1), one NIC port on each.
  const homes = spec.dualHomed ? 2 : 1;
  const blocks = Math.ceil(spec.hosts / split.hostsPerLeaf);
  const accessSwitches = homes * blocks;
  const aggPorts = maxPortsAt(agg, upRate);
  const borderLinks = Math.floor(aggPorts * spec.northSouthShare);
  // The storage leaf pair (fabric.storage) takes a port on every aggregation switch like one more access switch
  // each; without the reservation a dual-homed design fills every port with access uplinks.
  const down = aggPorts - borderLinks - storageLeaves(spec);
  if (borderLinks < 1 || down < 1)
    throw new DesignError(
      'fabric.northSouthShare',
      `leaves no ports for ${borderLinks < 1 ? 'border uplinks' : 'access switches'} on ${agg.id}`,
    );
  // Group size: a divisor of the access uplinks (each access switch spreads them evenly over its group);
  // the one that needs the fewest aggregation switches, larger groups on ties (smaller blast radius).
  let best: { g: number; groups: number; perGroup: number } | null = null;
  for (const g of divisors(split.uplinks)) {
    if (g < 2 && split.uplinks > 1) continue;
    const perGroup = Math.floor(down / (split.uplinks / g));
    if (perGroup < 1) continue;
    const groups = Math.ceil(accessSwitches / perGroup);
    if (!best || groups * g < best.groups * best.g || (groups * g === best.groups * best.g && g > best.g))
      best = { g, groups, perGroup };
  }
  if (!best)
    throw new DesignError(
      'fabric.spineSwitch',
      `${agg.id} has too few ports for the ${split.uplinks} uplinks of ${access.id}`,
    );
  const parallel = split.uplinks / best.g;
  const aggs = best.g * best.groups;
  const accessPerGroup = Math.ceil(accessSwitches / best.groups);
  const wiring: AccessAggWiring = {
    kind: 'access-aggregation',
    accessModel: access,
    aggModel: agg,
    hostsPerAccess: split.hostsPerLeaf,
    accessSwitches,
    accessUplinks: split.uplinks,
    uplinkRateBps: upRate,
    groupSize: best.g,
    groups: best.groups,
    accessPerGroup,
    parallel,
    borderLinksPerAgg: borderLinks,
    borderRateBps: upRate,
    ...(spec.dualHomed ? { dualHomed: true } : {}),
  };
  const accessDown = Math.min(split.hostsPerLeaf, spec.hosts) * host;
  const aggDown = Math.min(accessSwitches, accessPerGroup) * parallel * upRate;
  // East-west between halves crosses the access uplinks; between groups it also crosses the border links.
  const perBlock = sequentialHalves(spec.hosts, split.hostsPerLeaf, blocks, () => 0);
  const bisection = levelBisection(
    Array.from({ length: accessSwitches }, (_, j) => ({
      ...perBlock[Math.floor(j / homes)],
      pod: Math.floor(j / accessPerGroup),
    })),
    host,
    split.uplinks * upRate,
    best.g * borderLinks * upRate,
  );
  return {
    topology: 'access-aggregation',
    hosts: spec.hosts,
    gpusPerNode: spec.gpusPerNode,
    nic,
    hostRateBps: host,
    tiers: 2,
    switches: [
      { role: 'access', model: access.id, count: accessSwitches, unusedPorts: split.unusedPhysical },
      { role: 'aggregation', model: agg.id, count: aggs, unusedPorts: down - aggDown / upRate },
    ],
    links: [
      { tier: 'host-access', count: homes * spec.hosts, rateBps: host, lengthClass: 'rack' },
      { tier: 'access-aggregation', count: accessSwitches * split.uplinks, rateBps: upRate, lengthClass: 'row' },
      { tier: 'aggregation-border', count: aggs * borderLinks, rateBps: upRate, lengthClass: 'hall' },
    ],
    oversubscription: { access: accessDown / (split.uplinks * upRate), aggregation: aggDown / (borderLinks * upRate) },
    bisectionBps: bisection,
    maxHops: best.groups > 1 ? 6 : blocks > 1 ? 4 : 2,
    notes: [
      `${accessSwitches} access switches x ${split.hostsPerLeaf} hosts, ${split.uplinks} uplinks at ${formatRate(upRate)} spread over groups of ${best.g} aggregation switches (${plural(parallel, 'link')} each); ${plural(best.groups, 'group')}, ${borderLinks} ports of each aggregation switch reserved for border0`,
      ...(spec.dualHomed
        ? [
            `dual-homed: each server's NIC has two ${formatRate(host)} ports, on access switches 2j and 2j+1, active-active (a per-flow hash over both)`,
          ]
        : []),
    ],
    wiring,
  };
}

/**
 * A k-port edge switch's uplinks and hosts: k/(1+o) up and the rest down (k/2 and k/2 when non-blocking),
 * or, with fabric.hostsPerLeaf, that many hosts and the fewest uplinks that keep down:up <= o.
 */
function edgeSplit(spec: FabricSpec, k: number, o: number): { up: number; hostsPerLeaf: number } {
  const h = spec.hostsPerLeaf;
  if (h !== undefined) {
    const up = Math.max(1, Math.ceil(h / o - 1e-9));
    if (h + up > k)
      throw new DesignError(
        'fabric.hostsPerLeaf',
        `${h} hosts and the ${up} uplinks a ${o}:1 leaf needs take ${h + up} ports, a k=${k} edge switch has ${k}; use hostsPerLeaf <= ${Math.floor((k * o) / (1 + o))} or a larger k`,
      );
    return { up, hostsPerLeaf: h };
  }
  const up = Math.max(1, Math.round(k / (1 + o)));
  const hostsPerLeaf = k - up;
  return { up, hostsPerLeaf: hostsPerLeaf - (hostsPerLeaf % spec.gpusPerNode) };
}

/** Storage leaves of fabric.storage (src/fabric/storage.ts): a pair, or one for a single storage node. */
function storageLeaves(spec: FabricSpec): number {
  return spec.storage ? Math.min(2, spec.storage.nodes) : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
