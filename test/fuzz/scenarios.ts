// Generators of valid scenarios at small sizes (each runs in milliseconds): every topology, every traffic kind
// (patterns, flow lists, collectives with each algorithm, training jobs, inference services) and every network
// option. The `network` section is generated from the zod schema (schema-arb.ts), so options added to it are
// fuzzed without an edit; the fields whose schema range is far wider than a millisecond run (MTU, loss, timers,
// sampling) or that have cross-field rules (ECN Kmin <= Kmax) are overridden here with small valid values.
// Left out: catalog files of one's own, sweeps, trace-file paths other than the bundled traces.
import fc from 'fast-check';
import { networkSchema } from '../../src/scenario/schema.ts';
import { COLLECTIVE_ALGORITHMS } from '../../src/workload/training/collectives.ts';
import { arbFromSchema, type Overrides } from './schema-arb.ts';

/** A fabric and what traffic may do on it. */
export interface FabricCase {
  fabric: Record<string, unknown>;
  hosts: number;
  /** Inference on the fabric needs border0: only the access-aggregation fabrics here have it. */
  border: boolean;
  /** GPUs per server: hierarchical all-reduce needs more than one. */
  gpn: number;
  /** Names of links and switches that exist, for failures. */
  links: string[];
  switches: string[];
}

const leafSpine = (nic: string, sw: string, gpn: number) =>
  fc.integer({ min: 1, max: 6 }).map<FabricCase>((servers) => ({
    fabric: { topology: 'leaf-spine', hosts: Math.max(2, servers * gpn), nic, switch: sw, gpusPerNode: gpn },
    hosts: Math.max(2, servers * gpn),
    gpn,
    border: false,
    links: ['leaf0-spine0'],
    switches: ['spine0', 'leaf0'],
  }));

export const fabricArb: fc.Arbitrary<FabricCase> = fc.oneof(
  leafSpine('100G', 'aurcore-32x100g', 1),
  leafSpine('400G', 'aurcore-32x400g', 2),
  fc.constantFrom(4, 8).map((hosts) => ({
    fabric: { topology: 'fat-tree', hosts, nic: '400G', switch: 'aurcore-32x400g', k: 4 },
    hosts,
    gpn: 1,
    border: false,
    links: ['edge0-agg0'],
    switches: ['agg0', 'core0'],
  })),
  fc.constantFrom(4, 8).map((gpn) => ({
    fabric: { topology: 'rail-optimized', hosts: 2 * gpn, nic: '400G', switch: 'aurcore-32x400g', gpusPerNode: gpn },
    hosts: 2 * gpn,
    gpn,
    border: false,
    links: ['leaf0-spine0'],
    switches: ['leaf0'],
  })),
  // DDC: 2-4 servers on line cards, 40 fabric links into each fabric element (8 MB). Its network is constrained
  // (ddcNetwork below): the headroom model reserves PFC headroom on the cell-fabric ports as on any switch port.
  fc.integer({ min: 2, max: 4 }).map((hosts) => ({
    fabric: { topology: 'ddc', hosts, nic: '400G', switch: 'generic-ddc-linecard' },
    hosts,
    gpn: 1,
    border: false,
    links: [],
    switches: [],
  })),
  fc.integer({ min: 2, max: 8 }).map((hosts) => ({
    fabric: {
      topology: 'access-aggregation',
      hosts,
      nic: '25G',
      switch: 'aurcore-48x25g-8x100g',
      spineSwitch: 'aurcore-32x100g',
    },
    hosts,
    gpn: 1,
    border: true,
    links: ['access0-agg0'],
    switches: ['agg0', 'access0'],
  })),
);

const host = (n: number) => fc.integer({ min: 0, max: n - 1 }).map((i) => `h${i}`);
const small = fc.constantFrom<string | number>('1KB', '4KiB', 8000, '16KB', '64KB');
const cls = fc.option(fc.constantFrom('roce', 'lossy'), { nil: undefined });
const start = fc.option(fc.constantFrom('0us', '2us', 10_000_000), { nil: undefined });
const transport = fc.option(fc.constantFrom('roce', 'dctcp', 'newreno'), { nil: undefined });

const patternArb = (f: FabricCase) =>
  fc
    .record({
      pattern: fc.constantFrom('incast', 'permutation', 'all-to-all'),
      bytes: small,
      start,
      class: cls,
      transport,
      receiver: fc.integer({ min: 0, max: f.hosts - 1 }),
      senders: fc.option(fc.integer({ min: 1, max: Math.min(3, f.hosts - 1) }), { nil: undefined }),
    })
    .map(({ receiver, senders, ...t }) => {
      if (t.pattern !== 'incast') return t;
      const others = Array.from({ length: f.hosts }, (_, i) => i).filter((i) => i !== receiver);
      return {
        ...t,
        receiver: `h${receiver}`,
        ...(senders !== undefined ? { senders: others.slice(0, senders).map((i) => `h${i}`) } : {}),
      };
    });

const flowsArb = (f: FabricCase) =>
  fc.record({
    flows: fc.array(
      fc.tuple(host(f.hosts), fc.integer({ min: 1, max: f.hosts - 1 }), small, start).map(([src, d, bytes, st]) => {
        const dst = `h${(Number(src.slice(1)) + d) % f.hosts}`;
        return st === undefined ? { src, dst, bytes } : { src, dst, bytes, start: st };
      }),
      { minLength: 1, maxLength: 4 },
    ),
    class: cls,
    transport,
  });

// `reduce` is the workload's own (jobs), not a scenario collective; hierarchical needs servers of several GPUs;
// nvls and nvls-tree need a GPU profile with NVLink SHARP (fabric.gpu), which the fabric cases do not set; sharp
// needs switches with inNetworkReduction, which no built-in model has (catalog/examples/quantum-2.yaml).
const algos = (gpn: number) =>
  Object.entries(COLLECTIVE_ALGORITHMS)
    .filter(([op]) => op !== 'reduce')
    .flatMap(([op, algs]) =>
      [...algs, 'auto']
        .filter((a) => (gpn > 1 || a !== 'hierarchical') && a !== 'nvls' && a !== 'nvls-tree' && a !== 'sharp')
        .map((a) => [op, a] as const),
    );
/** NCCL's protocols apply to its own algorithms only (naming one for an MPI algorithm is refused). */
const NCCL_ALGORITHMS = new Set(['auto', 'ring', 'double-binary-tree']);

const collectiveArb = (f: FabricCase) =>
  fc
    .record({
      pick: fc.constantFrom(...algos(f.gpn)),
      bytes: fc.constantFrom('4KB', '32KiB', '64KB'),
      ranks: fc.option(fc.integer({ min: 2, max: f.hosts }), { nil: undefined }),
      placement: fc.option(fc.constantFrom('rail', 'sequential', 'random'), { nil: undefined }),
      channels: fc.option(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.constant('auto')), { nil: undefined }),
      chunk: fc.option(fc.constantFrom('4KB', '16KiB'), { nil: undefined }),
      protocol: fc.option(fc.constantFrom('auto', 'LL', 'LL128', 'Simple', 'none'), { nil: undefined }),
      start,
      class: cls,
    })
    .map(({ pick: [op, algorithm], ranks, protocol, ...t }) => {
      // Hierarchical needs the same number of ranks on every server: whole servers only (every host).
      const r = algorithm === 'hierarchical' ? undefined : ranks;
      const p = protocol !== undefined && NCCL_ALGORITHMS.has(algorithm) ? { protocol } : {};
      return { collective: op, algorithm, ...(r !== undefined ? { ranks: r } : {}), ...p, ...t };
    });

const jobArb = (f: FabricCase) =>
  fc
    .record({
      dp: fc.integer({ min: 1, max: 4 }),
      tp: fc.constantFrom(1, 2),
      pp: fc.constantFrom(1, 2),
      moe: fc.boolean(),
      params: fc.constantFrom(1e4, 5e4),
      microBatches: fc.integer({ min: 1, max: 3 }),
      schedule: fc.constantFrom('gpipe', '1f1b'),
      layers: fc.constantFrom(1, 2),
      buckets: fc.constantFrom(1, 2),
      iterations: fc.constantFrom(1, 2),
      tp8: fc.constantFrom('8KB', '16KB'),
      stepCompute: fc.constantFrom('10us', '50us'),
    })
    .map((j) => {
      let { dp, tp, pp } = j;
      while (dp * tp * pp > f.hosts)
        if (dp > 1) dp--;
        else if (pp > 1) pp--;
        else tp = 1;
      const ep = j.moe && dp % 2 === 0 ? 2 : 1;
      return {
        job: {
          params: j.params,
          dp,
          tp,
          pp,
          ep,
          microBatches: j.microBatches,
          schedule: j.schedule,
          layers: j.layers,
          buckets: j.buckets,
          iterations: j.iterations,
          stepCompute: j.stepCompute,
          ...(tp > 1 ? { tpBytesPerLayer: j.tp8 } : {}),
          ...(pp > 1 ? { ppBytes: j.tp8 } : {}),
          ...(ep > 1 ? { moeBytesPerLayer: j.tp8, expertParams: j.params / 2 } : {}),
        },
      };
    });

const inferenceArb = (f: FabricCase) =>
  fc
    .record({
      arrivals: fc.oneof(
        fc.constant({ poisson: '2000/s' }),
        fc.constant({ gamma: { rate: '5/ms', cv: 2 } }),
        fc.constant({ onOff: { rate: '4000/s', on: '2ms', off: '1ms' } }),
        fc.constant({ trace: 'conv', speed: 200, duration: '2s' }),
      ),
      requests: fc.integer({ min: 1, max: 30 }),
      replicas: fc.integer({ min: 1, max: Math.min(4, f.hosts) }),
      service: fc.oneof(
        fc.constant({ exponential: '1ms' }),
        fc.constant({ deterministic: '500us' }),
        fc.constant({
          llm: { prefill: { base: '1ms', perToken: '1us' }, decode: { base: '1ms', perSequence: '10us' }, maxBatch: 8 },
        }),
      ),
      tokens: fc.constantFrom({ input: 50, output: 5 }, { sample: 'code' }),
      balancer: fc.constantFrom('round-robin', 'random', 'least-outstanding', 'power-of-two', 'shared-queue'),
      concurrency: fc.constantFrom(1, 2),
      network: fc.constantFrom('fabric', 'zero'),
      retries: fc.constantFrom(0, 1, 2),
      fault: fc.boolean(),
      disagg: fc.boolean(),
      stream: fc.option(fc.boolean(), { nil: undefined }),
      slo: fc.option(fc.constant({ ttft: '5ms', latency: '50ms' }), { nil: undefined }),
    })
    .map(({ fault, disagg, ...s }) => {
      const llm = 'llm' in s.service;
      const out: Record<string, unknown> = { ...s, network: f.border ? s.network : 'zero' };
      if (!llm) out.tokens = { input: 50, output: 5 };
      if (s.stream === undefined) delete out.stream;
      if (s.slo === undefined) delete out.slo;
      if (disagg && llm && s.replicas >= 2) out.disaggregation = { prefillReplicas: 1, kvBytesPerToken: '1KiB' };
      if (fault) out.faults = [{ replica: 0, at: '1ms', until: '3ms' }];
      return { inference: out };
    });

/** Network overrides: values the schema allows but that would make a run long or break a cross-field rule. */
export const NETWORK_OVERRIDES: Overrides = {
  'network.mtu': fc.constantFrom(1024, '2KB', 4096),
  'network.loss': fc.constantFrom(0, 0.001, 0.01),
  'network.burstLoss': fc.option(fc.record({ rate: fc.constantFrom(0.001, 0.01), meanBurst: fc.constantFrom(1, 3) }), {
    nil: undefined,
  }),
  'network.ecn': fc.option(
    fc
      .tuple(fc.integer({ min: 5, max: 100 }), fc.integer({ min: 0, max: 300 }), fc.constantFrom(0.01, 0.2, 1))
      .map(([kmin, extra, pmax]) => ({ kmin: `${kmin}KB`, kmax: `${kmin + extra}KB`, pmax })),
    { nil: undefined },
  ),
  'network.pfc': fc.oneof(
    fc.boolean(),
    fc.record({ alpha: fc.constantFrom(0.125, 0.5, 1), headroom: fc.constantFrom('auto', '200KB') }),
  ),
  'network.rto': fc.option(fc.constantFrom('100us', '1ms'), { nil: undefined }),
  'network.sampleInterval': fc.option(fc.constantFrom('2us', '10us', '50us'), { nil: undefined }),
  'network.detectionDelay': fc.option(fc.constantFrom('1us', '50us'), { nil: undefined }),
  'network.headerBytes': fc.option(fc.constantFrom(62, 48), { nil: undefined }),
  'network.wireOverheadBytes': fc.option(fc.constantFrom(20, 0), { nil: undefined }),
  'network.ackEvery': fc.option(fc.constantFrom(1, 2, 4), { nil: undefined }),
  'network.failures': fc.constant(undefined),
  // Long cables need PFC headroom in proportion: at 1 us on a DDC fabric element the reserved headroom is more
  // than its buffer, which the validation does not reject yet ("headroom fits the buffer", issue 16 item 1).
  'network.linkDelay': fc.option(fc.constantFrom('0us', '50ns', '200ns'), { nil: undefined }),
  // cables and linkDelay both set propagation, so the schema refuses the pair: one of them, from linkDelay above.
  'network.cables': fc.constant(undefined),
  'network.dcqcn.g': fc.option(fc.constantFrom(1 / 256, 1 / 16), { nil: undefined }),
  // A gain is a share (at most 1): the walker does not read num()'s range, and default + 1 is past it.
  'network.tcp.g': fc.option(fc.constantFrom(1 / 16, 1 / 8), { nil: undefined }),
  // A larger buffer only: a smaller one than the model's can leave no shared pool after headroom (refused).
  'network.switchBuffer': fc.option(fc.constant('64MB'), { nil: undefined }),
  'network.dcqcn.fastRecoverySteps': fc.option(fc.constantFrom(1, 5), { nil: undefined }),
  // Cell rounding adds headroom: on a DDC fabric element (7.8 MB) it leaves no shared pool, which the PFC rule
  // refuses with its own message (tested in range.test.ts); cells are covered by buffers.test.ts.
  'network.bufferCell': fc.constant(undefined),
  // A first timeout from 1 ms (n = 8) to the NIC default; the retry limit stays at its default (a QP that gives
  // up fails its transfer, which a valid run must not).
  // Always 1 ms here: with loss, a lost tail packet waits for the first timeout, and the NIC default (4.3 s) makes
  // a lossy packet run sample for seconds of simulated time.
  'network.ackTimeout': fc.constant(8),
  'network.retryCount': fc.constant(undefined),
  'network.hpcc': fc.option(fc.record({ targetUtilization: fc.constantFrom(0.9, 0.95) }), { nil: undefined }),
  'network.dwrrWeights': fc.option(fc.record({ roce: fc.constantFrom(1, 3), lossy: fc.constantFrom(1, 2) }), {
    nil: undefined,
  }),
};

export const networkArb = fc.option(arbFromSchema(networkSchema, 'network', NETWORK_OVERRIDES), {
  nil: undefined,
  freq: 3,
});

/**
 * A network a DDC fabric element holds: auto headroom (181 KB a port at 400G over its 30 m default cable: 7.3 MB for
 * 40 ports of its 8 MB), no longer cables than that, the catalog's switch latency. An explicit 200KB a port (8 MB) or 200 ns cables (8.04 MB) leave
 * no shared pool, which the PFC rules refuse: on a real DDC the fabric-element ports carry credit-scheduled cells
 * and reserve no PFC headroom (the line cards' VOQs hold the backlog), which the packet engine does not model.
 */
function ddcNetwork(n: Record<string, unknown>): Record<string, unknown> {
  const out = { ...n };
  if (typeof out.pfc === 'object' && out.pfc !== null) out.pfc = { ...out.pfc, headroom: 'auto' };
  if (out.linkDelay === '200ns') out.linkDelay = '50ns';
  // A switch latency of 5 or 20 us is 250 KB or 1 MB of pipeline a port at 400G (PFC-02's pipeline term).
  delete out.switchLatency;
  return out;
}

/** What the fuzzer feeds the CLI: the scenario and the engines that must run it. */
export interface ScenarioCase {
  scenario: Record<string, unknown>;
  engines: ('analytic' | 'flow' | 'packet')[];
}

/** A service beside other traffic (a mixed run) needs it on the fabric: the flow and packet engines run it there. */
const onFabric = (i: { inference: Record<string, unknown> }) => ({ inference: { ...i.inference, network: 'fabric' } });

export const trafficArb = (f: FabricCase) =>
  fc.oneof(
    fc.array(fc.oneof(patternArb(f), flowsArb(f), collectiveArb(f), jobArb(f)), { minLength: 1, maxLength: 2 }),
    inferenceArb(f).map((i) => [i]),
    ...(f.border
      ? [fc.tuple(inferenceArb(f), fc.oneof(patternArb(f), flowsArb(f), jobArb(f))).map(([i, t]) => [onFabric(i), t])]
      : []),
  );

/**
 * A link or switch failure under an inference service (border fabrics): down for a millisecond, then back, so a
 * valid run still ends; requests through it are resent by their transport, retried or failed, never lost.
 */
const serviceFailureArb = (f: FabricCase) =>
  fc.option(
    fc.oneof(
      ...f.links.map((link) => fc.constant({ link, at: '1ms', until: '2ms' })),
      ...f.switches.map((sw) => fc.constant({ switch: sw, at: '500us', until: '1500us' })),
    ),
    { nil: undefined, freq: 2 },
  );

/** A valid scenario at small size, and the engines that support its traffic. */
export const validScenarioArb: fc.Arbitrary<ScenarioCase> = fabricArb.chain((f) =>
  fc
    .record({
      seed: fc.integer({ min: 0, max: 1000 }),
      traffic: trafficArb(f),
      network: networkArb,
      failure: f.border && f.links.length + f.switches.length > 0 ? serviceFailureArb(f) : fc.constant(undefined),
      name: fc.option(fc.constantFrom('fuzz', 'ünïcode ✓'), { nil: undefined }),
    })
    .map(({ network, name, failure, ...rest }) => {
      const scenario: Record<string, unknown> = { version: 1, fabric: f.fabric, ...rest };
      if (network !== undefined)
        scenario.network = f.fabric.topology === 'ddc' ? ddcNetwork(network as Record<string, unknown>) : network;
      if (name !== undefined) scenario.name = name;
      const items = rest.traffic as object[];
      const inference = items.some((t) => 'inference' in t);
      if (inference && failure !== undefined)
        scenario.network = { ...((scenario.network as object | undefined) ?? {}), failures: [failure] };
      // Inference runs on every engine (the packet engine: request-network.ts); beside other traffic on flow and
      // packet only (mixed.ts).
      const engines: ScenarioCase['engines'] =
        inference && items.length > 1 ? ['flow', 'packet'] : ['analytic', 'flow', 'packet'];
      return { scenario, engines };
    }),
);
