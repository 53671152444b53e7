// Capacity planning for an inference service (issue 5): the fewest replicas that meet a latency SLO at the
// scenario's load, then the cheapest access/aggregation design from the catalog that still meets it there, and
// what that costs per 1,000 requests per second.
//
// Replicas: a binary search over 1..max, assuming more replicas never make a percentile worse (the search checks
// its answer: the result passes, one fewer fails). Designs: the planner's access/aggregation candidates for that
// many hosts, cheapest first; each is simulated (contention counts on the flow engine) until one passes.
import type { Catalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import { designFabric, type Fabric, planDesigns } from '../../fabric/index.ts';
import type { RequestsResult, Result } from '../../result/types.ts';
import type { FabricSpec, Scenario } from '../../scenario/schema.ts';
import { inferenceItem, runInference } from './index.ts';
import { meetsSlo, type SloBound, sloValue } from './slo.ts';

export { meetsSlo, parseSlo, SLO_METRICS, SLO_STATS, type SloBound, sloValue } from './slo.ts';

export interface CapacityStep {
  stage: 'replicas' | 'design';
  replicas: number;
  design: string;
  values: number[];
  ok: boolean;
}

export interface CapacityResult {
  slo: string[];
  engine: string;
  load: { arrivals: string; ratePerS: number; requests: number };
  replicas: number;
  design: { switch: string; spineSwitch: string; hosts: number; costUsd: number; powerW: number; switches: number };
  /** At the chosen replicas on the chosen design. */
  values: Record<string, number>;
  throughputPerS: number;
  costPer1kRpsUsd: number;
  steps: CapacityStep[];
}

export function capacitySearch(
  s: Scenario,
  catalog: Catalog,
  bounds: readonly SloBound[],
  engine: 'analytic' | 'flow',
  opts: { maxReplicas?: number; maxDesigns?: number; onStep?: (st: CapacityStep) => void } = {},
): CapacityResult {
  const it = inferenceItem(s);
  if (!it) throw new ScenarioError([{ path: 'traffic', message: 'capacity needs an inference traffic item' }]);
  const maxR = opts.maxReplicas ?? s.fabric.hosts;
  const steps: CapacityStep[] = [];
  // The replica search runs many times on one fabric: design each fabric once.
  const fabrics = new Map<FabricSpec, Fabric>();
  const run = (spec: FabricSpec, replicas: number, label: string): Result => {
    let fabric = fabrics.get(spec);
    if (!fabric) {
      fabric = designFabric(spec, catalog, label).fabric;
      fabrics.set(spec, fabric);
    }
    const traffic = [{ inference: { ...it.spec, replicas } }] as Scenario['traffic'];
    return runInference(engine, fabric, { ...s, traffic }, catalog, { seed: s.seed, name: label });
  };
  const trial = (stage: CapacityStep['stage'], spec: FabricSpec, replicas: number, label: string) => {
    const r = run(spec, replicas, label);
    const q = (r.requests ?? [])[0];
    const st: CapacityStep = {
      stage,
      replicas,
      design: label,
      values: bounds.map((b) => sloValue(q, b)),
      ok: meetsSlo(q, bounds),
    };
    steps.push(st);
    opts.onStep?.(st);
    return { ok: st.ok, q };
  };
  const base = `${s.fabric.switch ?? '?'} / ${s.fabric.spineSwitch ?? '?'}`;
  // Replicas on the scenario's own fabric (its hosts bound the search).
  let lo = 1;
  let hi = maxR;
  if (!trial('replicas', s.fabric, hi, base).ok)
    throw new ScenarioError([
      {
        path: 'traffic[0].inference.replicas',
        message: `even ${hi} replicas (every host of the fabric) miss the SLO at this load: raise fabric.hosts, lower the load, or relax --slo`,
      },
    ]);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (trial('replicas', s.fabric, mid, base).ok) hi = mid;
    else lo = mid + 1;
  }
  const replicas = lo;
  // The cheapest access/aggregation design for that many servers that still meets the SLO.
  const plan = planDesigns(
    {
      ...s.fabric,
      topology: 'access-aggregation',
      hosts: replicas,
      switch: undefined,
      spineSwitch: undefined,
      oversubscription: 8,
    },
    catalog,
  );
  for (const c of plan.feasible.slice(0, opts.maxDesigns ?? 6)) {
    const spec: FabricSpec = {
      ...s.fabric,
      topology: 'access-aggregation',
      hosts: replicas,
      switch: c.switch,
      spineSwitch: c.spineSwitch,
      oversubscription: undefined,
    };
    const label = `${c.switch} / ${c.spineSwitch}`;
    let res: { ok: boolean; q: RequestsResult };
    try {
      res = trial('design', spec, replicas, label);
    } catch (e) {
      if (e instanceof ScenarioError) continue;
      throw e;
    }
    if (!res.ok) continue;
    const values: Record<string, number> = {};
    for (const b of bounds) values[b.text.split('=')[0]] = sloValue(res.q, b);
    return {
      slo: bounds.map((b) => b.text),
      engine,
      load: { arrivals: res.q.arrivals, ratePerS: res.q.arrivalRatePerS, requests: res.q.count },
      replicas,
      design: {
        switch: c.switch,
        spineSwitch: c.spineSwitch,
        hosts: replicas,
        costUsd: c.costUsd,
        powerW: c.powerW,
        switches: c.switches,
      },
      values,
      throughputPerS: res.q.throughputPerS,
      costPer1kRpsUsd: res.q.throughputPerS > 0 ? c.costUsd / (res.q.throughputPerS / 1000) : Number.POSITIVE_INFINITY,
      steps,
    };
  }
  throw new ScenarioError([
    {
      path: 'fabric',
      message: `${replicas} replicas meet the SLO on the scenario's fabric, but none of the ${Math.min(plan.feasible.length, opts.maxDesigns ?? 6)} cheapest access/aggregation designs from the catalog does (keep the scenario's fabric, or relax --slo)`,
    },
  ]);
}
