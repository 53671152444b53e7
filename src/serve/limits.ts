// What `aifabric serve` accepts from a client: the size of a scenario (hosts, simulated time, estimated events,
// via the engines' resource guard), how many runs go at once and how long one may take. It leaves out per-client
// quotas: the server is for one person on their own machine (it binds to loopback unless told otherwise).
import { availableParallelism, totalmem } from 'node:os';
import { checkResources, estimateRun, maxCompiledTasks, type ResourceLimits } from '../engine/guard.ts';
import type { EngineKind } from '../engine/index.ts';
import { inferenceItem } from '../engine/inference/index.ts';
import { LimitError } from '../errors.ts';
import type { Fabric } from '../fabric/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { compileTraffic } from '../workload/compile.ts';

export interface ServeLimits {
  /** Request bodies above this many bytes get 413. */
  bodyBytes: number;
  /** A scenario with more hosts is refused before its fabric is built. */
  maxHosts: number;
  /** Simulated time a run may cover, ps (also the default `until`). */
  maxSimulatedPs: number;
  /** A run the guard estimates above this many events is refused. */
  maxEvents: number;
  /** Runs at once; the others wait in the queue. */
  maxRuns: number;
  /** Wall time one run may take before it is stopped, ms. */
  maxWallMs: number;
}

/** 1 MiB of scenario text is some 20,000 lines: far above any scenario under scenarios/ (the largest is 2 KB). */
export const DEFAULT_LIMITS: ServeLimits = {
  bodyBytes: 1024 * 1024,
  // The largest built-in training scenario (training-8192.yaml) fits; the fabric of 8,192 hosts builds in about a
  // second, so a refused request costs the server little.
  maxHosts: 8192,
  // simulate's own default --until (src/cli/actions/simulate.ts).
  maxSimulatedPs: 10e12,
  // The packet engine runs 1-3 M events/s on one core (bench/): 1e8 events is a run of about a minute.
  maxEvents: 1e8,
  maxRuns: availableParallelism(),
  maxWallMs: 10 * 60_000,
};

function limitError(path: string, message: string): LimitError {
  return new LimitError([{ path, message }]);
}

/** Refuses what can be seen from the scenario alone: too many hosts, too long a simulated time. */
export function checkScenarioSize(s: Scenario, untilPs: number, limits: ServeLimits): void {
  if (s.fabric.hosts !== undefined && s.fabric.hosts > limits.maxHosts)
    throw limitError(
      'fabric.hosts',
      `${s.fabric.hosts} hosts is above this server's limit of ${limits.maxHosts}: run it with aifabric simulate, or start the server with a larger --max-hosts`,
    );
  if (untilPs > limits.maxSimulatedPs)
    throw limitError(
      'until',
      `${untilPs / 1e12} s of simulated time is above this server's limit of ${limits.maxSimulatedPs / 1e12} s: give a shorter until`,
    );
}

/** Refuses a packet or flow run the resource guard (src/engine/guard.ts) estimates above the event limit or half
 * of this machine's memory, as `aifabric simulate --max-events` does. An inference service is sized by its
 * requests, which the engine's own checks bound. */
export function checkRunCost(s: Scenario, fabric: Fabric, engine: EngineKind, limits: ServeLimits): void {
  if (inferenceItem(s)) return;
  const guard: ResourceLimits = { maxMemoryBytes: totalmem() / 2, maxEvents: limits.maxEvents };
  const program = compileTraffic(s, fabric, { maxTasks: maxCompiledTasks(guard) });
  try {
    checkResources(engine, estimateRun(engine, fabric, program, s.network?.mtu ?? 4096), guard);
  } catch (e) {
    // The guard names simulate's flags; here the scenario is what to change (or `serve --max-events`).
    if (!(e instanceof LimitError)) throw e;
    throw new LimitError(
      e.problems.map((p) => ({
        path: p.path.startsWith('--') ? 'traffic' : p.path,
        message: p.message.replace('--max-memory', 'the memory limit').replace('--max-events', 'serve --max-events'),
      })),
    );
  }
}
