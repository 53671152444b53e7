// Training and inference in one run on the flow fidelity (issue 18): the scenario's inference item runs as the
// request-level simulator (run.ts), its other items (jobs, collectives, patterns, flow lists) compile to a traffic
// program that fluid-job.ts runs on the same fluid network, each transfer in its traffic class. One Result holds
// both: the service's request statistics and the job's flows, ops and iterations, with the invariants of each and
// of the shared network's bytes (mixed-result.ts assembles it, as for the packet engine). The mechanism is argued
// in docs/architecture.md ("Training and inference in one run"); the packet engine's version is mixed-packet.ts.
// Left out: network: zero for the service, and job failures.
import type { Catalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import type { Fabric } from '../../fabric/types.ts';
import type { InvariantCheck, Result } from '../../result/types.ts';
import { zeroCounters } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { classNamed } from '../../workload/classes.ts';
import { compileTraffic } from '../../workload/compile.ts';
import { resolveNetwork } from '../core/network.ts';
import { FluidNetwork } from '../flow/fluid.ts';
import type { InferenceSpec } from './config.ts';
import { FluidJob } from './fluid-job.ts';
import { bytesInvariant, serviceInvariants } from './invariants.ts';
import { jobPlainFlows } from './job-flows.ts';
import { runMixedPacket } from './mixed-packet.ts';
import { mixedResult } from './mixed-result.ts';
import { runService } from './run.ts';
import { type InferenceRunOptions, serviceSetup } from './setup.ts';

/** Does the scenario mix an inference item with other traffic? */
export function isMixed(s: Pick<Scenario, 'traffic'>): boolean {
  const items = s.traffic ?? [];
  return items.some((t) => 'inference' in t) && items.some((t) => !('inference' in t));
}

/** Runs a mixed scenario (isMixed) on the flow fidelity (the packet one: mixed-packet.ts); `it` is its inference item, already validated. */
export function runMixed(
  engine: 'analytic' | 'flow' | 'packet',
  fabric: Fabric,
  s: Pick<Scenario, 'network' | 'seed' | 'traffic'>,
  catalog: Catalog,
  it: { index: number; spec: InferenceSpec },
  opts: InferenceRunOptions,
): Result {
  const wall0 = performance.now();
  const path = `traffic[${it.index}].inference`;
  const spec = it.spec;
  if (engine === 'packet' && spec.network === 'fabric') return runMixedPacket(fabric, s, catalog, it, opts);
  if (engine !== 'flow' || spec.network === 'zero')
    throw new ScenarioError([
      {
        path: engine !== 'flow' ? 'engine' : `${path}.network`,
        message:
          'a scenario with an inference service and other traffic runs on the flow or packet engine with the service on the fabric (engine: flow or packet, network: fabric)',
      },
    ]);
  const net = resolveNetwork(s.network, fabric, catalog);
  const cls = classNamed(s.network, spec.class ?? 'lossy', `${path}.class`);
  const program = compileTraffic(s as Scenario, fabric, { skipInference: true });
  const fluid = new FluidNetwork(fabric, net, { contention: true });
  const job = new FluidJob(fluid, program, net, opts.seed, net.classLevel(cls.name), cls.weight);
  const run = runService(serviceSetup(fabric, s, it, job, opts));
  const st = fluid.stats();
  const d = job.driver;
  return mixedResult(program, run, {
    engine,
    wall0,
    opts,
    driver: d,
    finished: job.finished,
    tasksDone: d.done,
    jobBytes: job.bytesDelivered,
    transferBytes: st.bytesDelivered,
    messageBytes: st.messageBytes,
    flows: jobPlainFlows(
      program,
      fabric,
      d,
      (t) => job.idealPs(t),
      () => 0,
    ),
    links: fluid.linkStats(run.netEndNs),
    counters: { ...zeroCounters(), deliveredBytes: st.bytesDelivered },
    invariants: [...serviceInvariants(run.check), bytesInvariant(st), jobBytesInvariant(job)],
    events: run.events + job.events,
  });
}

/** The job's own bytes check, counted apart from the network's. */
function jobBytesInvariant(job: FluidJob): InvariantCheck {
  const d = job.driver;
  const T = job.program.transfers;
  let inFlight = 0;
  for (let t = 0; t < T.length; t++) inFlight += T[t].bytes * (d.startedReps[t] - d.finishedReps[t]);
  const failed = job.failedTransfers;
  return {
    name: "job bytes: started = delivered + in flight (the job's own count)",
    ok: Math.abs(job.bytesStarted - job.bytesDelivered - inFlight) <= 1e-9 * Math.max(1, job.bytesStarted),
    detail: `${job.bytesStarted} = ${job.bytesDelivered} + ${inFlight} (${failed} transfers failed)`,
  };
}
