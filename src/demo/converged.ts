// The demo's "one fabric for both?" runs (issue 18): scenarios/converged.yaml as written (the real-time service at
// strict priority beside the training job), with every class at one level (fair sharing), the service alone and
// the job alone, all on the flow engine; the evidence the claims row reads. Left out: the packet engine's view of
// the same (its queueing tail; issue 18 item 2).
import { readFileSync } from 'node:fs';
import type { Catalog } from '../catalog/index.ts';
import { runEngine } from '../engine/index.ts';
import { runInference } from '../engine/inference/index.ts';
import { designFabric } from '../fabric/index.ts';
import type { RequestsResult, Result } from '../result/types.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { compileTraffic } from '../workload/compile.ts';
import type { ConvergedEvidence } from './claims.ts';

export interface ConvergedRuns {
  evidence: ConvergedEvidence;
  /** The service's request statistics per variant, for the report's inference section. */
  requests: { label: string; requests: RequestsResult }[];
}

type Traffic = NonNullable<Scenario['traffic']>;
const isService = (t: Traffic[number]) => 'inference' in t;

/** Every class at one level: no `network.classes`, the items back in the built-in classes (roce, lossy). */
function fairSharing(s: Scenario): Scenario {
  const traffic = (s.traffic ?? []).map((t) => {
    if ('inference' in t) {
      const { class: _drop, ...inference } = t.inference;
      return { ...t, inference };
    }
    return { ...t, class: 'roce' };
  });
  return { ...s, network: s.network ? { ...s.network, classes: undefined } : undefined, traffic };
}

const meanIterationMs = (r: Result) => {
  const it = r.iterations ?? [];
  return it.length > 0 ? it.reduce((a, i) => a + i.timePs, 0) / it.length / 1e9 : Number.NaN;
};

export function runConverged(
  file: string,
  catalog: Catalog,
  seed: number,
  /** Each run, with the scenario file's text and the variant in a comment (the file is the input of all four). */
  onRun: (name: string, yaml: string, r: Result) => void,
): ConvergedRuns {
  const base = { ...loadScenarioFile(file, catalog), seed };
  const fabric = designFabric(base.fabric, catalog).fabric;
  const traffic = base.traffic ?? [];
  const text = readFileSync(file, 'utf8');
  const report = (name: string, variant: string, r: Result) =>
    onRun(name, `seed: ${seed}\n# variant: ${variant}\n${text}`, r);
  const service = (s: Scenario, name: string, variant: string) => {
    const r = runInference('flow', fabric, s, catalog, { seed, name });
    report(name, variant, r);
    return r;
  };
  const separated = service(base, CONVERGED_RUNS.separated, 'as written');
  const shared = service(fairSharing(base), CONVERGED_RUNS.shared, 'no network.classes, no class: (fair sharing)');
  const alone = service({ ...base, traffic: traffic.filter(isService) }, CONVERGED_RUNS.alone, 'the service only');
  const jobOnly = { ...base, traffic: traffic.filter((t) => !isService(t)) };
  const job = runEngine('flow', fabric, compileTraffic(jobOnly, fabric), jobOnly, catalog, {
    seed,
    name: CONVERGED_RUNS.job,
  });
  report(CONVERGED_RUNS.job, 'the job only', job);
  const q = (r: Result) => r.requests?.[0] as RequestsResult;
  return {
    evidence: convergedEvidence({ alone, shared, separated, job }),
    requests: [
      { label: 'real-time service alone (converged.yaml)', requests: q(alone) },
      { label: 'beside the training job, fair sharing', requests: q(shared) },
      { label: 'beside the training job, service at strict priority', requests: q(separated) },
    ],
  };
}

/** The evidence of the four runs (also recomputed from the demo's saved runs by its end-to-end test). */
export function convergedEvidence(r: {
  alone: Result;
  shared: Result;
  separated: Result;
  job: Result;
}): ConvergedEvidence {
  const q = (x: Result) => x.requests?.[0] as RequestsResult;
  const [a, sh, se] = [q(r.alone), q(r.shared), q(r.separated)];
  return {
    serviceP50AloneMs: a.latencyMs.p50,
    serviceP99AloneMs: a.latencyMs.p99,
    serviceP999AloneMs: a.latencyMs.p999,
    serviceP99SharedMs: sh.latencyMs.p99,
    serviceP999SharedMs: sh.latencyMs.p999,
    serviceP99SeparatedMs: se.latencyMs.p99,
    serviceP999SeparatedMs: se.latencyMs.p999,
    jitterAloneMs: a.latencyMs.p99 - a.latencyMs.p50,
    jitterSharedMs: sh.latencyMs.p99 - sh.latencyMs.p50,
    jitterSeparatedMs: se.latencyMs.p99 - se.latencyMs.p50,
    sloMs: a.slo.latencyMs ?? Number.NaN,
    iterationAloneMs: meanIterationMs(r.job),
    iterationSharedMs: meanIterationMs(r.shared),
    iterationSeparatedMs: meanIterationMs(r.separated),
  };
}

/** The names the demo saves the four runs under (runs/NAME.json). */
export const CONVERGED_RUNS = {
  separated: 'converged',
  shared: 'converged-fair',
  alone: 'converged-service-alone',
  job: 'converged-job-alone',
} as const;
