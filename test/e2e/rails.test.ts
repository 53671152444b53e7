// Issue 14, item 2: a data-parallel job on servers of several NICs uses every NIC by default (channels: auto),
// as NCCL does; channels: 1 keeps the old single ring through one NIC per server (the negative control). The
// demo's DP job (scenarios/dp-job-512.yaml, 64 servers of 8) has the same shape at 4 servers here, to stay fast.
import { describe, expect, it } from 'vitest';
import { runYaml } from '../helpers/simulate.ts';

const job = (channels: string) => `
fabric: {topology: leaf-spine, hosts: 32, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}
traffic: [{job: {params: 2e8, bytesPerGrad: 2, dp: 32, stepCompute: 10ms, buckets: 2${channels}}}]
`;

/** Host-leaf link directions (host -> leaf and leaf -> host) that carried bytes (the result lists those). */
function usedHostLinks(yaml: string): number {
  const links = (runYaml(yaml, 'flow').links ?? []).filter((l) => l.tiers === 'host-leaf');
  return links.filter((l) => l.bytes > 0).length;
}

describe('every rail by default (flow engine link counters)', () => {
  it('channels auto: every NIC link of every server carries bytes, both ways', () => {
    // 32 hosts, each cabled once: 64 directions.
    expect(usedHostLinks(job(''))).toBe(2 * 32);
  });
  it('negative control, channels: 1: one ring leaves each server on one NIC and enters on another', () => {
    // Per server one NIC sends and one receives: 4 servers x 2 directions used.
    expect(usedHostLinks(job(', channels: 1'))).toBe(4 * 2);
  });
});
