// The Result of training and inference in one run (issue 18), the same on the flow engine (mixed.ts) and the
// packet engine (mixed-packet.ts): the job's ops and iterations from its tasks' times, the service's requests,
// and the split of the network's bytes into east-west (the job's and the service's KV-cache transfers) and
// north-south (the service's other transfers and its streamed tokens). What differs by engine (the flows' ideal
// times and retransmissions, the invariants, the counters, the link table) the caller gives. Left out: nothing
// of the two runs' results; this only assembles them.
import type { InvariantCheck, Result } from '../../result/types.ts';
import { RESULT_VERSION } from '../../result/types.ts';
import type { TrafficProgram } from '../../workload/program.ts';
import { opTimesFromTasks, summarizeOps } from '../core/ops.ts';
import { runStats } from '../core/run-stats.ts';
import type { ServiceRun } from './run.ts';
import type { InferenceRunOptions } from './setup.ts';

/** A mixed run's parts beside the job's program and the service's run, as its engine counted them. */
export interface MixedParts {
  engine: Result['engine'];
  /** performance.now() when the run began. */
  wall0: number;
  opts: InferenceRunOptions;
  /** The job's task driver: when each task started and ended (ps, -1: never). */
  driver: { taskStartPs: ArrayLike<number>; taskEndPs: ArrayLike<number> };
  /** Did every task of the job finish; how many did, of how many. */
  finished: boolean;
  tasksDone: number;
  /** Bytes delivered: the job's, and every transfer's on the network (the job's and the service's). */
  jobBytes: number;
  transferBytes: number;
  /** The service's streamed tokens' bytes (messages). */
  messageBytes: number;
  flows: Result['flows'];
  links?: Result['links'];
  counters: Result['counters'];
  /** The service's, the network's and the job's bytes checks ('every task completed' follows them). */
  invariants: InvariantCheck[];
  /** Events of the service and the job. */
  events: number;
}

/** The Result of the job's `program` and the service's `run` in one network. */
export function mixedResult(program: TrafficProgram, run: ServiceRun, x: MixedParts): Result {
  const req = run.requests;
  const { startPs, endPs } = opTimesFromTasks(program, x.driver.taskStartPs, x.driver.taskEndPs);
  const { ops, iterations } = summarizeOps(program, startPs, endPs);
  const tasks = program.transfers.length;
  const invariants: InvariantCheck[] = [
    ...x.invariants,
    { name: 'every task completed', ok: x.finished, detail: `${x.tasksDone} of ${tasks} tasks finished` },
  ];
  const wallMs = performance.now() - x.wall0;
  return {
    version: RESULT_VERSION,
    engine: x.engine,
    scenario: x.opts.name ?? '',
    seed: x.opts.seed,
    simulatedPs: run.netEndNs * 1000,
    completed: run.check.inFlight === 0 && x.finished,
    flows: x.flows,
    ...(program.ops.length > 0 ? { ops, iterations } : {}),
    requests: [req],
    ...(x.links ? { links: x.links } : {}),
    traffic: trafficSplit(x.jobBytes, x.transferBytes, x.messageBytes, req.kvBytes ?? 0),
    counters: x.counters,
    ports: [],
    invariants,
    stats: runStats(x.events, wallMs, process.memoryUsage.rss()),
  };
}

/**
 * The network's bytes split by direction: east-west the job's transfers and the service's KV-cache transfers,
 * north-south the service's other transfers and its streamed tokens (messages, flow/fluid.ts), as to border0.
 * `transferBytes` counts every transfer delivered (the job's among them); a service alone has jobBytes 0.
 */
export function trafficSplit(
  jobBytes: number,
  transferBytes: number,
  messageBytes: number,
  kvBytes: number,
): NonNullable<Result['traffic']> {
  const eastWest = jobBytes + kvBytes;
  const total = transferBytes + messageBytes;
  return {
    eastWestBytes: eastWest,
    northSouthBytes: transferBytes - jobBytes + messageBytes - kvBytes,
    eastWestShare: total > 0 ? eastWest / total : 0,
  };
}
