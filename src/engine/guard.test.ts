// The resource guard's estimate against measured runs (its calibration is in guard.ts), and the refusal.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import type { ScenarioError } from '../errors.ts';
import { designFabric } from '../fabric/index.ts';
import { parseScenario } from '../scenario/load.ts';
import { compileTraffic } from '../workload/compile.ts';
import { checkResources, estimateRun } from './guard.ts';
import { type EngineKind, runEngine } from './index.ts';

function measured(engine: EngineKind, yaml: string) {
  const catalog = loadCatalog();
  const s = parseScenario(yaml, catalog);
  const fabric = designFabric(s.fabric, catalog).fabric;
  const program = compileTraffic(s, fabric);
  const est = estimateRun(engine, fabric, program, s.network?.mtu ?? 4096);
  const r = runEngine(engine, fabric, program, s, catalog, { seed: s.seed });
  return { est, events: r.stats.events };
}

const LEAF = 'fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}';
const FAT = 'fabric: {topology: fat-tree, hosts: 16, nic: 400G, switch: aurcore-32x400g, k: 4}';

describe('resource guard estimate', () => {
  // Tolerance: the estimate is an upper bound (never below the measured count) and at most 2.2x over it. It takes
  // the longest path for every packet; under one leaf a packet crosses 2 links, not the 4 assumed (2x), and the
  // ACKs (one event per link each way) add the rest; see the calibration table in guard.ts.
  it.each([
    ['packet, permutation under one leaf', 'packet', `${LEAF}\ntraffic: [{pattern: permutation, bytes: 200KB}]`],
    ['packet, ring all-reduce on a k=4 fat-tree', 'packet', `${FAT}\ntraffic: [{collective: all-reduce, bytes: 1MB}]`],
    ['flow, all-to-all', 'flow', `${LEAF}\ntraffic: [{pattern: all-to-all, bytes: 64KB}]`],
    ['flow, ring all-reduce', 'flow', `${FAT}\ntraffic: [{collective: all-reduce, bytes: 1MB}]`],
  ] as const)('%s: events within [1, 2.2] x the measured count', (_, engine, yaml) => {
    const { est, events } = measured(engine, yaml);
    expect(est.events).toBeGreaterThanOrEqual(events);
    expect(est.events).toBeLessThanOrEqual(2.2 * events);
  });

  // Peak RSS of the run above a fresh process's after a GC (test/helpers/peak-memory.ts; about 4 s each: a fresh
  // process, since this worker's heap holds other tests' garbage). Sizes large enough (over 30 MB) for the heap's
  // reserve not to hide the run. Tolerance: never below the measured peak (the guard must not let through a run
  // that does not fit) and at most 3x over it (the calibration table in guard.ts spans 1.3-2.4x).
  it.each([
    ['flow', 2048],
    ['flow', 4096],
    ['packet', 2048],
  ] as const)(
    '%s, permutation on a fat-tree of %i hosts: estimated memory within [1, 3] x the measured peak',
    (engine, hosts) => {
      const yaml = `fabric: {topology: fat-tree, hosts: ${hosts}, nic: 400G, switch: aurcore-32x400g}\ntraffic: [{pattern: permutation, bytes: 4KB}]\n`;
      const out = execFileSync(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', 'test/helpers/peak-memory.ts', engine, yaml],
        { encoding: 'utf8' },
      );
      const { estimatedBytes, measuredBytes } = JSON.parse(out) as { estimatedBytes: number; measuredBytes: number };
      const what = `estimated ${(estimatedBytes / 1e6).toFixed(1)} MB, measured ${(measuredBytes / 1e6).toFixed(1)} MB`;
      expect(estimatedBytes, what).toBeGreaterThanOrEqual(measuredBytes);
      expect(estimatedBytes, what).toBeLessThanOrEqual(3 * measuredBytes);
    },
  );

  it('refuses a run over --max-memory or --max-events, naming the limit, the estimate and a cheaper engine', () => {
    const est = {
      events: 5e10,
      peakBytes: 3e10,
      repetitions: 3_000_000,
      dataPackets: 1e10,
      tasks: 3_000_000,
      longest: { item: 0, ps: 1e9 },
    };
    const refuse = (limits: { maxMemoryBytes: number; maxEvents: number }) => {
      try {
        checkResources('packet', est, limits);
      } catch (e) {
        return (e as ScenarioError).problems[0];
      }
      return null;
    };
    const mem = refuse({ maxMemoryBytes: 16e9, maxEvents: Number.POSITIVE_INFINITY });
    expect(mem?.path).toBe('--max-memory');
    expect(mem?.message).toMatch(/needs about 30\.0 GB .* over the limit of 16\.0 GB: use the flow engine/);
    expect(refuse({ maxMemoryBytes: 64e9, maxEvents: 1e9 })?.path).toBe('--max-events');
    expect(refuse({ maxMemoryBytes: 64e9, maxEvents: 1e11 })).toBeNull();
  });
});
