// Training and inference in one run on the packet engine (issue 18): the job's tasks are the packet engine's own
// (QPs driven by the task graph, as in runPacket) and the service's transfers run on slots beside them
// (engine/packet/request-network.ts), on the same ports and queues. One result (mixed-result.ts): the job's ops and iterations,
// its plain flows, the service's requests, the packet counters. Leaves out the packet engine's per-port samples
// and link table (runPacket has them for the job alone).
import type { Catalog } from '../../catalog/index.ts';
import type { Fabric } from '../../fabric/types.ts';
import type { InvariantCheck, Result } from '../../result/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { compileTraffic } from '../../workload/compile.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { resolveNetwork } from '../core/network.ts';
import { K_TRANSFER } from '../core/task-graph.ts';
import type { PacketRequestNetwork } from '../packet/request-network.ts';
import { transportsOf } from '../packet/tcp.ts';
import type { InferenceSpec } from './config.ts';
import { serviceInvariants } from './invariants.ts';
import { jobPlainFlows } from './job-flows.ts';
import { mixedResult } from './mixed-result.ts';
import { packetInvariants, packetNetwork } from './packet.ts';
import { runService } from './run.ts';
import { type InferenceRunOptions, serviceSetup } from './setup.ts';

/** Runs a mixed scenario (mixed.ts isMixed) on the packet engine; `it` is its inference item, validated. */
export function runMixedPacket(
  fabric: Fabric,
  s: Pick<Scenario, 'network' | 'seed' | 'traffic'>,
  catalog: Catalog,
  it: { index: number; spec: InferenceSpec },
  opts: InferenceRunOptions,
): Result {
  const wall0 = performance.now();
  const net = resolveNetwork(s.network, fabric, catalog);
  const program = compileTraffic(s as Scenario, fabric, { skipInference: true });
  const transports = transportsOf(program, s.traffic);
  const network = packetNetwork(fabric, net, it, opts.seed, { program, transports });
  const run = runService(serviceSetup(fabric, s, it, network, opts));
  const st = network.stats();
  const tok = network.tokenNetworkUs();
  if (tok) run.requests.tokenNetworkUs = tok;
  const d = network.tasks.driver;
  const job = jobBytes(network, program);
  // Every repetition of every job task finished (the driver's `done` also counts the slots' last ACKs).
  let tasksDone = 0;
  for (let i = 0; i < program.transfers.length; i++) if (d.finishedReps[i] === d.g.repeat[i]) tasksDone++;
  const finished = tasksDone === program.transfers.length;
  return mixedResult(program, run, {
    engine: 'packet',
    wall0,
    opts,
    driver: d,
    finished,
    tasksDone,
    jobBytes: job.delivered,
    transferBytes: job.delivered + st.bytesDelivered,
    messageBytes: st.messageBytes,
    flows: jobPlainFlows(
      program,
      fabric,
      d,
      (t, task) => network.idealFctPs(task.src, task.dst, task.bytes * task.repeat, t),
      (t) => network.nics.fRetx[t],
    ),
    counters: { ...st.counters },
    invariants: [
      ...serviceInvariants(run.check),
      ...packetInvariants(st, run.check.inFlight > 0),
      jobBytesInvariant(job, finished),
    ],
    events: run.events + st.events,
  });
}

/** The job's bytes: its transfers' bytes over their repetitions, and what its QPs' receivers took in order. */
function jobBytes(n: PacketRequestNetwork, program: TrafficProgram): { want: number; delivered: number } {
  const g = n.tasks.driver.g;
  let want = 0;
  let delivered = 0;
  program.transfers.forEach((t, i) => {
    if (g.kind[i] !== K_TRANSFER) return;
    want += t.bytes * t.repeat;
    delivered += n.nics.fDelivered[i];
  });
  return { want, delivered };
}

/** The job's bytes check: its QPs' receivers took every byte of its transfers, once (the NICs' count). */
function jobBytesInvariant(job: { want: number; delivered: number }, finished: boolean): InvariantCheck {
  return {
    name: "job bytes: its QPs' receivers took every byte of its transfers, once (the NICs' count)",
    ok: finished ? job.delivered === job.want : job.delivered <= job.want,
    detail: `${job.delivered} of ${job.want} bytes`,
  };
}
