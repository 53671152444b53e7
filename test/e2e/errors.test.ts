// Malformed and impossible scenarios: each gives its exact message naming the field and the fix, a
// non-zero exit, no stack trace, and no output file left behind.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runMain } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'aifabric-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = 'fabric: {topology: leaf-spine, hosts: 512, nic: 400G, switch: aurcore-32x400g}\n';

// [name, scenario text, expected stderr (the {file} placeholder is the scenario's path)]
const CASES: [string, string, string][] = [
  [
    'unknown switch model, with a suggestion',
    'fabric:\n  topology: leaf-spine\n  hosts: 16\n  switch: aurcore-32x40g\n',
    '{file}:4:11: fabric.switch: unknown model "aurcore-32x40g" (did you mean aurcore-32x400g?)',
  ],
  [
    'unknown field, with a suggestion',
    'fabric: {topology: leaf-spine, hostz: 16, switch: aurcore-32x400g}\n',
    '{file}:1:9: fabric.hosts: is required (the number of NIC endpoints, e.g. hosts: 512)\nerror: {file}:1:39: fabric.hostz: unknown field "hostz" (did you mean hosts?)',
  ],
  [
    'no fabric section',
    'name: x\n',
    '{file}:1:1: fabric: is required (add a fabric section, e.g. fabric: {topology: leaf-spine, hosts: 512, nic: 400G, switch: aurcore-32x400g})',
  ],
  [
    'negative hosts',
    'fabric: {topology: leaf-spine, hosts: -5, switch: aurcore-32x400g}\n',
    '{file}:1:39: fabric.hosts: -5 is out of range: must be a whole number from 1 to 1048576; the nearest valid value is 1',
  ],
  [
    'fractional hosts',
    'fabric: {topology: leaf-spine, hosts: 12.5, switch: aurcore-32x400g}\n',
    '{file}:1:39: fabric.hosts: expected a whole number, got 12.5',
  ],
  [
    'misspelled topology',
    'fabric: {topology: leaf-spin, hosts: 16, switch: aurcore-32x400g}\n',
    '{file}:1:20: fabric.topology: "leaf-spin" is not one of leaf-spine, fat-tree, rail-optimized, ddc, access-aggregation, custom (did you mean leaf-spine?)',
  ],
  [
    'NIC speed not in the catalog',
    'fabric: {topology: leaf-spine, hosts: 16, nic: 300G, switch: aurcore-32x400g}\n',
    '{file}:1:48: fabric.nic: no NIC of 300G in the catalog (available: 25G, 100G, 200G, 400G, 800G)',
  ],
  [
    'unknown NIC id',
    'fabric: {topology: leaf-spine, hosts: 16, nic: nic-400x, switch: aurcore-32x400g}\n',
    '{file}:1:48: fabric.nic: unknown NIC "nic-400x" (did you mean nic-400g?)',
  ],
  [
    'oversubscription below 1',
    'fabric: {topology: leaf-spine, hosts: 16, switch: aurcore-32x400g, oversubscription: 0.5}\n',
    '{file}:1:86: fabric.oversubscription: must be at least 1 (1 is non-blocking, 3 or 3:1 means 3x more down than up)',
  ],
  [
    'oversubscription that is not a ratio',
    'fabric: {topology: leaf-spine, hosts: 16, switch: aurcore-32x400g, oversubscription: three}\n',
    '{file}:1:86: fabric.oversubscription: "three" is not a ratio (write it like 1, 3 or 3:1)',
  ],
  [
    'YAML syntax error',
    'fabric: {topology: leaf-spine, hosts: 16\n',
    '{file}:2:1: scenario: not valid YAML: Flow map in block collection must be sufficiently indented and end with a }',
  ],
  [
    'MTU that is not a size',
    `${base}network: {mtu: 4 parsecs}\n`,
    '{file}:2:16: network.mtu: "4 parsecs" is not a size (write it like 4096, 20MB or 1GiB)',
  ],
  [
    'ECN threshold that is not a size',
    `${base}network:\n  ecn: {kmin: lots, kmax: 200KB, pmax: 0.01}\n`,
    '{file}:3:15: network.ecn.kmin: "lots" is not a size (write it like 4096, 20MB or 1GiB)',
  ],
  [
    'a newer scenario version',
    `version: 2\n${base}`,
    '{file}:1:10: version: version 2 is newer than this aifabric understands (1); upgrade aifabric or write version: 1',
  ],
  [
    'scenario that is a list',
    '- fabric: {}\n',
    '{file}:1:1: scenario: the scenario must be a mapping with at least a `fabric` section',
  ],
  [
    'misspelled engine',
    `${base}engine: packets\n`,
    '{file}:2:9: engine: "packets" is not one of analytic, flow, packet (did you mean packet?)',
  ],
  [
    'hosts that do not fill whole servers',
    'fabric: {topology: leaf-spine, hosts: 100, gpusPerNode: 8, switch: aurcore-32x400g}\n',
    '{file}:1:39: fabric.hosts: 100 hosts do not fill whole servers of 8 GPUs; use a multiple of 8',
  ],
  [
    'too many hosts for two tiers',
    'fabric: {topology: leaf-spine, hosts: 513, switch: aurcore-32x400g}\n',
    '{file}:1:39: fabric.hosts: 513 hosts need 33 leaves of 16 hosts, but a aurcore-32x400g spine has only 32 ports at 400G (at most 512 hosts in two tiers); use topology fat-tree, a larger spine switch, or fewer hosts',
  ],
  [
    'fat-tree k larger than the switch',
    'fabric: {topology: fat-tree, hosts: 128, switch: aurcore-32x400g, k: 34}\n',
    '{file}:1:70: fabric.k: k=34 needs 34 ports at 400G on every switch, but the models have only 32; use k <= 32 or a larger switch',
  ],
  [
    'a NIC speed the switch cannot run',
    'fabric: {topology: leaf-spine, hosts: 64, nic: 800G, switch: aurcore-32x400g}\n',
    '{file}:1:62: fabric.switch: aurcore-32x400g has no port that runs at 800G, natively or by breakout; pick a switch whose ports or breakouts include 800G',
  ],
  [
    'a switch in a role it is not made for',
    'fabric: {topology: access-aggregation, hosts: 64, nic: 25G, switch: generic-ddc-fabric}\n',
    '{file}:1:69: fabric.switch: generic-ddc-fabric is not made for the access role (its roles: fabric); pick a access model from `aifabric catalog`',
  ],
  [
    'cable lengths beside a fixed link delay',
    `${base}network: {linkDelay: 1us, cables: {host: 3m}}\n`,
    '{file}:2:35: network.cables: network.linkDelay already sets the propagation delay of every link; set either linkDelay or cables, not both',
  ],
  [
    'a cable length in feet',
    `${base}network: {cables: {spine: 300ft}}\n`,
    '{file}:2:27: network.cables.spine: "300ft" is not a length (write it like 3m, 30m or 0.5km)',
  ],
  [
    'a buffer cell of 0 bytes',
    `${base}network: {bufferCell: 0}\n`,
    '{file}:2:23: network.bufferCell: 0 is out of range: must be a whole number from 1B to 4096B; the nearest valid value is 1B',
  ],
  [
    'a traffic item that names no form (no pattern)',
    `${base}traffic: [{senders: 4, bytes: 1MB}]\n`,
    '{file}:2:11: traffic[0]: a traffic item needs one of pattern, flows, collective, inference, job, got {senders: 4, bytes: "1MB"}: add pattern (one of incast, permutation, all-to-all), whose items take senders and bytes',
  ],
];

describe('malformed or impossible scenarios', () => {
  it('there are at least 15 of them', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  it.each(CASES)('%s: exact message, exit 1, no stack trace, no output file', async (name, text, expected) => {
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
    writeFileSync(file, text);
    const out = join(dir, `out-${name.replace(/[^a-z0-9]+/gi, '-')}`);
    const r = await runMain(['plan', file, '--csv', out, '--svg', `${out}.svg`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toBe(`error: ${expected.replaceAll('{file}', file)}`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.svg`)).toBe(false);
  });

  it('a missing scenario file is named', async () => {
    const r = await runMain(['plan', join(dir, 'nope.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe(`error: scenario: cannot read ${join(dir, 'nope.yaml')}: no such file`);
  });

  it('a flag with a bad value names the flag: a usage error (exit 2)', async () => {
    const r = await runMain(['plan', '--topology', 'leaf-spine', '--hosts', 'many', '--switch', 'aurcore-32x400g']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toBe('error: --hosts: must be a positive integer, got "many"');
  });

  it('an output directory that cannot be created leaves nothing behind', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, 'a file, not a directory');
    const before = readdirSync(dir).length;
    const r = await runMain([
      'plan',
      '--topology',
      'leaf-spine',
      '--hosts',
      '64',
      '--switch',
      'aurcore-32x400g',
      '--csv',
      join(blocker, 'sub'),
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: --csv: cannot create directory/);
    expect(readdirSync(dir).length).toBe(before);
  });

  it('an unknown command is a usage error (exit 2)', () => {
    const r = runCli(['plot']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command 'plot'/);
  });
});

// Training traffic that cannot be compiled: the message names the field and the fix (simulate, exit 1).
const B64 = 'fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g}\n';
const TRAINING: [string, string, string][] = [
  [
    'an unknown collective algorithm',
    `${B64}traffic: [{collective: all-reduce, algorithm: rign, bytes: 1GiB}]\n`,
    '{file}:2:47: traffic[0].algorithm: unknown all-reduce algorithm "rign"; use auto or one of ring, double-binary-tree, recursive-doubling, rabenseifner, hierarchical, nvls, nvls-tree, sharp (did you mean ring?)',
  ],
  [
    'more ranks than hosts',
    `${B64}traffic: [{collective: all-reduce, bytes: 1GiB, ranks: 100}]\n`,
    '{file}:2:56: traffic[0].ranks: 100 ranks do not fit on 64 hosts; use at most 64 or a bigger fabric',
  ],
  [
    'a job without its compute time',
    `${B64}traffic: [{job: {params: 1e9, dp: 64}}]\n`,
    '{file}:2:17: traffic[0].job.stepCompute: a job needs its compute time: stepCompute (e.g. 350ms), or flopsPerStep with gpuFlops (and mfu)',
  ],
  [
    'a job larger than the fabric',
    `${B64}traffic: [{job: {params: 1e9, dp: 64, tp: 2, stepCompute: 1ms}}]\n`,
    '{file}:2:17: traffic[0].job: dp x tp x pp = 64 x 2 x 1 = 128 GPUs do not fit on 64 hosts; lower a degree or use a bigger fabric',
  ],
];

describe('training traffic that cannot be compiled', () => {
  it.each(TRAINING)('%s: exact message, exit 1, no stack trace', async (name, text, expected) => {
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
    writeFileSync(file, text);
    for (const engine of ['analytic', 'flow', 'packet']) {
      const r = await runMain(['simulate', file, '--engine', engine]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd()).toBe(`error: ${expected.replaceAll('{file}', file)}`);
    }
  });
  it('a sweep of anything but bytes', async () => {
    const file = join(dir, 'sweep.yaml');
    writeFileSync(file, `${B64}traffic: [{collective: all-reduce, bytes: 1GiB}]\n`);
    const r = await runMain(['simulate', file, '--sweep', 'bites=1..2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toBe(
      'error: --sweep: only the collective size can be swept ("bytes"), not "bites"; write it like bytes=1MiB..8GiB (doubling), bytes=1MiB..1GiB:x4 or bytes=1MiB,64MiB,1GiB',
    );
  });
});

// Inference scenarios that cannot run: the message names the field and the fix (exit 1).
const AA =
  'fabric: {topology: access-aggregation, hosts: 48, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}\n';
const INFERENCE: [string, string, string[], string][] = [
  [
    'more replicas than hosts',
    `${AA}traffic: [{inference: {arrivals: {poisson: 10/s}, requests: 100, replicas: 64}}]\n`,
    [],
    '{file}:2:76: traffic[0].inference.replicas: 64 replicas do not fit on 48 hosts (one replica per host: lower replicas or raise fabric.hosts)',
  ],
  [
    'synthetic arrivals that never stop',
    `${AA}traffic: [{inference: {arrivals: {poisson: 10/s}, replicas: 4}}]\n`,
    [],
    '{file}:2:23: traffic[0].inference.requests: say when synthetic arrivals stop: requests: 100000 or duration: 60s',
  ],
  [
    'a request rate without a unit',
    `${AA}traffic: [{inference: {arrivals: {poisson: fast}, requests: 100, replicas: 4}}]\n`,
    [],
    '{file}:2:44: traffic[0].inference.arrivals.poisson: "fast" is not a request rate (write it like 200/s, 8/ms or 12000/min)',
  ],
  [
    'a trace file that is not there',
    `${AA}traffic: [{inference: {arrivals: {trace: nope.csv}, replicas: 4}}]\n`,
    [],
    '{file}:2:42: traffic[0].inference.arrivals.trace: cannot read "nope.csv" (use conv or code for the bundled Azure traces, or a path to a CSV file)',
  ],
  [
    'a fault of a replica that does not exist',
    `${AA}traffic: [{inference: {arrivals: {poisson: 10/s}, requests: 100, replicas: 4, faults: [{replica: 4, at: 1s}]}}]\n`,
    [],
    '{file}:2:98: traffic[0].inference.faults[0].replica: there are 4 replicas (0..3); pick one of them',
  ],
  [
    'requests through border0 on a fabric without one',
    `${B64}traffic: [{inference: {arrivals: {poisson: 10/s}, requests: 100, replicas: 4}}]\n`,
    [],
    '{file}:1:20: fabric.topology: inference requests enter through border0, which this fabric lacks (use topology: access-aggregation, fabric.border: true on leaf-spine, fat-tree or rail-optimized, or network: zero)',
  ],
  [
    'two inference services in one scenario',
    `${AA}traffic: [{pattern: permutation, bytes: 1MB}, {inference: {arrivals: {poisson: 10/s}, requests: 100, replicas: 4}}, {inference: {arrivals: {poisson: 10/s}, requests: 100, replicas: 4}}]\n`,
    [],
    '{file}:2:129: traffic[2].inference: a scenario runs one inference service for now (put the second service in another scenario)',
  ],
];

describe('inference scenarios that cannot run', () => {
  it.each(INFERENCE)('%s: exact message, exit 1, no stack trace', async (name, text, flags, expected) => {
    const file = join(dir, `${name.replace(/[^a-z0-9]+/gi, '-')}.yaml`);
    writeFileSync(file, text);
    const r = await runMain(['simulate', file, ...flags]);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toBe(`error: ${expected.replaceAll('{file}', file)}`);
    expect(r.code).toBe(1);
  });

  it('capacity: a malformed SLO names the flag and the form', async () => {
    const file = join(dir, 'capacity.yaml');
    writeFileSync(file, `${AA}traffic: [{inference: {arrivals: {poisson: 10/s}, requests: 100, replicas: 4}}]\n`);
    const r = await runMain(['capacity', file, '--slo', 'p99-ttfb=1s']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd()).toBe(
      'error: --slo: "p99-ttfb=1s" is not an SLO bound: write <stat>-<metric>=<time> with stat mean|p50|p90|p99|p999|p99.9 and metric latency|ttft|tpot|queue|network, e.g. p99-ttft=500ms',
    );
  });

  it('capacity: an SLO no replica count can meet says what to change', async () => {
    const file = join(dir, 'capacity2.yaml');
    writeFileSync(file, `${AA}traffic: [{inference: {arrivals: {poisson: 10/s}, requests: 200, replicas: 4}}]\n`);
    const r = await runMain(['capacity', file, '--slo', 'p99-ttft=1ms']);
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd()).toBe(
      `error: ${file}:2:76: traffic[0].inference.replicas: even 48 replicas (every host of the fabric) miss the SLO at this load: raise fabric.hosts, lower the load, or relax --slo`,
    );
  });
});
