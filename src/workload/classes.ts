// Traffic classes (issue 18): `network.classes` with the two built-in ones, `roce` (lossless RoCE, training) and
// `lossy` (best effort, north-south), resolved by name for the workload and the engines. What each engine does
// with a class: the flow engine and the fluid network share capacity by priority level and weight
// (core/maxmin.ts); the packet engine keeps its fixed queues and reads only `pfc` (the RoCE queue or the lossy
// one; its own `network.scheduler` orders them). Left out: PFC per class priority on the packet engine.
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

/** The packet engine's queue of a class: the lossless RoCE queue for a PFC class, else the lossy one. */
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
