// Items of several forms (a traffic item is a pattern, flows, a collective, an inference service or a job; a
// failure a link or a switch): a field of another form is named as such, with the fix, never "did you mean" itself.
import { describe, expect, it } from 'vitest';
import { problemsOf } from '../../test/helpers/problems.ts';
import { loadCatalog } from '../catalog/index.ts';
import { parseScenario } from './load.ts';

const catalog = loadCatalog();
const FABRIC = 'fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}\n';
const FLOWS = 'flows: [{src: h0, dst: h1, bytes: 1MB}]';

const problems = (text: string): string[] => problemsOf(() => parseScenario(FABRIC + text, catalog, 's.yaml'));

describe('a field of another form of item', () => {
  it.each([
    [
      `traffic: [{pattern: incast, receiver: h0, bytes: 1MB, ${FLOWS}}]`,
      'traffic[0].flows: "flows" and "pattern" in one traffic item: an item is one of pattern, flows, collective, inference, job; give each its own item in the list',
    ],
    [
      `traffic: [{bytes: 1MB, ${FLOWS}}]`,
      'traffic[0].bytes: a flows item has no field "bytes" (its fields: flows, class, transport; bytes belongs to pattern and collective items): remove it',
    ],
    [
      'traffic: [{collective: all-reduce, bytes: 1MB, receiver: h0}]',
      'traffic[0].receiver: a collective item has no field "receiver" (its fields: collective, bytes, algorithm, ranks, placement, channels, chunk, protocol, latencyModel, start, class; receiver belongs to pattern items): remove it',
    ],
    // A field every form of the section is read from (load.ts fieldsOf), so none is missed: latencyModel was not.
    [
      'traffic: [{pattern: incast, receiver: h0, bytes: 1MB, latencyModel: nccl}]',
      'traffic[0].latencyModel: a pattern item has no field "latencyModel" (its fields: pattern, senders, receiver, bytes, start, class, transport; latencyModel belongs to collective items): remove it',
    ],
    // The item names one form: that form's problems, not those of the form with the fewest (flows: "is required").
    [
      'traffic: [{inference: {arrivals: {poisson: 10/s}, requests: 10, replicas: 2}, class: roce}]',
      'traffic[0].class: an inference item has no field "class" (its fields: inference; class belongs to pattern, flows, collective and job items): remove it',
    ],
    [
      'network: {failures: [{switch: spine0, index: 1, at: 1us}]}',
      'network.failures[0].index: a switch item has no field "index" (its fields: switch, at, until; index belongs to link items): remove it',
    ],
    [
      'network: {failures: [{link: leaf0-spine0, switch: spine0, at: 1us}]}',
      'network.failures[0].switch: "switch" and "link" in one network.failures item: an item is one of link, switch; give each its own item in the list',
    ],
  ])('%s', (text, expected) => {
    const got = problems(text);
    expect(got).toEqual([expected]);
    expect(got.join('\n')).not.toMatch(/did you mean/);
  });

  it('a misspelt field still gets its suggestion', () => {
    expect(problems('traffic: [{pattern: incast, bytez: 1MB}]')).toEqual([
      'traffic[0].bytes: is required (see `aifabric schema`)',
      'traffic[0].bytez: unknown field "bytez" (did you mean bytes?)',
    ]);
  });
});

// Every section's fields come from the schema (load.ts fieldsIn), through its wrappers (optional, defaults, lists)
// and unions, so a misspelt field anywhere gets its suggestion.
describe('a misspelt field in a nested section', () => {
  it.each([
    [
      'traffic: [{inference: {arrivals: {poisson: 10/s}, requests: 10, replicas: 2, service: {determinstic: 5ms}}}]',
      'traffic[0].inference.service.determinstic: unknown field "determinstic" (did you mean deterministic?)',
    ],
    [
      'traffic: [{flows: [{src: h0, dst: h1, bytes: 1MB, strat: 1us}]}]',
      'traffic[0].flows[0].strat: unknown field "strat" (did you mean start?)',
    ],
    [
      'network: {burstLoss: {rate: 0.01, meanBurts: 3}}',
      'network.burstLoss.meanBurts: unknown field "meanBurts" (did you mean meanBurst?)',
    ],
  ])('%s', (text, expected) => {
    expect(problems(text)).toEqual([expected]);
  });
});

// An item that names no form: the fields that name one, what it has, and the forms that take its fields (before:
// one form's problems, the form with the fewest, e.g. "flows: is required" for {class: roce}).
describe('an item that names no form', () => {
  const COLLECTIVES = 'all-reduce, reduce-scatter, all-gather, broadcast, all-to-all';
  it.each([
    [
      'traffic: [{bytes: 1MB}]',
      [
        `traffic[0]: a traffic item needs one of pattern, flows, collective, inference, job, got {bytes: "1MB"}: add pattern (one of incast, permutation, all-to-all) or collective (one of ${COLLECTIVES}), whose items take bytes`,
      ],
    ],
    [
      'traffic: [{class: roce}]',
      [
        `traffic[0]: a traffic item needs one of pattern, flows, collective, inference, job, got {class: "roce"}: add pattern (one of incast, permutation, all-to-all), flows, collective (one of ${COLLECTIVES}) or job, whose items take class`,
      ],
    ],
    [
      'traffic: [{}]',
      [
        'traffic[0]: a traffic item needs one of pattern, flows, collective, inference, job, got {}: add one of them (see `aifabric schema`)',
      ],
    ],
    // No form takes both fields.
    [
      'traffic: [{receiver: h0, ranks: 4}]',
      [
        'traffic[0]: a traffic item needs one of pattern, flows, collective, inference, job, got {receiver: "h0", ranks: 4}: add one of them (see `aifabric schema`)',
      ],
    ],
    // An unknown field apart, with its suggestion; the forms from the fields the section knows.
    [
      'traffic: [{ranks: 4, bytez: 1MB}]',
      [
        `traffic[0]: a traffic item needs one of pattern, flows, collective, inference, job, got {ranks: 4, bytez: "1MB"}: add collective (one of ${COLLECTIVES}), whose items take ranks`,
        'traffic[0].bytez: unknown field "bytez" (did you mean bytes?)',
      ],
    ],
    [
      'network: {failures: [{at: 1us}]}',
      [
        'network.failures[0]: a network.failures item needs one of link, switch, got {at: "1us"}: add link or switch, whose items take at',
      ],
    ],
  ])('%s', (text, expected) => {
    expect(problems(text)).toEqual(expected);
  });

  it('an item that is no mapping, or a field that is no list, says so in YAML’s words (was: a object, a array)', () => {
    expect(problems('traffic: [5]')).toEqual(['traffic[0]: expected a mapping, got 5']);
    expect(problems('traffic: [{pattern: incast, senders: 4, bytes: 1MB}]')).toEqual([
      'traffic[0].senders: expected a list, got 4',
    ]);
  });
});
