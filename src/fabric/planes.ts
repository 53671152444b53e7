// Multi-plane fabrics and dual-homed servers: which topologies take `fabric.planes` and `fabric.dualHomed`, the
// NIC port one plane sees, and a one-plane blueprint scaled to all planes. A dual-plane fabric is Alibaba HPN's
// (Qian et al., "Alibaba HPN: A Data Center Network for Large Language Model Training", SIGCOMM 2024): each NIC's
// two ports go to two leaves, port p to plane p, and the planes share no switch up to the top, so a connection
// stays in the plane its hash picked and ECMP in one plane never collides with the other's. Left out: more than
// two planes, planes on fat-tree, DDC and access-aggregation, and HPN's non-stacked dual-ToR control plane.
import { formatRate } from '../base/units.ts';
import type { NicModel } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import type { FabricSpec } from '../scenario/schema.ts';
import type { Blueprint } from './types.ts';

/** The topologies whose generators wire planes: a Clos of sequential or rail leaves built once per plane. */
const PLANE_TOPOLOGIES = ['leaf-spine', 'rail-optimized'];

/** Refuses planes and dual-homing where the topology does not wire them, naming the fix. */
export function checkPlaneFields(spec: FabricSpec): void {
  const t = spec.topology;
  if ((spec.planes ?? 1) > 1 && !PLANE_TOPOLOGIES.includes(t ?? ''))
    throw new DesignError(
      'fabric.planes',
      `${spec.planes} planes are wired on topology leaf-spine or rail-optimized, not ${t}; use one of them or leave out fabric.planes`,
    );
  if (spec.dualHomed && t !== 'access-aggregation')
    throw new DesignError(
      'fabric.dualHomed',
      `applies to access-aggregation servers (two access switches each), not ${t}; for a Clos use fabric.planes: 2`,
    );
}

/** One port of a NIC split over `planes` planes: the same card at 1/planes of its speed (HPN: 400G as 2x200G). */
export function planePort(nic: NicModel, planes: number): NicModel {
  return { ...nic, speedBps: nic.speedBps / planes };
}

/**
 * All planes from one plane's blueprint (sized for `planePort`): switches and links times the planes, the
 * bisection too (the planes are disjoint copies, so their max-flows add), the NIC back at its full speed.
 */
export function withPlanes(one: Blueprint, nic: NicModel, planes: number): Blueprint {
  if (one.wiring.kind !== 'clos') throw new Error('internal: planes are wired on Clos fabrics only');
  return {
    ...one,
    nic,
    hostRateBps: nic.speedBps,
    switches: one.switches.map((s) => ({ ...s, count: s.count * planes })),
    links: one.links.map((l) => ({ ...l, count: l.count * planes })),
    bisectionBps: one.bisectionBps * planes,
    notes: [
      ...one.notes.map((n) => `per plane: ${n}`),
      `${planes} disjoint planes: each ${formatRate(nic.speedBps)} NIC as ${planes} ports of ${formatRate(nic.speedBps / planes)}, port p to a leaf of plane p`,
    ],
    wiring: { ...one.wiring, planes },
  };
}
