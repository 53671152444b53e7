// The immutable Fabric graph every engine and report reads (docs/architecture.md, "Folders").
import type { NicModel, SwitchModel } from '../catalog/index.ts';
import type { FabricSpec, Topology } from '../scenario/schema.ts';
import type { Nvlink } from './nvlink.ts';

export type NodeId = number & { readonly __brand: 'NodeId' };
export type LinkId = number & { readonly __brand: 'LinkId' };

export type SwitchRoleName = 'leaf' | 'spine' | 'core' | 'access' | 'aggregation' | 'linecard' | 'fabric';
/** `storage`: a storage node (fabric.storage), an endpoint with a NIC like a host but outside the GPU hosts. */
export type Role = 'host' | 'border' | 'storage' | SwitchRoleName;

/** Endpoints that have a NIC (hosts and storage nodes): what the engines give a NIC, and no switch buffer. */
export const hasNic = (role: Role): boolean => role === 'host' || role === 'storage';

/** The tier a switch role sits on (1 next to the hosts; the border with the top tier), as the generators place them. */
export const TIER_OF: Record<Exclude<Role, 'host' | 'storage'>, number> = {
  leaf: 1,
  access: 1,
  linecard: 1,
  spine: 2,
  aggregation: 2,
  fabric: 2,
  core: 3,
  border: 3,
};

/** Where a cable runs, which sets its length and so the medium (DAC, AOC, optics by reach). */
export type LengthClass = 'rack' | 'row' | 'hall';
export const LENGTH_M: Record<LengthClass, number> = { rack: 2.5, row: 30, hall: 150 };

export interface FabricNode {
  readonly id: NodeId;
  readonly name: string;
  readonly role: Role;
  /** 0 hosts, 1 leaf/access/line card, 2 spine/aggregation/fabric element, 3 core/border. */
  readonly tier: number;
  /** Pod (fat-tree, 3-tier rail-optimized), scalable unit, or aggregation group; -1 when none. */
  readonly pod: number;
  /** Rail (rail-optimized leaves, and a host's GPU index in its server); -1 when none. */
  readonly rail: number;
  /** Server index of a host; -1 for switches. */
  readonly server: number;
  /** Catalog model id (switch or NIC); null for the border node. */
  readonly model: string | null;
}

export interface FabricLink {
  readonly id: LinkId;
  /** The lower-tier end. */
  readonly a: NodeId;
  /** The upper-tier end. */
  readonly b: NodeId;
  readonly aPort: string;
  readonly bPort: string;
  readonly rateBps: number;
  readonly lengthClass: LengthClass;
  readonly lengthM: number;
  /** Catalog medium id (dac-400g, optic-400g-dr4, ...). */
  readonly medium: string;
}

/** Counts per role and model, link groups by speed and length: what the BOM and the planner need. */
export interface SwitchCount {
  role: SwitchRoleName;
  model: string;
  count: number;
  /** Physical ports of one switch left unused (max over the role). */
  unusedPorts: number;
}

export interface LinkGroup {
  /** e.g. host-leaf, leaf-spine, spine-core, aggregation-border. */
  tier: string;
  count: number;
  rateBps: number;
  lengthClass: LengthClass;
}

/**
 * A design's numbers before any node is built: what the planner ranks and the builder wires.
 * Each generator computes one from the spec and the catalog (pure arithmetic, no graph).
 */
export interface Blueprint {
  topology: Topology;
  hosts: number;
  gpusPerNode: number;
  nic: NicModel;
  hostRateBps: number;
  tiers: number;
  switches: SwitchCount[];
  links: LinkGroup[];
  /** Down:up bandwidth per switch role (worst switch of the role). */
  oversubscription: Partial<Record<SwitchRoleName, number>>;
  /** Bisection bandwidth from the family's formula (the graph's max-flow is checked against it). */
  bisectionBps: number;
  /** Links on the longest host-to-host path. */
  maxHops: number;
  /** Why choices were made and what is left unused, for people. */
  notes: string[];
  /** The generator's own wiring parameters. */
  wiring: Wiring;
  /** Storage nodes and their leaf pair (fabric.storage, src/fabric/storage.ts); absent when none. */
  storage?: StorageWiring;
}

/** fabric.storage wired beside the border: storage node i on storage leaf i mod leaves, every leaf up to every
 * switch of the top tier (src/fabric/storage.ts). */
export interface StorageWiring {
  nodes: number;
  /** The storage nodes' NIC, at its full speed (split over the planes like a host's on a multi-plane Clos). */
  nic: NicModel;
  /** Planes of the Clos (fabric.planes; 1 elsewhere): a storage leaf pair per plane, a NIC port per plane. */
  planes: number;
  leafModel: SwitchModel;
  leaves: number;
  /** The role of the switches the storage leaves hang from (spine, core, fabric element, aggregation). */
  topRole: SwitchRoleName;
  topSwitches: number;
  /** Links from one storage leaf to each top switch, at uplinkRateBps. */
  parallel: number;
  uplinkRateBps: number;
  /** What a storage leaf is in this family (a leaf, a line card in a DDC, an access switch). */
  leafRole: SwitchRoleName;
  /** Port use of the link-end ('client' on a DDC line card's host ports, 'fabric' on its uplinks). */
  ddc: boolean;
}

export type Wiring = ClosWiring | DdcWiring | AccessAggWiring | CustomWiring;

/** A fabric read from a topology file (custom.ts): no generator parameters, only where it came from. */
export interface CustomWiring {
  kind: 'custom';
  file: string;
}

/** Leaf-spine, fat-tree and rail-optimized are all Clos networks in pods; 2-tier is one pod without cores. */
export interface ClosWiring {
  kind: 'clos';
  leafModel: SwitchModel;
  spineModel: SwitchModel;
  coreModel: SwitchModel | null;
  /** sequential: leaf j holds hosts j*h..; rail: NIC r of every server in a unit goes to that unit's rail-r leaf. */
  attach: 'sequential' | 'rail';
  hostsPerLeaf: number;
  /** Servers per scalable unit (rail attach). */
  serversPerUnit: number;
  pods: number;
  leavesPerPod: number;
  /** Leaves actually built (the last pod may be partial in 2-tier designs). */
  leaves: number;
  spinesPerPod: number;
  leafUplinks: number;
  leafSpineParallel: number;
  fabricRateBps: number;
  /** Uplinks of one spine to the core planes (0 in 2-tier). */
  spineUplinks: number;
  coresPerPlane: number;
  spineCoreParallel: number;
  /** Rail attach in 3 tiers: each scalable unit is a pod. */
  unitsPerPod: number;
  /** Disjoint planes (planes.ts): every count above is one plane's, host ports run at the NIC speed / planes. */
  planes?: number;
}

export interface DdcWiring {
  kind: 'ddc';
  linecardModel: SwitchModel;
  fabricModel: SwitchModel;
  hostsPerLinecard: number;
  linecards: number;
  fabricPortsPerLinecard: number;
  fabricElements: number;
  parallel: number;
  fabricRateBps: number;
}

export interface AccessAggWiring {
  kind: 'access-aggregation';
  accessModel: SwitchModel;
  aggModel: SwitchModel;
  hostsPerAccess: number;
  accessSwitches: number;
  accessUplinks: number;
  uplinkRateBps: number;
  groupSize: number;
  groups: number;
  accessPerGroup: number;
  parallel: number;
  borderLinksPerAgg: number;
  borderRateBps: number;
  /** Each server on two access switches (planes.ts): access 2j and 2j+1 share hosts block j. */
  dualHomed?: boolean;
}

export interface Fabric {
  readonly name: string;
  readonly topology: Topology;
  readonly spec: FabricSpec;
  readonly blueprint: Blueprint;
  /** The GPUs' NVLink-class domain (nvlink.ts): fabric.gpu, nvlinkDomain and intraServer resolved. */
  readonly nvlink: Nvlink;
  readonly nodes: readonly FabricNode[];
  readonly links: readonly FabricLink[];
  /** Node ids of hosts h0..h(N-1), in order. */
  readonly hosts: Int32Array;
  /** Node ids of the storage nodes stor0.. (fabric.storage), in order; empty when none. */
  readonly storage: Int32Array;
  /** The border node through which clients enter (access-aggregation), or -1. */
  readonly border: NodeId | -1;
  /** Adjacency in CSR form: links of node n are adjLinks[adjStart[n] .. adjStart[n+1]). */
  readonly adjStart: Int32Array;
  readonly adjLinks: Int32Array;
  readonly routing: Routing;
  nodeByName(name: string): NodeId | undefined;
  /** The other end of a link. */
  peer(link: LinkId, from: NodeId): NodeId;
}

/** ECMP up/down routing compiled to flat tables (see routing.ts). */
export interface Routing {
  /** Equal-cost next-hop links from `at` toward endpoint `dst` (a host or the border). */
  nextHops(at: NodeId, dst: NodeId): readonly LinkId[];
  /** How many equal-cost next hops (allocation-free, for engines' per-packet path). */
  count(at: NodeId, dst: NodeId): number;
  /** The i-th of them (0 <= i < count): ECMP picks i from a hash of the flow. */
  pick(at: NodeId, dst: NodeId, i: number): LinkId;
  /** Every equal-cost path from src to dst, as lists of link ids (for tests and small fabrics). */
  paths(src: NodeId, dst: NodeId, limit?: number): LinkId[][];
}
