import { describe, expect, it } from 'vitest';
import { runYaml } from '../../../test/helpers/simulate.ts';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { NodeId } from '../../fabric/types.ts';
import { fabricSpec } from '../../scenario/schema.ts';
import { ProgramBuilder } from '../../workload/builder.ts';
import { plainTransfer, type Transfer } from '../../workload/program.ts';
import { runFlow } from '../flow/engine.ts';
import { runAnalytic } from './engine.ts';

// Hosts of several links on the analytic engine (host-ports.ts): a connection takes the port its hash's path
// picks and shares it only with the connections hashed to it, at the port's rate, as on the flow and packet
// engines (flow/planes.test.ts, packet/planes.test.ts).
const catalog = loadCatalog();
const f = designFabric(
  fabricSpec({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g', planes: 2 }),
  catalog,
).fabric;
const xfer = (id: number, src: number, dst: number, bytes: number): Transfer =>
  plainTransfer(id, f.hosts[src] as NodeId, f.hosts[dst] as NodeId, bytes, 0, 0, 'roce');
const run = (engine: 'analytic' | 'flow', transfers: Transfer[]) =>
  (engine === 'analytic' ? runAnalytic : runFlow)(f, { transfers, ops: [] }, { seed: 1 }, catalog, { seed: 1 });
const times = (r: ReturnType<typeof run>) => (r.flows ?? []).map((x) => x.fctPs);

describe('two planes on the analytic engine', () => {
  it("four connections of h0 take the flow engine's ports: each one's time within 1% of the flow engine's", () => {
    // Seed 1 puts one alone on one port and three on the other (packet/planes.test.ts). The hose model gives
    // each port's rate / its connections, the flow engine's max-min share here (no other bottleneck), so the two
    // differ only in path latency (analytic: the first path's; under 1% of 4 MB / 66.7G).
    const transfers = [40, 41, 42, 43].map((d, i) => xfer(i, 0, d, 4e6));
    const a = times(run('analytic', transfers));
    const fl = times(run('flow', transfers));
    expect(Math.max(...fl) / Math.min(...fl)).toBeGreaterThan(2.5);
    for (const [i, t] of a.entries()) expect(Math.abs(t / fl[i] - 1), `flow ${i}`).toBeLessThan(0.01);
  });

  it('a flows op (storage reads and checkpoints are one) takes the same ports: its time within 1% of the flow engine', () => {
    const b = new ProgramBuilder();
    b.beginOp({
      kind: 'flows',
      ranks: [f.hosts[0] as NodeId],
      bytes: 16e6,
      deps: [],
      item: 0,
      iteration: -1,
      label: 'x',
    });
    for (const d of [40, 41, 42, 43]) b.task({ src: f.hosts[0] as NodeId, dst: f.hosts[d] as NodeId, bytes: 4e6 });
    b.endOp();
    const program = b.build();
    const op = (r: ReturnType<typeof run>) => r.ops?.[0]?.timePs ?? 0;
    const a = runAnalytic(f, program, { seed: 1 }, catalog, { seed: 1 });
    const fl = runFlow(f, program, { seed: 1 }, catalog, { seed: 1 });
    // The op lasts as long as the port of three connections: 3 x 4 MB / 200G, not 4 x 4 MB on one port.
    expect(Math.abs(op(a) / op(fl) - 1)).toBeLessThan(0.01);
  });
});

// Collectives keep the closed forms' one bandwidth per rank: every connection at one port's rate, the port shared
// by all of the rank's channels. That is what hashing gives a ring: with one channel each connection is alone on
// its port (exact), and with c channels the ring runs at its slowest rank, which has all c connections on one
// port with probability 2^(1-c) per rank, so in a ring of n ranks with 1 - (1 - 2^(1-c))^n (16 ranks: 1.00 for
// c = 2, 0.88 for c = 4). Walking each channel's connections would be the flow engine's job.
describe('two planes on the analytic engine: collectives', () => {
  const yaml = (channels: number) => `
fabric: {topology: leaf-spine, hosts: 64, switch: aurcore-32x400g, planes: 2}
traffic:
  - {collective: all-reduce, bytes: 64MB, ranks: 16, algorithm: ring, channels: ${channels}}
`;
  for (const channels of [1, 4])
    it(`a 16-rank ring all-reduce of ${channels} channel(s) within 1% of the flow engine (its path latencies)`, () => {
      const a = runYaml(yaml(channels), 'analytic').ops?.[0]?.timePs ?? 0;
      const fl = runYaml(yaml(channels), 'flow').ops?.[0]?.timePs ?? 0;
      expect(Math.abs(a / fl - 1)).toBeLessThan(0.01);
    });
});
