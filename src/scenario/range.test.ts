// The range helper and the cross-field rules: each message names the field, the value as written, the range and
// the nearest valid value; the nearest value, written back into the scenario, is accepted.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { ScenarioError } from '../errors.ts';
import { parseScenario } from './load.ts';
import { describeRange, exactBytes, nearestValid } from './range.ts';

const catalog = loadCatalog();
const FABRIC = 'fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}\n';
const OVERSUB = 'fabric: {topology: leaf-spine, hosts: 16, switch: aurcore-32x100g, oversubscription: 1e9}\n';

function problems(text: string): string[] {
  try {
    parseScenario(text, catalog, 's.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map((p) => `${p.location}: ${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

describe('describeRange and nearestValid', () => {
  it('words each kind of bound', () => {
    expect(describeRange({ min: 256, max: 9216 }, 'bytes')).toBe('from 256B to 9216B');
    expect(describeRange({ min: 0, lt: 1 })).toBe('at least 0 and less than 1');
    expect(describeRange({ int: true, min: 1, max: 32 })).toBe('a whole number from 1 to 32');
    expect(describeRange({ gt: 0, max: Number.MAX_SAFE_INTEGER }, 'time')).toBe('greater than 0ps');
  });
  it('an open bound has a nearest value only on whole numbers', () => {
    expect(nearestValid(0, { gt: 0 }, 'time')).toBe(1);
    expect(nearestValid(0, { gt: 0 })).toBeUndefined();
    expect(nearestValid(1, { min: 0, lt: 1 })).toBeUndefined();
    expect(nearestValid(40, { int: true, min: 1, lt: 33 })).toBe(32);
    expect(nearestValid(10e6, { min: 256, max: 9216 }, 'bytes')).toBe(9216);
  });
  it('writes bytes in a unit that parses back exactly', () => {
    expect([400e3, 2 ** 30, 9216, 10e6, 1234567].map(exactBytes)).toEqual([
      '400KB',
      '1GiB',
      '9216B',
      '10MB',
      '1234567B',
    ]);
  });
});

// [field as written, expected problem]: one per kind of range the schema declares.
const RANGES: [string, string][] = [
  [
    'network: {mtu: 0}',
    's.yaml:2:16: network.mtu: 0 is out of range: must be from 256B to 9216B; the nearest valid value is 256B',
  ],
  [
    'network: {mtu: 10MB}',
    's.yaml:2:16: network.mtu: "10MB" is out of range: must be from 256B to 9216B; the nearest valid value is 9216B',
  ],
  ['network: {loss: 1}', 's.yaml:2:17: network.loss: 1 is out of range: must be at least 0 and less than 1'],
  [
    'network: {rto: 0us}',
    's.yaml:2:16: network.rto: "0us" is out of range: must be greater than 0ps; the nearest valid value is 1ps',
  ],
  [
    'network: {switchLatency: -1}',
    's.yaml:2:26: network.switchLatency: -1 is out of range: must be at least 0ps; the nearest valid value is 0ps',
  ],
  ['seed: -1', 's.yaml:2:7: seed: -1 is out of range: must be a whole number at least 0; the nearest valid value is 0'],
  [
    'traffic: [{collective: all-reduce, bytes: 1MB, channels: 65}]',
    's.yaml:2:58: traffic[0].channels: 65 is out of range: must be a whole number from 1 to 64; the nearest valid value is 64',
  ],
  [
    'traffic: [{pattern: permutation, bytes: 0}]',
    's.yaml:2:41: traffic[0].bytes: 0 is out of range: must be greater than 0B; the nearest valid value is 1B',
  ],
  [
    'seed: 1e300',
    's.yaml:2:7: seed: 1e+300 is out of range: must be a whole number from 0 to 9007199254740991; the nearest valid value is 9007199254740991',
  ],
  ['seed: 1.5', 's.yaml:2:7: seed: expected a whole number, got 1.5'],
  [
    'traffic: [{job: {params: 1e9, stepCompute: 1ms, microBatches: 1e9}}]',
    's.yaml:2:63: traffic[0].job.microBatches: 1000000000 is out of range: must be a whole number from 1 to 10000; the nearest valid value is 10000',
  ],
  [
    'traffic: [{pattern: incast, bytes: 1MB, senders: []}]',
    's.yaml:2:50: traffic[0].senders: must list at least 1 item',
  ],
  ['traffic: [{flows: []}]', 's.yaml:2:19: traffic[0].flows: must list at least 1 item'],
  [
    'version: 0',
    's.yaml:2:10: version: version 0 is not a scenario format version: the first one is 1, which this aifabric reads; write version: 1',
  ],
  ['fabric2: {}', 's.yaml:2:10: fabric2: unknown field "fabric2" (did you mean fabric?)'],
  // Was a known hang of the fuzzer: a picosecond sampling period filled the event queue with samples.
  [
    'network: {sampleInterval: 1.5}',
    's.yaml:2:27: network.sampleInterval: 1.5 is out of range: must be at least 100ns; the nearest valid value is 100ns',
  ],
];

// Cross-field rules (src/scenario/rules.ts).
const RULES: [string, string][] = [
  [
    'network: {ecn: {kmin: 400KB, kmax: 100KB, pmax: 0.1}}',
    's.yaml:2:23: network.ecn.kmin: 400KB must be at most kmax (100KB); the nearest valid value is 100KB',
  ],
  [
    'network: {failures: [{link: leaf0-spine0, at: 2ms, until: 1ms}]}',
    's.yaml:2:59: network.failures[0].until: 1ms must be after at (2ms)',
  ],
  // Was a known hang of the fuzzer: a picosecond on period took billions of draws per request.
  [
    'traffic: [{inference: {arrivals: {onOff: {rate: 4000/s, on: 1.5, off: 1ms}}, requests: 4, replicas: 1, service: {exponential: 1ms}}}]',
    's.yaml:2:61: traffic[0].inference.arrivals.onOff.on: 1.5ps must be at least 1/1000 of the mean gap at this rate (on x rate >= 0.001: shorter periods are a Poisson source; use poisson at rate x on / (on + off)); the nearest valid value is 250ns',
  ],
];

describe('scenario fields out of range, and rules between fields', () => {
  it.each([...RANGES, ...RULES])('%s', (field, expected) => {
    expect(problems(`${FABRIC}${field}\n`)).toEqual([expected]);
  });
  it('fabric.oversubscription: at most 256', () => {
    expect(problems(OVERSUB)).toEqual([
      's.yaml:1:86: fabric.oversubscription: 1000000000 is out of range: must be from 1 to 256; the nearest valid value is 256',
    ]);
  });
  it('the nearest valid value each message names is accepted', () => {
    expect(
      problems(`${FABRIC}network: {mtu: 9216B, loss: 0, rto: 1ps, ecn: {kmin: 100KB, kmax: 100KB, pmax: 0.1}}\n`),
    ).toEqual([]);
    expect(problems(`${FABRIC}traffic: [{collective: all-reduce, bytes: 1B, channels: 32}]\n`)).toEqual([]);
    expect(problems(`${FABRIC}network: {sampleInterval: 100ns}\n`)).toEqual([]);
    expect(
      problems(
        `${FABRIC}traffic: [{inference: {arrivals: {onOff: {rate: 4000/s, on: 250ns, off: 1ms}}, requests: 4, replicas: 1, service: {exponential: 1ms}}}]\n`,
      ),
    ).toEqual([]);
  });
});
