// What `aifabric plan` prints: one design (JSON object or text tables) or the planner's ranking.

import { formatPower, formatRate, powerUnit } from '../base/units.ts';
import type { Design } from '../fabric/index.ts';
import type { PlanResult } from '../fabric/planner.ts';
import type { Blueprint } from '../fabric/types.ts';

export const OUTPUT_VERSION = 1;

export interface DesignJson {
  version: number;
  topology: string;
  hosts: number;
  gpusPerNode: number;
  nic: { model: string; rateGbps: number };
  tiers: number;
  switchesByRole: Record<string, number>;
  linksByTier: Record<string, number>;
  bom: Design['bom'];
  metrics: {
    oversubscription: Record<string, number>;
    bisectionGbps: number;
    /** The family's closed form, which the graph's max-flow must equal on symmetric designs. */
    bisectionFormulaGbps: number;
    maxHops: number;
    hopsFromFirstHost: Record<string, number>;
    blastRadius: Design['metrics']['blastRadius'];
    ports: Design['metrics']['ports'];
    storage?: Design['metrics']['storage'];
    unusedPortsPerSwitch: Record<string, number>;
  };
  notes: string[];
}

export function designJson(d: Design): DesignJson {
  const bp = d.blueprint;
  const switchesByRole: Record<string, number> = {};
  const linksByTier: Record<string, number> = {};
  for (const n of d.fabric.nodes)
    if (n.role !== 'host' && n.role !== 'border' && n.role !== 'storage')
      switchesByRole[n.role] = (switchesByRole[n.role] ?? 0) + 1;
  for (const l of d.fabric.links) {
    const t = `${d.fabric.nodes[l.a].role}-${d.fabric.nodes[l.b].role}`;
    linksByTier[t] = (linksByTier[t] ?? 0) + 1;
  }
  const unused: Record<string, number> = {};
  for (const s of bp.switches) unused[s.role] = s.unusedPorts;
  return {
    version: OUTPUT_VERSION,
    topology: bp.topology,
    hosts: bp.hosts,
    gpusPerNode: bp.gpusPerNode,
    nic: { model: bp.nic.id, rateGbps: bp.hostRateBps / 1e9 },
    tiers: bp.tiers,
    switchesByRole,
    linksByTier,
    bom: d.bom,
    metrics: {
      oversubscription: round(d.metrics.oversubscription as Record<string, number>),
      bisectionGbps: d.metrics.bisectionBps / 1e9,
      bisectionFormulaGbps: bp.bisectionBps / 1e9,
      maxHops: d.metrics.maxHops,
      hopsFromFirstHost: d.metrics.hopsFromFirstHost,
      blastRadius: d.metrics.blastRadius,
      ports: d.metrics.ports,
      unusedPortsPerSwitch: unused,
      ...(d.metrics.storage ? { storage: d.metrics.storage } : {}),
    },
    notes: bp.notes,
  };
}

function round(o: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(o)) out[k] = Math.round(v * 1e6) / 1e6;
  return out;
}

export function usd(x: number): string {
  return `$${Math.round(x).toLocaleString('en-US')}`;
}

/** Powers of one table column, all in the unit its largest value needs (never W and kW mixed). */
export function wattsColumn(values: number[]): string[] {
  const unit = powerUnit(Math.max(0, ...values));
  return values.map((w) => formatPower(w, unit));
}

export function ratio(x: number): string {
  return `${Number.isInteger(x) ? x : x.toFixed(2)}:1`;
}

/** A plain text table, columns padded; numbers right-aligned. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const w = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[], isHead: boolean) =>
    r
      .map((c, i) => (!isHead && /^[-$0-9.,:]+( ?[a-zA-Z/]+)?$/.test(c) ? c.padStart(w[i]) : c.padEnd(w[i])))
      .join('  ')
      .trimEnd();
  return [line(head, true), w.map((x) => '-'.repeat(x)).join('  '), ...cells.slice(1).map((r) => line(r, false))].join(
    '\n',
  );
}

export function designText(d: Design, title?: string): string {
  const j = designJson(d);
  const bp = d.blueprint;
  const out: string[] = [];
  const power = wattsColumn(d.bom.items.map((i) => i.powerW));
  out.push(
    title ??
      `${bp.topology}: ${bp.hosts} hosts x ${formatRate(bp.hostRateBps)} (${bp.gpusPerNode} per server), ${bp.tiers} tiers`,
  );
  out.push('');
  out.push(
    table(
      ['switches', 'count'],
      Object.entries(j.switchesByRole).map(([r, n]) => [r, n]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['item', 'role', 'qty', 'unit price', 'cost', 'power'],
      d.bom.items.map((i, k) => [i.id, i.role, i.quantity, usd(i.unitPriceUsd), usd(i.costUsd), power[k]]),
    ),
  );
  const t = d.bom.totals;
  out.push('');
  out.push(
    `total: ${usd(t.costUsd)}, ${formatPower(t.powerW)}, ${t.rackUnits} RU; ${t.switches} switches, ${t.cables} cables, ${t.transceivers} transceivers; ${usd(t.costPerHostUsd)} and ${t.powerPerHostW.toFixed(1)} W per host`,
  );
  out.push(
    `oversubscription: ${Object.entries(j.metrics.oversubscription)
      .map(([r, v]) => `${r} ${ratio(v)}`)
      .join(', ')}`,
  );
  out.push(
    `bisection: ${formatRate(d.metrics.bisectionBps)}b/s (graph max-flow; formula ${formatRate(bp.bisectionBps)}b/s), max hops ${d.metrics.maxHops}`,
  );
  const st = d.metrics.storage;
  if (st)
    out.push(
      `storage: ${st.nodes} nodes, ${formatRate(st.totalBps)}b/s in all, ${formatRate(st.perHostBps)}b/s per GPU host`,
    );
  out.push(
    `blast radius: ${d.metrics.blastRadius
      .map(
        (b) =>
          `${b.role} ${b.hostsCutOff} hosts cut off, ${(b.fabricCapacityLostShare * 100).toFixed(1)}% fabric capacity`,
      )
      .join('; ')}`,
  );
  for (const n of bp.notes) out.push(`note: ${n}`);
  return `${out.join('\n')}\n`;
}

export function plannerJson(r: PlanResult, top = 20) {
  return {
    version: OUTPUT_VERSION,
    requirement: {
      hosts: r.requirement.hosts,
      nicGbps: r.requirement.nicBps / 1e9,
      gpusPerNode: r.requirement.gpusPerNode,
      oversubscription: r.requirement.oversubscription,
      bisectionGbps: r.requirement.bisectionBps / 1e9,
    },
    designs: r.feasible.slice(0, top).map((c, i) => candidateJson(c.blueprint, i + 1, c.costUsd, c.powerW)),
    feasibleCount: r.feasible.length,
    rejectedFamilies: r.familiesRejected,
    rejected: r.rejected,
  };
}

function candidateJson(bp: Blueprint, rank: number, costUsd: number, powerW: number) {
  const switchesByRole: Record<string, number> = {};
  const models: Record<string, string> = {};
  for (const s of bp.switches) {
    switchesByRole[s.role] = (switchesByRole[s.role] ?? 0) + s.count;
    models[s.role] = s.model;
  }
  return {
    rank,
    topology: bp.topology,
    models,
    tiers: bp.tiers,
    switchesByRole,
    costUsd: Math.round(costUsd),
    powerW: Math.round(powerW),
    costPerHostUsd: Math.round(costUsd / bp.hosts),
    oversubscription: bp.oversubscription,
    bisectionGbps: bp.bisectionBps / 1e9,
    maxHops: bp.maxHops,
  };
}

export function plannerText(r: PlanResult, top = 15): string {
  const out: string[] = [];
  const q = r.requirement;
  const power = wattsColumn(r.feasible.slice(0, top).map((c) => c.powerW));
  out.push(
    `planner: ${q.hosts} hosts x ${formatRate(q.nicBps)}, oversubscription <= ${ratio(q.oversubscription)}, bisection >= ${formatRate(q.bisectionBps)}b/s`,
  );
  out.push('');
  if (r.feasible.length === 0) out.push('no feasible design in the catalog');
  else
    out.push(
      table(
        ['#', 'topology', 'switches (role: model x count)', 'tiers', 'cost', 'per host', 'power'],
        r.feasible
          .slice(0, top)
          .map((c, i) => [
            i + 1,
            c.topology,
            c.blueprint.switches.map((s) => `${s.role}: ${s.model} x${s.count}`).join(', '),
            c.blueprint.tiers,
            usd(c.costUsd),
            usd(c.costUsd / q.hosts),
            power[i],
          ]),
      ),
    );
  if (r.feasible.length > top) out.push(`... and ${r.feasible.length - top} more feasible designs (--json lists them)`);
  for (const f of r.familiesRejected) {
    out.push('');
    out.push(`rejected ${f.topology}:`);
    for (const reason of f.reasons.slice(0, 4)) out.push(`  - ${reason}`);
    if (f.reasons.length > 4) out.push(`  - ... ${f.reasons.length - 4} more`);
  }
  return `${out.join('\n')}\n`;
}
