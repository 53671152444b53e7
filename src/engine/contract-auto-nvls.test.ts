// The engines agree where `algorithm: auto` picks NVLS (NCCL 2.20.3's model on H100 servers, protocol.ts): nvls on
// one server, nvls-tree across two, at 64 MiB, the contract's size for the packet engine. The analytic and flow
// engines within 2%, the packet engine within 5% (the contract's tolerances, contract.test.ts). It leaves out
// the named nvls and nvls-tree runs, which contract.test.ts and contract-trees-packet.test.ts cover.
import { describe, expect, it } from 'vitest';
import { runScenario, scenarioYaml } from './contract.ts';
import type { EngineKind } from './index.ts';

const h100 = (servers: number) =>
  `fabric: {topology: rail-optimized, hosts: ${servers * 8}, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8, gpu: h100}`;

function run(engine: EngineKind, yaml: string): { algorithm: string; ps: number } {
  const ops = runScenario(engine, yaml).result.ops ?? [];
  expect(ops.length).toBe(1);
  return { algorithm: ops[0].algorithm ?? '', ps: ops[0].timePs };
}

describe('algorithm auto picks NVLS on H100 servers: the engines agree', () => {
  it.each([
    [1, 'nvls'],
    [2, 'nvls-tree'],
  ])('%i server(s), 64 MiB: %s; flow within 2 percent, packet within 5 percent of analytic', (servers, want) => {
    const yaml = scenarioYaml(h100(servers), 'collective: all-reduce, bytes: 64MiB');
    const a = run('analytic', yaml);
    const f = run('flow', yaml);
    const p = run('packet', yaml);
    const what = `analytic ${a.ps} ps, flow ${f.ps} ps, packet ${p.ps} ps`;
    expect([a.algorithm, f.algorithm, p.algorithm]).toEqual([want, want, want]);
    expect(Math.abs(f.ps / a.ps - 1), what).toBeLessThan(0.02);
    expect(Math.abs(p.ps / a.ps - 1), what).toBeLessThan(0.05);
  });
});
