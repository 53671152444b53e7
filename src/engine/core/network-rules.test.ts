import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../../test/helpers/problems.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { parseScenario } from '../../scenario/load.ts';
import { resolveNetwork } from './network.ts';
import { checkPfc, type PfcView } from './network-rules.ts';

const catalog = loadCatalog();
// A leaf-spine of aurcore-32x100g (16 MB buffer, 32 ports a leaf) under 16 hosts.
const scenario = (pfc: string) =>
  parseScenario(
    `fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}\nnetwork: {pfc: ${pfc}}\ntraffic: [{pattern: incast, receiver: h0, bytes: 1MB}]\n`,
    catalog,
  );

describe('PFC rules between the network section and the switches (network-rules.ts)', () => {
  // The messages as `aifabric simulate` printed them before the rules ran once per design (issue 14).
  it.each([
    [
      '{headroom: 1MB}',
      'network.pfc.headroom: 1MB per port x 32 ports of leaf0 = 32MB does not fit in its 16MB buffer with room for the shared pool; the nearest valid value is 499999B',
    ],
    [
      '{resumeOffset: 3MB}',
      'network.pfc.resumeOffset: 3MB puts XON at or below zero: XOFF at leaf0 is at most alpha x its shared buffer = 1837250B, and a paused port would never resume; the nearest valid value is 1837249B',
    ],
    [
      '{headroom: 1MB, resumeOffset: 3MB}',
      'network.pfc.headroom: 1MB per port x 32 ports of leaf0 = 32MB does not fit in its 16MB buffer with room for the shared pool; the nearest valid value is 499999B',
    ],
    [
      '{alpha: 0.0000001}',
      'network.pfc.resumeOffset: 8316B puts XON at or below zero: XOFF at leaf0 is at most alpha x its shared buffer = 1B, and a paused port would never resume; raise network.pfc.alpha or lower the headroom',
    ],
  ])('pfc %s: one problem, on every run of the design', (pfc, expected) => {
    const s = scenario(pfc);
    const f = designFabric(s.fabric, catalog).fabric;
    for (let run = 0; run < 3; run++)
      expect(problemsOf(() => resolveNetwork(s.network, f, catalog))).toEqual([expected]);
  });

  it('a design within the rules resolves on every run', () => {
    const s = scenario('true');
    const f = designFabric(s.fabric, catalog).fabric;
    for (let run = 0; run < 2; run++) expect(problemsOf(() => resolveNetwork(s.network, f, catalog))).toEqual([]);
  });

  it('run once per network section, fabric and catalog: later runs reuse the answer', () => {
    const s = scenario('{headroom: 1MB}');
    const f = designFabric(s.fabric, catalog).fabric;
    const net = resolveNetwork(scenario('true').network, f, catalog);
    let reads = 0;
    // The resolved network with a headroom that does not fit, counting the rules' reads of it.
    const view: PfcView = {
      pfc: true,
      pfcAlpha: net.pfcAlpha,
      resumeOffset: net.resumeOffset,
      headroomBytes: () => {
        reads++;
        return 1e6;
      },
      bufferBytes: (n) => net.bufferBytes(n),
    };
    const check = (network: object | undefined, fabric = f) =>
      problemsOf(() => checkPfc(view, fabric, true, { network, catalog }));
    // Every switch port of the fabric, once (a link between two switches from both ends).
    const ports = f.nodes.reduce(
      (sum, node, n) => (node.role === 'host' ? sum : sum + f.adjStart[n + 1] - f.adjStart[n]),
      0,
    );
    const first = check(s.network);
    expect(first).toHaveLength(1);
    expect(reads).toBe(ports);
    expect(check(s.network)).toEqual(first);
    expect(reads).toBe(ports);
    // Another network section, or another fabric, is checked on its own.
    check({ ...s.network });
    expect(reads).toBe(2 * ports);
    check(s.network, designFabric(s.fabric, catalog).fabric);
    expect(reads).toBe(3 * ports);
    // No network section (the defaults) is a key of its own too, kept like any other.
    check(undefined);
    check(undefined);
    expect(reads).toBe(4 * ports);
  });
});
