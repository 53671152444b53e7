// plan's flags for rack size and planes (fabric.hostsPerLeaf, fabric.planes): a flag sets the field as the
// scenario would, and a bad value is a usage error named by the flag.
import { describe, expect, it } from 'vitest';
import { runMain } from './run-cli.ts';

const base = ['plan', '--topology', 'leaf-spine', '--switch', 'aurcore-32x400g', '--json'];

describe('plan --hosts-per-leaf and --planes', () => {
  it('--hosts-per-leaf 8: 256 hosts on 256 / 8 = 32 leaves, 8 uplinks each (non-blocking)', async () => {
    const r = await runMain([...base, '--hosts', '256', '--hosts-per-leaf', '8']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.switchesByRole.leaf).toBe(32);
    expect(j.linksByTier['leaf-spine']).toBe(32 * 8);
    expect(j.metrics.oversubscription.leaf).toBe(1);
  });

  it('--planes 2: bisection per GPU as with one plane (512 x 400G / 2), twice the host cables', async () => {
    const one = JSON.parse((await runMain([...base, '--hosts', '512'])).stdout);
    const two = JSON.parse((await runMain([...base, '--hosts', '512', '--planes', '2'])).stdout);
    expect(two.metrics.bisectionGbps).toBe((512 * 400) / 2);
    expect(two.metrics.bisectionGbps).toBe(one.metrics.bisectionGbps);
    expect(two.linksByTier['host-leaf']).toBe(2 * one.linksByTier['host-leaf']);
  });

  it('a bad value is a usage error (exit 2) named by the flag', async () => {
    const r = await runMain([...base, '--hosts', '256', '--hosts-per-leaf', '0']);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toMatch(/--hosts-per-leaf/);
    const p = await runMain([...base, '--hosts', '256', '--planes', '3']);
    expect(p.code).toBe(2);
    expect(p.stdout + p.stderr).toMatch(/--planes/);
  });
});
