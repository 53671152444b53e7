// The planner: tries every topology family and catalog switch that could serve the hosts, keeps the
// designs that meet the requirement (hosts, NIC speed, oversubscription, bisection), ranks them by cost
// then power, and says why each rejected family failed. Works on Blueprints only (no graph), so a
// whole-catalog search for 100,000 GPUs stays in seconds.
import type { Catalog, SwitchModel } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import { type FabricSpec, type GeneratedTopology, TOPOLOGIES, type Topology } from '../scenario/schema.ts';
import { billOfMaterials, countsFromBlueprint } from './bom.ts';
import { blueprint, resolveNic } from './generators.ts';
import { leafRatio, podRatio } from './tiers.ts';
import type { Blueprint } from './types.ts';

export interface PlanCandidate {
  topology: Topology;
  switch: string;
  spineSwitch: string;
  blueprint: Blueprint;
  costUsd: number;
  powerW: number;
  switches: number;
}

export interface PlanRejection {
  topology: Topology;
  switch: string;
  spineSwitch: string;
  reason: string;
}

export interface PlanResult {
  requirement: { hosts: number; nicBps: number; gpusPerNode: number; oversubscription: number; bisectionBps: number };
  feasible: PlanCandidate[];
  rejected: PlanRejection[];
  /** Per family with no feasible design: the distinct reasons. */
  familiesRejected: { topology: Topology; reasons: string[] }[];
}

const ROLE_PAIRS: Record<GeneratedTopology, [lower: string, upper: string]> = {
  'leaf-spine': ['leaf', 'spine'],
  'fat-tree': ['leaf', 'leaf'],
  'rail-optimized': ['leaf', 'spine'],
  ddc: ['linecard', 'fabric'],
  'access-aggregation': ['access', 'aggregation'],
};

export function planDesigns(spec: FabricSpec, catalog: Catalog): PlanResult {
  const nic = resolveNic(catalog, spec.nic);
  const oversub = leafRatio(spec) ?? 1;
  // fabric.hostsPerLeaf and oversubscription.pod are requirements too: the families that cannot honour them
  // reject them (tiers.ts), and a pod ratio p lowers the bisection asked for by p (the tier above the pods).
  const pod = podRatio(spec);
  const required = (Math.floor(spec.hosts / 2) * nic.speedBps) / (oversub * (pod ?? 1));
  // A custom fabric is read from its file, not searched: the planner ranks the generators' families.
  const families: GeneratedTopology[] = spec.topology && spec.topology !== 'custom' ? [spec.topology] : [...TOPOLOGIES];
  const models = [...catalog.switches.values()];
  const feasible: PlanCandidate[] = [];
  const rejected: PlanRejection[] = [];
  for (const topology of families) {
    const [lowRole, upRole] = ROLE_PAIRS[topology];
    const lowers = spec.switch ? models.filter((m) => m.id === spec.switch) : models.filter((m) => has(m, lowRole));
    for (const lower of lowers) {
      const uppers: (SwitchModel | undefined)[] =
        topology === 'fat-tree'
          ? [undefined]
          : spec.spineSwitch
            ? models.filter((m) => m.id === spec.spineSwitch)
            : models.filter((m) => has(m, upRole));
      for (const upper of uppers) {
        const trySpec: FabricSpec = {
          ...spec,
          topology,
          switch: lower.id,
          spineSwitch: upper?.id ?? spec.spineSwitch,
          oversubscription: spec.oversubscription ?? (topology === 'access-aggregation' ? 1 : spec.oversubscription),
        };
        const id = { topology, switch: lower.id, spineSwitch: upper?.id ?? lower.id };
        let bp: Blueprint;
        try {
          bp = blueprint(trySpec, catalog);
        } catch (e) {
          if (!(e instanceof DesignError)) throw e;
          rejected.push({ ...id, reason: e.message });
          continue;
        }
        const worst = bp.oversubscription[bp.switches[0].role] ?? 1;
        if (worst > oversub + 1e-9) {
          rejected.push({
            ...id,
            reason: `oversubscribed ${fmt(worst)}:1 at the first tier, above the required ${fmt(oversub)}:1`,
          });
          continue;
        }
        const spineRatio = bp.oversubscription.spine ?? 1;
        if (pod !== undefined && spineRatio > pod + 1e-9) {
          rejected.push({
            ...id,
            reason: `oversubscribed ${fmt(spineRatio)}:1 above the pods, more than the required ${fmt(pod)}:1`,
          });
          continue;
        }
        if (bp.bisectionBps < required * (1 - 1e-9)) {
          rejected.push({
            ...id,
            reason: `bisection ${(bp.bisectionBps / 1e12).toFixed(1)} Tb/s is below the required ${(required / 1e12).toFixed(1)} Tb/s`,
          });
          continue;
        }
        const bom = billOfMaterials(countsFromBlueprint(bp), catalog);
        feasible.push({
          ...id,
          blueprint: bp,
          costUsd: bom.totals.costUsd,
          powerW: bom.totals.powerW,
          switches: bom.totals.switches,
        });
      }
    }
  }
  feasible.sort((a, b) => a.costUsd - b.costUsd || a.powerW - b.powerW || a.switch.localeCompare(b.switch));
  const familiesRejected: PlanResult['familiesRejected'] = [];
  for (const topology of families) {
    if (feasible.some((c) => c.topology === topology)) continue;
    const reasons = [
      ...new Set(rejected.filter((r) => r.topology === topology).map((r) => `${r.switch}: ${r.reason}`)),
    ];
    familiesRejected.push({
      topology,
      reasons: reasons.length ? reasons : ['no catalog switch has the roles it needs'],
    });
  }
  return {
    requirement: {
      hosts: spec.hosts,
      nicBps: nic.speedBps,
      gpusPerNode: spec.gpusPerNode,
      oversubscription: oversub,
      bisectionBps: required,
    },
    feasible,
    rejected,
    familiesRejected,
  };
}

function has(m: SwitchModel, role: string): boolean {
  return (m.roles as string[]).includes(role);
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}
