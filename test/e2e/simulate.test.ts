// `aifabric simulate` end to end: the example scenario runs unchanged.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'aifabric-sim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXAMPLE = `fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}
network: {pfc: true, ecn: {kmin: 5KB, kmax: 200KB, pmax: 0.01}, cc: dcqcn}
traffic: [{pattern: incast, senders: [h1, h2], receiver: h0, bytes: 20MB}]
engine: packet
`;

describe('aifabric simulate', () => {
  const file = join(dir, 'incast.yaml');
  writeFileSync(file, EXAMPLE);

  it('--json prints the documented result for the example scenario', async () => {
    const r = await runMain(['simulate', file, '--engine', 'packet', '--json', '--seed', '3']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.version).toBe(1);
    expect(j.seed).toBe(3);
    expect(j.flows).toHaveLength(2);
    for (const f of j.flows) {
      for (const k of ['src', 'dst', 'bytes', 'startPs', 'endPs', 'fctPs', 'slowdown']) expect(f).toHaveProperty(k);
      expect(f.dst).toBe('h0');
      expect(f.fctPs).toBe(f.endPs - f.startPs);
    }
    const c = j.counters;
    expect(c.drops).toBe(c.bufferDrops + c.lossDrops + c.failureDrops);
    for (const k of ['pauseFrames', 'pausedPs', 'ecnMarks', 'cnps', 'retransmittedBytes']) expect(c).toHaveProperty(k);
    expect(j.ports[0]).toMatchObject({ peer: 'h0' });
    expect(j.ports[0].series.length).toBeGreaterThan(0);
    expect(j.invariants.every((i: { ok: boolean }) => i.ok)).toBe(true);
    for (const k of ['events', 'wallMs', 'eventsPerSec', 'peakRssMB']) expect(j.stats).toHaveProperty(k);
    expect(r.stderr).toBe('');
  });

  it('--report writes the HTML report of the run next to the usual output', async () => {
    const out = join(dir, 'incast.html');
    const r = await runMain(['simulate', file, '--report', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/flows finished/);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/<svg class="chart" data-chart="queues"/);
    expect(html).toMatch(/class="mark-line role-mark/);
  });

  it('prints a summary table without --json', async () => {
    const r = await runMain(['simulate', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/2\/2 flows finished/);
    expect(r.stdout).toMatch(/ok {3}bytes conserved/);
  });

  it('names what is wrong in a traffic section', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, EXAMPLE.replace('[h1, h2]', '[h1, h99]'));
    const r = await runMain(['simulate', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(
      `error: ${bad}:3:43: traffic[0].senders[1]: no host h99 in this fabric (it has h0..h15); use a host in that range`,
    );
    const none = join(dir, 'none.yaml');
    writeFileSync(none, 'fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}\n');
    const r2 = await runMain(['simulate', none]);
    expect(r2.code).toBe(1);
    expect(r2.stderr.trim()).toBe(
      `error: ${none}:1:1: traffic: is required to simulate (e.g. traffic: [{pattern: permutation, bytes: 1MB}])`,
    );
    const r3 = await runMain(['simulate', file, '--seed', 'x']);
    expect(r3.code).toBe(2);
    expect(r3.stderr.trim()).toBe('error: --seed: must be a non-negative integer, got "x"');
  });
});

describe('aifabric simulate: training traffic (issue 4)', () => {
  const file = join(dir, 'allreduce.yaml');
  // The example, unchanged.
  writeFileSync(
    file,
    'fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g}\ntraffic: [{collective: all-reduce, algorithm: ring, bytes: 1GiB}]\n',
  );
  // The packet engine runs the same example at 32 MiB: a packet-level GiB takes 25-70 s, and what is checked here
  // (the ops block, the nccl-tests definitions, busbw near the 400 Gb/s bound) holds at any size that reaches line
  // rate without NCCL's protocol latency (protocol: none: at 64 MiB over 64 servers NCCL's ring latency, 2.5 ms, is
  // as long as the transfer). busbw: 46.3 GB/s at 64 MiB, 44.7 at 32 MiB (2.4 s of CPU instead of 3.6), 41.8 at
  // 16 MiB, too near the 40 asserted. The GiB on the packet engine stays in `npm run check:results -- --full`.
  const small = join(dir, 'allreduce-32mib.yaml');
  writeFileSync(small, readFileSync(file, 'utf8').replace('bytes: 1GiB', 'bytes: 32MiB, protocol: none'));
  const ops: Record<string, { timePs: number; algbwGBps: number; busbwGBps: number }> = {};
  for (const [engine, scenario, bytes] of [
    ['analytic', file, 2 ** 30],
    ['flow', file, 2 ** 30],
    ['packet', small, 2 ** 25],
  ] as const)
    it(`runs unchanged on the ${engine} engine with ops in the result (${bytes / 2 ** 20} MiB)`, async () => {
      const r = await runMain(['simulate', scenario, '--engine', engine, '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.engine).toBe(engine);
      expect(j.ops).toHaveLength(1);
      const op = j.ops[0];
      expect(op).toMatchObject({ op: 'all-reduce', algorithm: 'ring', ranks: 64, bytes });
      // nccl-tests definitions (COLL-01): algbw = S / t, busbw = algbw x 2(n-1)/n.
      expect(op.algbwGBps).toBeCloseTo(bytes / (op.timePs * 1e-12) / 1e9, 6);
      expect(op.busbwGBps).toBeCloseTo((op.algbwGBps * 2 * 63) / 64, 6);
      // Bounded by 400 Gb/s per rank: busbw below 50 GB/s.
      expect(op.busbwGBps).toBeLessThan(50);
      expect(op.busbwGBps).toBeGreaterThan(40);
      ops[engine] = op;
      if (engine !== 'analytic') {
        expect(j.traffic.eastWestShare).toBe(1);
        expect(j.links.length).toBeGreaterThan(0);
      }
    });
  it('--sweep prints a bus-bandwidth curve that rises with the message size', async () => {
    const r = await runMain(['simulate', file, '--engine', 'flow', '--sweep', 'bytes=1MiB..64MiB:x4', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.sweep.map((p: { bytes: number }) => p.bytes)).toEqual([2 ** 20, 2 ** 22, 2 ** 24, 2 ** 26]);
    const bus = j.sweep.map((p: { ops: { busbwGBps: number }[] }) => p.ops[0].busbwGBps);
    for (let i = 1; i < bus.length; i++) expect(bus[i]).toBeGreaterThan(bus[i - 1]);
    const text = await runMain(['simulate', file, '--engine', 'analytic', '--sweep', 'bytes=1MiB,1GiB']);
    // nccl-tests' columns, in its order (src/common.cu's result header), then ours; a line on where the cost model
    // is idealised.
    expect(text.stdout).toMatch(
      /size \(B\) +count +type +redop +root +time \(us\) +algbw \(GB\/s\) +busbw \(GB\/s\) +op +algorithm +ranks/,
    );
    expect(text.stdout).toMatch(
      /1073741824 +268435456 +float +sum +-1 +[0-9.]+ +[0-9.]+ +[0-9.]+ +all-reduce +ring +64/,
    );
    expect(text.stdout).toMatch(/idealised/);
    expect(text.stdout.trim().split('\n')).toHaveLength(6);
  });
  it('--sweep of a broadcast: no reduction, root rank 0 (nccl-tests broadcast_perf: redop none, root 0)', async () => {
    const bcast = join(dir, 'broadcast.yaml');
    writeFileSync(
      bcast,
      'fabric: {topology: leaf-spine, hosts: 16, nic: 400G, switch: aurcore-32x400g}\ntraffic: [{collective: broadcast, bytes: 1MiB}]\n',
    );
    const text = await runMain(['simulate', bcast, '--engine', 'analytic', '--sweep', 'bytes=1MiB']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/1048576 +262144 +float +none +0 +[0-9.]+ +[0-9.]+ +[0-9.]+ +broadcast +binomial +16/);
  });
});
