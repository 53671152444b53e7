// Issue 16's table of inputs a careless user tried, row by row: each is now rejected with the field, the value, the
// range and the nearest valid value (or, where the input is valid, printed without NaN), with the documented exit
// code. Then the exit-code table per command, and --json errors as one JSON object on stdout.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, runMain } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'aifabric-harden-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FABRIC = 'fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}\n';
const INCAST = 'traffic: [{pattern: incast, senders: [h1, h2], receiver: h0, bytes: 20KB}]\n';

function scenario(name: string, text: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, text);
  return file;
}

// [row of the table, args ({file} is the scenario), scenario text, exit code, stderr ({file} replaced)]
const ROWS: [string, string[], string, number, string][] = [
  [
    'network.mtu: 0 (was: exit 0, NaN us, ran to 10 s)',
    ['simulate', '{file}'],
    `${FABRIC}network: {mtu: 0}\n${INCAST}`,
    1,
    'error: {file}:2:16: network.mtu: 0 is out of range: must be from 256B to 9216B; the nearest valid value is 256B',
  ],
  [
    'network.mtu: 10MB (was: exit 4, nothing on stderr)',
    ['simulate', '{file}'],
    `${FABRIC}network: {mtu: 10MB}\n${INCAST}`,
    1,
    'error: {file}:2:16: network.mtu: "10MB" is out of range: must be from 256B to 9216B; the nearest valid value is 9216B',
  ],
  [
    'ecn kmin above kmax (was: accepted)',
    ['simulate', '{file}'],
    `${FABRIC}network: {ecn: {kmin: 400KB, kmax: 100KB, pmax: 0.2}}\n${INCAST}`,
    1,
    'error: {file}:2:23: network.ecn.kmin: 400KB must be at most kmax (100KB); the nearest valid value is 100KB',
  ],
  [
    'loss: 1 (was: ran to 10 s, exit 0)',
    ['simulate', '{file}'],
    `${FABRIC}network: {loss: 1}\n${INCAST}`,
    1,
    'error: {file}:2:17: network.loss: 1 is out of range: must be at least 0 and less than 1',
  ],
  [
    'a pattern with bytes: 0 (was: 0-byte flows "finished" with FCT 0.88 us)',
    ['simulate', '{file}'],
    `${FABRIC}traffic: [{pattern: incast, senders: [h1, h2], receiver: h0, bytes: 0}]\n`,
    1,
    'error: {file}:2:69: traffic[0].bytes: 0 is out of range: must be greater than 0B; the nearest valid value is 1B',
  ],
  [
    'plan --hosts -5 (was: expected a number, got "-5")',
    ['plan', '--hosts', '-5'],
    '',
    2,
    'error: --hosts: must be a positive integer, got -5 (nearest valid: 1)',
  ],
  [
    'plan --hosts 1e9',
    ['plan', '--hosts', '1e9'],
    '',
    2,
    'error: --hosts: 1000000000 is out of range: must be a whole number from 1 to 1048576; the nearest valid value is 1048576',
  ],
  [
    'plan --hosts 2.5',
    ['plan', '--hosts', '2.5'],
    '',
    2,
    'error: --hosts: must be a positive integer, got 2.5 (nearest valid: 3)',
  ],
  ['plan --hosts abc', ['plan', '--hosts', 'abc'], '', 2, 'error: --hosts: must be a positive integer, got "abc"'],
  [
    '--seed -1 (was: "-1" is not a whole number)',
    ['simulate', '{file}', '--seed', '-1'],
    `${FABRIC}${INCAST}`,
    2,
    'error: --seed: must be a non-negative integer, got -1 (nearest valid: 0)',
  ],
  [
    'nic: -100G (was: unknown NIC "-100G")',
    ['plan', '{file}'],
    'fabric: {topology: leaf-spine, hosts: 16, nic: -100G, switch: aurcore-32x100g}\n',
    1,
    'error: {file}:1:48: fabric.nic: "-100G" is out of range: a NIC speed must be greater than 0 (the catalog has 25G, 100G, 200G, 400G, 800G)',
  ],
  [
    'the planner finds nothing (was: "no feasible design", exit 0)',
    ['plan', '--hosts', '600000', '--switch', 'aurcore-32x400g', '--spine-switch', 'aurcore-32x400g'],
    '',
    1,
    'error: fabric.hosts: no feasible design for 600000 hosts in the catalog; the closest is 8192 hosts: fat-tree with aurcore-32x400g, $78,397,440; lower hosts to 8192, raise oversubscription, or add a larger switch to the catalog',
  ],
  [
    'the planner on hosts that do not fill whole servers names that, not "no design"',
    ['plan', '--hosts', '3', '--gpus-per-node', '2'],
    '',
    1,
    'error: fabric.hosts: 3 hosts do not fill whole servers of 2 GPUs; use a multiple of 2',
  ],
  [
    'a fabric-level error now has its file:line:col (hosts: 513, gpusPerNode: 8)',
    ['plan', '{file}'],
    'fabric: {topology: leaf-spine, hosts: 513, gpusPerNode: 8, switch: aurcore-32x400g}\n',
    1,
    'error: {file}:1:39: fabric.hosts: 513 hosts do not fill whole servers of 8 GPUs; use a multiple of 8',
  ],
  [
    'a fabric.switch of the wrong role has its file:line:col (simulate)',
    ['simulate', '{file}'],
    'fabric: {topology: ddc, hosts: 4, nic: 400G, switch: aurcore-32x400g}\ntraffic: [{pattern: permutation, bytes: 8KB}]\n',
    1,
    'error: {file}:1:54: fabric.switch: aurcore-32x400g is not made for the linecard role (its roles: leaf, spine, core); pick a linecard model from `aifabric catalog`',
  ],
  [
    'a scenario without traffic has a location: the top of the file (was: none)',
    ['simulate', '{file}'],
    'fabric: {topology: leaf-spine, hosts: 4, nic: 400G, switch: aurcore-32x400g}\n',
    1,
    'error: {file}:1:1: traffic: is required to simulate (e.g. traffic: [{pattern: permutation, bytes: 1MB}])',
  ],
  [
    'a misspelt option (was: exit 1)',
    ['plan', '--hostz', '5'],
    '',
    2,
    "error: unknown option '--hostz'\n(Did you mean --hosts?)\n(run with --help for usage)",
  ],
];

describe("issue 16's table, row by row", () => {
  it.each(ROWS)('%s', async (_row, args, text, code, stderr) => {
    const file = text ? scenario(_row.replace(/[^a-z0-9]+/gi, '-').slice(0, 40), text) : '';
    const r = await runMain(args.map((a) => a.replaceAll('{file}', file)));
    expect(r.stderr.trimEnd()).toBe(stderr.replaceAll('{file}', file));
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
  });

  it('--until before the flows finish (was: FCT NaN us, slowdown -1.00): "-" for what did not finish, exit 0', async () => {
    const r = await runMain(['simulate', 'scenarios/incast-16.yaml', '--until', '200us']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0\/2 flows finished in 200\.0 us simulated/);
    expect(r.stdout).not.toMatch(/NaN|-1\.00/);
    // Flows table: count, then FCT p50, p99, max and slowdown p50, p99, each "-" (nothing finished).
    expect(r.stdout).toMatch(/\n +2 +- +- +- +- +-\n/);
  });

  it('report on a demo bundle with a malformed claims entry (was: internal error, exit 3)', async () => {
    const bundle = { version: 1, report: { title: 't', subtitle: 's', claims: [{ aspect: 'a', side: 'both' }] } };
    const file = join(dir, 'bad-claims.json');
    writeFileSync(file, JSON.stringify(bundle));
    const r = await runMain(['report', file, '-o', join(dir, 'bad.html')]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      `error: ${file}: is not a valid demo bundle: report.claims[0].claim: expected string, received undefined`,
    );
  });

  it('schema --json and report --json (was: unknown option)', async () => {
    const s = await runMain(['schema', '--json']);
    expect(s.code).toBe(0);
    expect(JSON.parse(s.stdout).type).toBe('object');
    const demo = { version: 1, report: { title: 't', subtitle: 's' } };
    const file = join(dir, 'demo.json');
    writeFileSync(file, JSON.stringify(demo));
    const out = join(dir, 'demo.html');
    const r = await runMain(['report', file, '-o', out, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ output: out, bytes: Buffer.byteLength(readFileSync(out)) });
  });
});

describe('versioned inputs of report', () => {
  const cases: [string, object, string][] = [
    [
      'a newer demo bundle',
      { version: 2, report: { title: 't', subtitle: 's' } },
      'is a demo bundle of version 2, newer than this aifabric reads (1); upgrade aifabric, or write it again with this one',
    ],
    [
      'a newer sweep',
      { version: 3, engine: 'flow', scenario: 'x', seed: 1, sweep: [] },
      'is a sweep of version 3, newer than this aifabric reads (1); upgrade aifabric, or write it again with this one',
    ],
    [
      'a result of version 0',
      { version: 0, engine: 'flow', counters: {}, flows: [] },
      'has version 0; a result has a whole-number version from 1',
    ],
  ];
  it.each(cases)('%s is named, exit 1', async (name, value, message) => {
    const file = join(dir, `${name.replace(/ /g, '-')}.json`);
    writeFileSync(file, JSON.stringify(value));
    const r = await runMain(['report', file, '-o', join(dir, 'v.html')]);
    expect(r.stderr.trimEnd()).toBe(`error: ${file}: ${message}`);
    expect(r.code).toBe(1);
  });
});

// The exit codes of src/cli/exit.ts on each command that can produce them (3 and 4: exit-codes.test.ts, which
// plants the faults; 0 on the long-running commands: their own tests).
const EXITS: [string, string[], number][] = [
  ['catalog: ok', ['catalog', '--json'], 0],
  ['catalog show: an unknown id', ['catalog', 'show', 'nope'], 1],
  ['catalog: an unknown option', ['catalog', '--bad'], 2],
  ['schema: ok', ['schema'], 0],
  ['schema: an extra argument', ['schema', 'x'], 2],
  ['plan: ok', ['plan', '--topology', 'leaf-spine', '--hosts', '64', '--switch', 'aurcore-32x400g'], 0],
  ['plan: a scenario that is not there', ['plan', 'nope.yaml'], 1],
  ['plan: --top 0', ['plan', '--hosts', '64', '--top', '0'], 2],
  ['simulate: ok', ['simulate', 'scenarios/incast-16.yaml', '--engine', 'analytic'], 0],
  ['simulate: a scenario that is not there', ['simulate', 'nope.yaml'], 1],
  ['simulate: an engine that is not one', ['simulate', 'scenarios/incast-16.yaml', '--engine', 'fluid'], 2],
  ['simulate: --until 0', ['simulate', 'scenarios/incast-16.yaml', '--until', '0s'], 2],
  ['capacity: no inference item', ['capacity', 'scenarios/incast-16.yaml'], 1],
  ['capacity: --max-replicas 0', ['capacity', 'scenarios/inference.yaml', '--max-replicas', '0'], 2],
  ['demo: --seed x', ['demo', '--seed', 'x'], 2],
  ['report: no such file', ['report', 'nope.json'], 1],
  ['report: no input', ['report'], 2],
];

describe('exit codes per command, and --json errors', () => {
  it.each(EXITS)('%s: exit %i; with --json one JSON object on stdout', async (_name, args, code) => {
    const plain = await runMain(args);
    expect(plain.code).toBe(code);
    if (code === 0) return;
    expect(plain.stderr).toMatch(/^error: /);
    const json = await runMain([...args, '--json']);
    expect(json.code).toBe(code);
    expect(json.stderr).toBe('');
    const lines = json.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const e = JSON.parse(lines[0]).error;
    expect(Object.keys(e)).toEqual(['code', 'message', 'field', 'location']);
    expect(e.code).toBe(code);
    expect(e.message.length).toBeGreaterThan(0);
  });

  it('a JSON error carries the field and its file:line:col', async () => {
    const file = scenario('json-error', `${FABRIC}network: {mtu: 0}\n${INCAST}`);
    const r = await runMain(['simulate', file, '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 1,
        message: '0 is out of range: must be from 256B to 9216B; the nearest valid value is 256B',
        field: 'network.mtu',
        location: `${file}:2:16`,
      },
    });
  });

  it('a usage error commander finds names what it quotes as the field', async () => {
    const r = await runMain(['plan', '--hostz', '5', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: { code: 2, message: "unknown option '--hostz'", field: '--hostz', location: null },
    });
  });

  it('the real process: a usage error under --json is one JSON object and exit 2', () => {
    const r = runCli(['plan', '--hosts', '-5', '--json'], ROOT);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 2,
        message: 'must be a positive integer, got -5 (nearest valid: 1)',
        field: '--hosts',
        location: null,
      },
    });
  });
});
