import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../test/helpers/problems.ts';
import { loadCatalog } from '../catalog/index.ts';
import { checkSweep, expandSweep, loadSweepFile, parsePath, parseSweep, setPath } from './sweep.ts';

const catalog = loadCatalog();
const scenario = {
  fabric: { topology: 'leaf-spine', hosts: 4, nic: '100G', switch: 'aurcore-32x100g' },
  network: { pfc: true },
  traffic: [{ pattern: 'incast', senders: ['h1', 'h2'], receiver: 'h0', bytes: '100KB' }],
};

describe('sweep files (issue 19)', () => {
  it('dot paths with list indexes parse into segments', () => {
    expect(parsePath('traffic[0].bytes')).toEqual(['traffic', 0, 'bytes']);
    expect(parsePath('network.loss')).toEqual(['network', 'loss']);
    expect(() => parsePath('network..loss')).toThrow(/not a dot path/);
  });

  it('setting a path copies the base and leaves it untouched', () => {
    const out = setPath(scenario, 'traffic[0].bytes', '1MB');
    expect((out.traffic as { bytes: string }[])[0].bytes).toBe('1MB');
    expect(scenario.traffic[0].bytes).toBe('100KB');
    expect(setPath(scenario, 'network.ecn.kmin', '5KB').network).toEqual({ pfc: true, ecn: { kmin: '5KB' } });
  });

  it('a grid has the product of the list lengths times the seeds; first field slowest', () => {
    const s = checkSweep(
      { scenario, vary: { 'network.loss': [0, 1e-5, 1e-4], 'network.pfc': [true, false] }, seeds: [1, 2] },
      '.',
    );
    const pts = expandSweep(s, catalog);
    expect(pts).toHaveLength(3 * 2 * 2);
    expect(pts.map((p) => [p.point['network.loss'], p.point['network.pfc'], p.seed]).slice(0, 4)).toEqual([
      [0, true, 1],
      [0, true, 2],
      [0, false, 1],
      [0, false, 2],
    ]);
    expect(pts.every((p) => p.scenario && p.scenario.seed === p.seed && p.error === undefined)).toBe(true);
    expect(pts[5].scenario?.network?.loss).toBe(1e-5);
  });

  it('zip pairs the lists item by item; the engine override reaches every point', () => {
    const s = checkSweep(
      { scenario, vary: { 'network.loss': [0, 1e-5], 'traffic[0].bytes': ['1MB', '2MB'] }, zip: true, engine: 'flow' },
      '.',
    );
    const pts = expandSweep(s, catalog);
    expect(
      pts.map((p) => p.scenario?.traffic?.[0] && 'bytes' in p.scenario.traffic[0] && p.scenario.traffic[0].bytes),
    ).toEqual([1e6, 2e6]);
    expect(pts.every((p) => p.scenario?.engine === 'flow' && p.seed === 1)).toBe(true);
  });

  it('an invalid combination fails alone, with the field and the scenario error', () => {
    const pts = expandSweep(checkSweep({ scenario, vary: { 'network.loss': [0, 7] } }, '.'), catalog);
    expect(pts[0].error).toBeUndefined();
    expect(pts[1].scenario).toBeUndefined();
    expect(pts[1].error).toMatch(/network\.loss/);
  });

  it('bad sweep files name the field, the value and the fix', () => {
    expect(problemsOf(() => checkSweep({ vary: { x: [1] } }, '.'))[0]).toMatch(/^base: give exactly one of base/);
    expect(problemsOf(() => checkSweep({ scenario, vary: { 'network.loss': 0.1 } }, '.'))).toEqual([
      'vary["network.loss"]: 0.1 must be a non-empty list, like [0, 1e-5, 1e-4]',
    ]);
    expect(problemsOf(() => checkSweep({ scenario, vary: { 'traffic[3].bytes': [1] } }, '.'))[0]).toMatch(
      /index 3|traffic\[3\] is not in the base/,
    );
    expect(
      problemsOf(() => checkSweep({ scenario, vary: { 'network.loss': [0] }, seeds: [1.5], engine: 'fast' }, '.')),
    ).toEqual([
      'seeds: [1.5] must be a list of whole numbers >= 0, like [1, 2, 3]',
      'engine: "fast" is not an engine (use analytic, flow, packet)',
    ]);
    expect(
      problemsOf(() =>
        checkSweep({ scenario, vary: { 'network.loss': [0, 1], 'network.pfc': [true] }, zip: true }, '.'),
      )[0],
    ).toMatch(/lengths differ \(network\.loss: 2, network\.pfc: 1\)/);
    expect(problemsOf(() => checkSweep({ scenario, vary: { 'network.loss': [0] }, sede: 1 }, '.'))[0]).toMatch(
      /^sede: is not a sweep field/,
    );
    // A versioned format (issue 16): version 1 is read, any other is named with the fix.
    expect(() => checkSweep({ version: 1, scenario, vary: { 'network.loss': [0] } }, '.')).not.toThrow();
    expect(problemsOf(() => checkSweep({ version: 2, scenario, vary: { 'network.loss': [0] } }, '.'))[0]).toMatch(
      /^version: 2 is not a sweep file version this aifabric reads; write version: 1/,
    );
  });

  it('base is read relative to the sweep file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sweep-'));
    writeFileSync(join(dir, 'base.yaml'), JSON.stringify(scenario));
    writeFileSync(join(dir, 's.yaml'), 'base: base.yaml\nvary: {network.pfc: [true, false]}\n');
    const s = loadSweepFile(join(dir, 's.yaml'));
    expect(s.name).toBe('s');
    expect(expandSweep(s, catalog).map((p) => p.scenario?.network?.pfc)).toEqual([true, false]);
    writeFileSync(join(dir, 't.yaml'), 'base: nope.yaml\nvary: {network.pfc: [true]}\n');
    expect(problemsOf(() => loadSweepFile(join(dir, 't.yaml')))[0]).toMatch(/^base: cannot read nope\.yaml/);
  });

  it("today's --sweep of collective sizes is unchanged (nccl-tests' -b 1MiB -e 8MiB -f 2)", () => {
    expect(parseSweep('bytes=1MiB..8MiB', '--sweep').values).toEqual([1, 2, 4, 8].map((m) => m * 2 ** 20));
  });
});
