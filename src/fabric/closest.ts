// When the planner finds no design for a request, what it could do instead: the most hosts (in whole servers)
// for which the same request has a feasible design, found by bisection on the host count (feasibility only
// shrinks as hosts grow: every family's switch counts and port needs grow with them). Not searched: other NIC
// speeds or a looser oversubscription; the message names those as things to change.
import type { Catalog } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import { msg } from '../messages.ts';
import type { FabricSpec } from '../scenario/schema.ts';
import { type PlanCandidate, planDesigns } from './planner.ts';

/** The cheapest design for the most hosts at or below spec.hosts, or null when not even one server fits. */
export function closestFeasible(spec: FabricSpec, catalog: Catalog): PlanCandidate | null {
  const r = spec.gpusPerNode;
  const best = (servers: number) => planDesigns({ ...spec, hosts: servers * r }, catalog).feasible[0] ?? null;
  let lo = 0;
  let hi = Math.floor(spec.hosts / r);
  let found: PlanCandidate | null = null;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const c = best(mid);
    if (c) {
      lo = mid;
      found = c;
    } else hi = mid - 1;
  }
  return found;
}

/** The planner's "nothing feasible" as an error: exit 1, naming the closest design it could make. */
export function noFeasibleDesign(spec: FabricSpec, catalog: Catalog, reasons: string[]): DesignError {
  // Every family rejects hosts that do not fill whole servers: say that, not "no design".
  if (spec.hosts % spec.gpusPerNode !== 0)
    return new DesignError('fabric.hosts', msg.hostsNotMultipleOfGpus(spec.hosts, spec.gpusPerNode));
  const c = closestFeasible(spec, catalog);
  const why = reasons.length > 0 ? ` (${reasons[0]})` : '';
  if (!c)
    return new DesignError(
      'fabric.hosts',
      `no feasible design for ${spec.hosts} hosts in the catalog, not even one server${why}; change the NIC speed or the switch models`,
    );
  return new DesignError(
    'fabric.hosts',
    `no feasible design for ${spec.hosts} hosts in the catalog; the closest is ${c.blueprint.hosts} hosts: ${c.topology} with ${c.switch}${c.spineSwitch && c.spineSwitch !== c.switch ? ` and ${c.spineSwitch}` : ''}, $${Math.round(c.costUsd).toLocaleString('en-US')}; lower hosts to ${c.blueprint.hosts}, raise oversubscription, or add a larger switch to the catalog`,
  );
}

/** The planner's ranking, or the "nothing feasible" error naming the closest design (what plan and serve call). */
export function planFeasible(spec: FabricSpec, catalog: Catalog): ReturnType<typeof planDesigns> {
  const r = planDesigns(spec, catalog);
  if (r.feasible.length === 0)
    throw noFeasibleDesign(
      spec,
      catalog,
      r.familiesRejected.flatMap((f) => f.reasons),
    );
  return r;
}
