// Traffic classes (issue 18): `network.classes` with the two built-in ones, `roce` (lossless RoCE, training) and
// `lossy` (best effort, north-south), resolved by name for the workload and the engines. What each engine does
// with a class: the flow engine and the fluid network share capacity by priority level and weight
// (core/maxmin.ts). The packet engine, once `network.classes` is given, gives every class a queue of its own at
// every port (portQueues; at most 8, IEEE 802.1Q's priorities: scenario/rules.ts), served by strict priority across priority levels
// and deficit weighted round robin by weight within one (engine/packet/scheduler.ts), each lossless class with its
// own PFC pause; without `network.classes` it keeps its two data queues, RoCE and lossy, ordered by
// `network.scheduler`. Left out: the analytic engine (no queues: classes change nothing there).
import { ScenarioError } from '../errors.ts';
import type { Scenario } from '../scenario/schema.ts';

export interface TrafficClass {
  name: string;
  /** IEEE 802.1Q priority 0..7: the higher is served first. */
  priority: number;
  /** Share among classes of equal priority (ETS weight). */
  weight: number;
  /** Lossless (PFC). */
  pfc: boolean;
}

type Network = Scenario['network'];

/** The built-in classes: equal priority and weight, so a scenario without classes shares links as before. */
function builtIn(n: Network): Map<string, TrafficClass> {
  return new Map([
    ['roce', { name: 'roce', priority: 0, weight: 1, pfc: n?.pfc !== false }],
    ['lossy', { name: 'lossy', priority: 0, weight: 1, pfc: false }],
  ]);
}

/** Every class of the scenario by name: the built-in ones, redefined or joined by `network.classes`. */
export function trafficClasses(n: Network): Map<string, TrafficClass> {
  const m = builtIn(n);
  for (const [name, c] of Object.entries(n?.classes ?? {})) m.set(name, { name, ...c });
  return m;
}

/** The class named at `path`, or an error naming the field, the value and the classes there are. */
export function classNamed(n: Network, name: string, path: string): TrafficClass {
  const c = trafficClasses(n).get(name);
  if (c) return c;
  throw new ScenarioError([
    {
      path,
      message: `no traffic class "${name}"; use one of ${[...trafficClasses(n).keys()].join(', ')} or define it under network.classes`,
    },
  ]);
}

/**
 * A transfer's `cls` for its class: 'roce' for a lossless (PFC) class, else 'lossy' (what a RoCE or TCP sender
 * and, without `network.classes`, the packet engine's two data queues go by).
 */
export function classQueue(s: Pick<Scenario, 'network'>, name: string, path = 'class'): 'roce' | 'lossy' {
  return classNamed(s.network, name, path).pfc ? 'roce' : 'lossy';
}

/**
 * Priority levels for the max-min solver, 0 served first: the classes' distinct priorities from the highest
 * down. `uniform` when every class has the same priority and weight (the solver's unclassed path).
 */
export function classLevels(n: Network): { level: Map<string, number>; uniform: boolean } {
  const cs = [...trafficClasses(n).values()];
  const prios = [...new Set(cs.map((c) => c.priority))].sort((a, b) => b - a);
  const level = new Map(cs.map((c) => [c.name, prios.indexOf(c.priority)]));
  const uniform = prios.length === 1 && cs.every((c) => c.weight === cs[0].weight);
  return { level, uniform };
}

/** The packet engine's queues at every port when `network.classes` is given (portQueues). */
export interface PortQueues {
  /** The class of each queue: '' for queue 0 (control: ACKs, NAKs, CNPs), then roce, lossy, the others in order. */
  names: string[];
  /** Each queue's strict-priority level: 0 (control alone) first, then the classes' priorities from the highest. */
  level: Uint8Array;
  /** Each queue's weight within its level (ETS, IEEE 802.1Qaz), 0 for control. */
  weight: Float64Array;
  /** Each queue is lossless (PFC). */
  lossless: Uint8Array;
  /** The queue of a class by name (-1: no such class). */
  queueOf(name: string): number;
}

/**
 * The packet engine's port queues for `network.classes`, or null without it (the engine then keeps its fixed
 * RoCE and lossy queues and `network.scheduler`).
 */
export function portQueues(n: Network): PortQueues | null {
  if (Object.keys(n?.classes ?? {}).length === 0) return null;
  const byName = trafficClasses(n);
  const cs = [...byName.values()];
  // roce and lossy keep the queues 1 and 2 they have without classes.
  const order = [byName.get('roce'), byName.get('lossy'), ...cs.filter((c) => c.name !== 'roce' && c.name !== 'lossy')];
  const prios = [...new Set(cs.map((c) => c.priority))].sort((a, b) => b - a);
  const names = [''];
  const level = [0];
  const weight = [0];
  const lossless = [0];
  for (const c of order) {
    if (!c) continue;
    names.push(c.name);
    level.push(1 + prios.indexOf(c.priority));
    weight.push(c.weight);
    lossless.push(c.pfc ? 1 : 0);
  }
  return {
    names,
    level: Uint8Array.from(level),
    weight: Float64Array.from(weight),
    lossless: Uint8Array.from(lossless),
    queueOf: (name) => names.indexOf(name, 1),
  };
}
