// Training and inference in one run on the flow fidelity (issue 18): the scenario's inference item runs as the
// request-level simulator (run.ts), its other items (jobs, collectives, patterns, flow lists) compile to a traffic
// program that fluid-job.ts runs on the same fluid network, each transfer in its traffic class. One Result holds
// both: the service's request statistics and the job's flows, ops and iterations, with the invariants of each and
// of the shared network's bytes. The mechanism is argued in docs/architecture.md ("Training and inference in one
// run"); the packet engine's version is mixed-packet.ts. Left out: network: zero for the service, and job failures.
import type { Catalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import type { Fabric } from '../../fabric/types.ts';
import type { InvariantCheck, Result } from '../../result/types.ts';
import { RESULT_VERSION, zeroCounters } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { classNamed } from '../../workload/classes.ts';
import { compileTraffic } from '../../workload/compile.ts';
import { resolveNetwork } from '../core/network.ts';
import { opTimesFromTasks, summarizeOps } from '../core/ops.ts';
import { runStats } from '../core/run-stats.ts';
import { FluidNetwork } from '../flow/fluid.ts';
import type { InferenceSpec } from './config.ts';
import { FluidJob } from './fluid-job.ts';
import { bytesInvariant, serviceInvariants } from './invariants.ts';
import { jobPlainFlows } from './job-flows.ts';
import { runMixedPacket } from './mixed-packet.ts';
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
  const req = run.requests;
  const d = job.driver;
  const { startPs, endPs } = opTimesFromTasks(program, d.taskStartPs, d.taskEndPs);
  const { ops, iterations } = summarizeOps(program, startPs, endPs);
  const invariants = [...serviceInvariants(run.check), bytesInvariant(st), ...jobInvariants(job)];
  const serviceBytes = st.bytesDelivered - job.bytesDelivered;
  const kv = req.kvBytes ?? 0;
  const eastWest = job.bytesDelivered + kv;
  const total = st.bytesDelivered + st.messageBytes;
  const wallMs = performance.now() - wall0;
  const events = run.events + job.events;
  return {
    version: RESULT_VERSION,
    engine,
    scenario: opts.name ?? '',
    seed: opts.seed,
    simulatedPs: run.netEndNs * 1000,
    completed: run.check.inFlight === 0 && job.finished,
    flows: jobPlainFlows(
      program,
      fabric,
      job.driver,
      (t) => job.idealPs(t),
      () => 0,
    ),
    ...(program.ops.length > 0 ? { ops, iterations } : {}),
    requests: [req],
    links: fluid.linkStats(run.netEndNs),
    traffic: {
      eastWestBytes: eastWest,
      northSouthBytes: serviceBytes + st.messageBytes - kv,
      eastWestShare: total > 0 ? eastWest / total : 0,
    },
    counters: { ...zeroCounters(), deliveredBytes: st.bytesDelivered },
    ports: [],
    invariants,
    stats: runStats(events, wallMs, process.memoryUsage().rss),
  };
}

/** The job's own checks, counted apart from the network's: its bytes, and every task done. */
function jobInvariants(job: FluidJob): InvariantCheck[] {
  const d = job.driver;
  const T = job.program.transfers;
  let inFlight = 0;
  for (let t = 0; t < T.length; t++) inFlight += T[t].bytes * (d.startedReps[t] - d.finishedReps[t]);
  const failed = job.failedTransfers;
  return [
    {
      name: "job bytes: started = delivered + in flight (the job's own count)",
      ok: Math.abs(job.bytesStarted - job.bytesDelivered - inFlight) <= 1e-9 * Math.max(1, job.bytesStarted),
      detail: `${job.bytesStarted} = ${job.bytesDelivered} + ${inFlight} (${failed} transfers failed)`,
    },
    {
      name: 'every task completed',
      ok: job.finished,
      detail: `${d.done} of ${T.length} tasks finished`,
    },
  ];
}
