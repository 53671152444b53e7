// The one input format of aifabric: a scenario (YAML or JSON). One zod schema gives the types, the
// validation and the JSON Schema (`aifabric schema`) the docs are generated from (docs/architecture.md, "Folders").
import { z } from 'zod';
import { parseBytes, parseRateBps, parseRatio, parseTimePs } from '../base/units.ts';
import { msg } from '../messages.ts';

const unitValue = (parse: (v: string | number) => number, bad: (v: unknown) => string, example: string) =>
  z
    .union([z.string(), z.number()])
    .superRefine((v, ctx) => {
      const x = parse(v);
      if (!Number.isFinite(x) || x < 0) ctx.addIssue({ code: 'custom', message: bad(v), input: v });
      // Bytes, bits per second and picoseconds are whole numbers the engines add up exactly: past 2^53 they
      // cannot (a time of 1e308 crashed the event queue, found by test/fuzz).
      else if (x > Number.MAX_SAFE_INTEGER) ctx.addIssue({ code: 'custom', message: msg.unitTooLarge(v), input: v });
    })
    .transform((v) => parse(v))
    .meta({ examples: [example] });

export const rate = () =>
  unitValue(parseRateBps, msg.badRate, '400G').describe('a rate in bits per second: 400G, 25Gbps');
export const size = () => unitValue(parseBytes, msg.badBytes, '1GiB').describe('bytes: 4096, 20MB (10^6), 1GiB (2^30)');
export const duration = () => unitValue(parseTimePs, msg.badTime, '5us').describe('a time: 5us, 350ms, 2s');
const ratio = () =>
  z
    .union([z.string(), z.number()])
    .superRefine((v, ctx) => {
      const x = parseRatio(v);
      if (!Number.isFinite(x)) ctx.addIssue({ code: 'custom', message: msg.badRatio(v), input: v });
      else if (x < 1) ctx.addIssue({ code: 'custom', message: msg.oversubBelowOne(), input: v });
    })
    .transform((v) => parseRatio(v))
    .describe('down:up bandwidth ratio: 1 (non-blocking), 3 or 3:1');

export const TOPOLOGIES = ['leaf-spine', 'fat-tree', 'rail-optimized', 'ddc', 'access-aggregation'] as const;

export const fabricSchema = z
  .strictObject({
    topology: z.enum(TOPOLOGIES).optional().describe('fabric family; leave out to let the planner choose'),
    hosts: z.number().int().positive().describe('NIC endpoints (one GPU and its NIC), addressed h0..h(N-1)'),
    nic: z.string().prefault('400G').describe('host NIC: a speed (400G) or a catalog NIC id (nic-400g)'),
    switch: z.string().optional().describe('catalog id of the leaf / access / line-card switch'),
    spineSwitch: z.string().optional().describe('catalog id of the spine / aggregation / fabric-element switch'),
    coreSwitch: z.string().optional().describe('catalog id of the core switch (3-tier fabrics)'),
    oversubscription: ratio()
      .optional()
      .describe('leaf (access) down:up ratio target; default 1 (non-blocking), access-aggregation: all ports'),
    k: z.number().int().min(4).max(256).optional().describe('fat-tree: ports of each switch used (k-ary fat-tree)'),
    fabricSpeed: rate()
      .optional()
      .describe('fat-tree: run leaf uplinks and the upper tiers at this speed (default: every port at the host speed)'),
    gpusPerNode: z.number().int().positive().default(1).describe('hosts (GPU+NIC) per server'),
    nodesPerUnit: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('rail-optimized: servers per scalable unit (default: as many as one rail leaf can take)'),
    northSouthShare: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.25)
      .describe('access-aggregation: share of each aggregation switch ports reserved for uplinks to border0'),
    intraServer: z
      .strictObject({
        bandwidth: rate()
          .prefault('3600G')
          .describe('per GPU and direction (default: NVLink 4, 450 GB/s per direction on an H100)'),
        latency: duration().prefault('1us').describe('per transfer inside the server'),
      })
      .optional()
      .describe(
        'the NVLink-class domain between the GPUs of one server (gpusPerNode > 1); the fabric does not carry it',
      ),
  })
  .describe('the fabric to design: a generator and its parameters');

export const ecnSchema = z.strictObject({
  kmin: size(),
  kmax: size(),
  pmax: z.number().min(0).max(1),
});

export const dcqcnSchema = z
  .strictObject({
    g: z
      .number()
      .gt(0)
      .lt(1)
      .default(1 / 256)
      .describe('alpha EWMA gain (DCQCN-01: 1/256)'),
    alphaInterval: duration().prefault('55us').describe("alpha update period tau' (DCQCN-01: 55us)"),
    rateTimer: duration().prefault('55us').describe('rate increase timer T (DCQCN-01: 55us)'),
    byteCounter: size().prefault('10MB').describe('rate increase byte counter B (DCQCN-01: 10MB)'),
    fastRecoverySteps: z.number().int().nonnegative().default(5).describe('F (DCQCN-01: 5)'),
    additiveIncrease: rate().prefault('40M').describe('R_AI (DCQCN-01: 40Mbps)'),
    hyperIncrease: rate()
      .prefault('200M')
      .describe('R_HAI; DCQCN-01 leaves it open, 200Mbps is HPCC evaluation config (ECN-02)'),
    cnpInterval: duration()
      .prefault('50us')
      .describe('notification point: at most one CNP per flow per interval (50us)'),
    minRate: rate().prefault('100M').describe('the rate never drops below this'),
  })
  .describe('DCQCN reaction and notification point parameters');

export const pfcSchema = z
  .strictObject({
    alpha: z
      .number()
      .gt(0)
      .default(1 / 8)
      .describe('dynamic XOFF threshold: alpha x free shared buffer per ingress queue (PFC-04: 1/8)'),
    headroom: z
      .union([z.literal('auto'), size()])
      .default('auto')
      .describe('per ingress port headroom: auto = PFC-02 components (cable round trip, 2 MTU, response time)'),
    resumeOffset: size().optional().describe('XON when the ingress queue falls this far below XOFF (default 2 MTU)'),
  })
  .describe('PFC thresholds');

export const networkSchema = z
  .strictObject({
    mtu: size().default(4096).describe('RoCE payload bytes per packet; headers and wire overhead come on top'),
    pfc: z
      .union([z.boolean(), pfcSchema])
      .default(true)
      .describe('IEEE 802.1Qbb priority flow control on the RoCE class: true, false, or thresholds'),
    ecn: ecnSchema
      .optional()
      .describe('ECN marking thresholds (default: Kmin 100KB, Kmax 400KB, Pmax 0.2 per 25G, ECN-02)'),
    cc: z.enum(['dcqcn', 'none']).default('dcqcn').describe('congestion control'),
    dcqcn: dcqcnSchema.optional(),
    loss: z.number().min(0).max(1).default(0).describe('random loss rate per packet on every link'),
    burstLoss: z
      .strictObject({
        rate: z.number().gt(0).lt(1).describe('long-run share of data packets lost on each link'),
        meanBurst: z.number().min(1).default(4).describe('mean number of packets lost in a row'),
      })
      .optional()
      .describe('bursty loss on every link (Gilbert-Elliott: a bad state that loses every packet)'),
    loadBalancing: z.enum(['ecmp', 'spray', 'adaptive']).default('ecmp'),
    switchLatency: z
      .union([z.literal('catalog'), duration()])
      .default('catalog')
      .describe("port-to-port latency of every switch: the catalog model's, or a time"),
    linkDelay: duration()
      .optional()
      .describe("propagation delay of every link (default: 5 ns/m over the link's length class)"),
    headerBytes: size()
      .default(62)
      .describe('per packet headers: Ethernet 14 + IPv4 20 + UDP 8 + BTH 12 + ICRC 4 + FCS 4 = 62'),
    wireOverheadBytes: size().default(20).describe('preamble + SFD 8 and inter-frame gap 12, counted on the wire'),
    ackEvery: z.number().int().positive().default(1).describe('the receiver ACKs every N data packets'),
    rto: duration().prefault('1ms').describe('go-back-N retransmission timeout'),
    scheduler: z
      .enum(['strict', 'dwrr'])
      .default('strict')
      .describe('egress scheduling of the data classes: strict priority (RoCE first) or deficit weighted round robin'),
    dwrrWeights: z
      .strictObject({ roce: z.number().positive().default(1), lossy: z.number().positive().default(1) })
      .prefault({})
      .describe('dwrr: weights of the RoCE and lossy classes (control traffic always goes first)'),
    bufferAlpha: z.number().gt(0).default(1).describe('dynamic threshold of lossy queues: alpha x free buffer'),
    sampleInterval: duration().prefault('10us').describe('queue time-series sampling period'),
    failures: z
      .array(
        z.union([
          z.strictObject({
            link: z.string().regex(/^[a-z]+[0-9]+-[a-z]+[0-9]+$/, 'expected a link such as leaf0-spine1'),
            index: z.number().int().nonnegative().default(0).describe('which of several parallel links (0 = first)'),
            at: duration(),
            until: duration().optional().describe('the link comes back up at this time'),
          }),
          z.strictObject({
            switch: z.string().regex(/^[a-z]+[0-9]+$/, 'expected a switch such as spine1'),
            at: duration(),
            until: duration().optional().describe('the switch comes back up at this time'),
          }),
        ]),
      )
      .default([])
      .describe('links or switches that fail at a time (and optionally recover)'),
    detectionDelay: duration()
      .prefault('50us')
      .describe('how long after a failure (or recovery) its paths leave (or rejoin) the ECMP groups'),
  })
  .describe('network behaviour for the simulation engines');

export const COLLECTIVES = ['all-reduce', 'reduce-scatter', 'all-gather', 'broadcast', 'all-to-all'] as const;

const collectiveFields = {
  algorithm: z
    .string()
    .optional()
    .describe(
      'all-reduce: ring, double-binary-tree, recursive-doubling, rabenseifner, hierarchical; reduce-scatter: ring, recursive-halving; all-gather: ring, recursive-doubling; broadcast: binomial, scatter-allgather; all-to-all: pairwise, bruck (default: ring, binomial for broadcast, pairwise for all-to-all)',
    ),
  ranks: z.number().int().min(2).optional().describe('how many GPUs take part (default: every host)'),
  placement: z
    .enum(['rail', 'sequential', 'random'])
    .default('rail')
    .describe('which hosts get the ranks: whole servers, rail-aligned (rail), h0.. in order, or random'),
  channels: z.number().int().positive().default(1).describe('parallel rings/trees, each its own QP (NCCL channels)'),
  chunk: size().optional().describe('pipelining chunk per step (default: one chunk per step)'),
  latencyModel: z
    .enum(['alpha', 'nccl'])
    .default('alpha')
    .describe(
      "analytic engine: latency per step from the fabric's paths (alpha), or NCCL's ring/tree tuning model (COLL-03)",
    ),
};

export const jobSchema = z
  .strictObject({
    params: z.number().positive().describe('model parameters, e.g. 70e9'),
    bytesPerGrad: z.number().positive().default(2).describe('bytes per gradient element (2 = bf16, 4 = fp32)'),
    dp: z.number().int().positive().default(1).describe('data-parallel degree'),
    tp: z.number().int().positive().default(1).describe('tensor-parallel degree (inside a server when it fits)'),
    pp: z.number().int().positive().default(1).describe('pipeline-parallel stages'),
    ep: z.number().int().positive().default(1).describe('expert-parallel degree (MoE all-to-all groups)'),
    expertParams: z
      .number()
      .nonnegative()
      .default(0)
      .describe(
        'parameters (of params) in the MoE experts: sharded over the ep ranks of a group, so their gradients are all-reduced over the dp/ep ranks that hold the same experts, the rest over all dp ranks',
      ),
    microBatches: z.number().int().positive().default(1).describe('micro-batches per iteration (pipeline)'),
    schedule: z
      .enum(['gpipe', '1f1b'])
      .default('gpipe')
      .describe(
        'pipeline order of micro-batches: gpipe (every forward, then every backward) or 1f1b (PipeDream-Flush, as Megatron: warm-up forwards, then one forward one backward)',
      ),
    stepCompute: duration().optional().describe('compute time of one iteration (forward + backward) per GPU'),
    flopsPerStep: z.number().positive().optional().describe('FLOPs per GPU per iteration (instead of stepCompute)'),
    gpuFlops: z.number().positive().optional().describe('peak FLOP/s of one GPU, e.g. 989e12 (H100 bf16 dense)'),
    mfu: z.number().gt(0).max(1).default(0.4).describe('model FLOPs utilization that turns FLOPs into time'),
    buckets: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe('gradient buckets: each is all-reduced as soon as the backward pass has produced it'),
    backwardShare: z
      .number()
      .gt(0)
      .lt(1)
      .default(2 / 3)
      .describe('share of the step compute spent in backward'),
    layers: z.number().int().positive().default(1).describe('transformer layers (TP and MoE collectives per layer)'),
    tpBytesPerLayer: size().optional().describe('activation bytes each TP all-reduce moves per layer and micro-batch'),
    ppBytes: size().optional().describe('activation bytes sent between pipeline stages per micro-batch'),
    moeBytesPerLayer: size()
      .optional()
      .describe(
        'all-to-all buffer per GPU of one MoE dispatch (combine is the same) per layer and micro-batch; each GPU sends (ep-1)/ep of it',
      ),
    iterations: z.number().int().positive().default(1),
    algorithm: z.string().default('ring').describe('all-reduce algorithm of the gradient sync'),
    channels: z.number().int().positive().default(1),
  })
  .describe('a training job: DP/TP/PP/EP degrees, model size and compute time per iteration');

/** `200/s`, `12000/min`, `8/ms` or a plain number per second -> requests per second. NaN if it does not parse. */
export function parsePerSecond(input: string | number): number {
  if (typeof input === 'number') return input;
  const m = /^([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)\s*(?:\/|per\s*)(s|ms|us|min|h)$/i.exec(input.trim());
  if (!m) return Number.NaN;
  const per: Record<string, number> = { s: 1, ms: 1e-3, us: 1e-6, min: 60, h: 3600 };
  return Number(m[1]) / per[m[2].toLowerCase()];
}

const perSecond = () =>
  z
    .union([z.string(), z.number()])
    .superRefine((v, ctx) => {
      const x = parsePerSecond(v);
      if (!Number.isFinite(x) || x <= 0)
        ctx.addIssue({
          code: 'custom',
          message: `"${String(v)}" is not a request rate (write it like 200/s, 8/ms or 12000/min)`,
          input: v,
        });
    })
    .transform((v) => parsePerSecond(v))
    .meta({ examples: ['200/s'] })
    .describe('requests per second: 200/s, 8/ms, 12000/min, or a number per second');

export const BALANCERS = ['round-robin', 'random', 'least-outstanding', 'power-of-two', 'shared-queue'] as const;

export const llmServiceSchema = z
  .strictObject({
    prefill: z
      .strictObject({
        base: duration().prefault('15ms').describe('fixed time of one prefill iteration'),
        perToken: duration().prefault('60us').describe('added per input token in the iteration'),
      })
      .prefault({})
      .describe('prefill iteration time = base + perToken x input tokens of the requests it admits'),
    decode: z
      .strictObject({
        base: duration().prefault('20ms').describe('fixed time of one decode iteration (one token per sequence)'),
        perSequence: duration().prefault('150us').describe('added per sequence in the batch'),
      })
      .prefault({})
      .describe('decode iteration time = base + perSequence x batch size'),
    maxBatch: z.number().int().positive().default(64).describe('sequences decoded together (continuous batching)'),
    kvTokens: z
      .number()
      .int()
      .positive()
      .default(500000)
      .describe('KV-cache capacity in tokens: a request reserves input + output tokens while it runs'),
  })
  .describe(
    'an LLM replica: prefill-first continuous batching (vLLM style); defaults are of the order of a 70B model on 8 GPUs',
  );

export const inferenceSchema = z
  .strictObject({
    arrivals: z
      .union([
        z.strictObject({ poisson: perSecond().describe('Poisson arrivals (exponential gaps) at this rate') }),
        z.strictObject({
          gamma: z.strictObject({
            rate: perSecond(),
            cv: z.number().positive().describe('coefficient of variation of the gaps (1 = Poisson, > 1 bursty)'),
          }),
        }),
        z.strictObject({
          onOff: z.strictObject({
            rate: perSecond().describe('Poisson rate while on'),
            on: duration().describe('mean on period (exponential)'),
            off: duration().describe('mean off period (exponential)'),
          }),
        }),
        z.strictObject({
          trace: z
            .string()
            .describe(
              'conv or code (the bundled Azure LLM inference traces 2023), or a CSV path with TIMESTAMP,ContextTokens,GeneratedTokens',
            ),
          speed: z.number().positive().default(1).describe('replay this many times faster'),
          from: duration().default(0).describe('skip the trace up to this offset from its first request'),
          duration: duration().optional().describe('replay only this much of the trace (trace time)'),
        }),
      ])
      .describe('how requests arrive at border0'),
    requests: z.number().int().positive().optional().describe('stop arrivals after this many requests'),
    duration: duration().optional().describe('stop arrivals after this much simulated time'),
    tokens: z
      .union([
        z.strictObject({
          input: z.number().int().nonnegative().default(1000),
          output: z.number().int().positive().default(200),
        }),
        z.strictObject({
          sample: z.string().describe('draw (input, output) pairs at random from a trace: conv, code or a CSV path'),
        }),
      ])
      .prefault({})
      .describe('tokens per request when arrivals are not a trace: fixed counts, or sampled from a trace'),
    replicas: z.number().int().positive().describe('serving replicas, one per server (host)'),
    placement: z
      .enum(['spread', 'sequential'])
      .default('spread')
      .describe('spread: replicas round-robin over the access switches; sequential: h0, h1, ...'),
    service: z
      .union([
        z.strictObject({ llm: llmServiceSchema.prefault({}) }),
        z.strictObject({ exponential: duration().describe('mean service time (M/M/c checks)') }),
        z.strictObject({ deterministic: duration().describe('fixed service time (M/D/c checks)') }),
      ])
      .prefault({ llm: {} })
      .describe('per replica: an LLM model (prefill/decode, batching), or a plain service-time distribution'),
    concurrency: z
      .number()
      .int()
      .positive()
      .default(1)
      .describe('plain service: requests a replica serves at once (each at the full service time)'),
    balancer: z
      .enum(BALANCERS)
      .default('least-outstanding')
      .describe('how the load balancer at border0 picks a replica'),
    bytes: z
      .strictObject({
        perInputToken: size().default(4).describe('request bytes per input token (text: about 4)'),
        perOutputToken: size().default(4).describe('response bytes per generated token'),
        overhead: size().default(600).describe('protocol bytes per request and per response (HTTP, TLS)'),
        perMessage: size()
          .default(80)
          .describe('bytes of framing per streamed token (server-sent event, TLS record, TCP/IP headers)'),
        request: size().optional().describe('fixed request size instead of tokens x perInputToken'),
        response: size().optional().describe('fixed response size instead of tokens x perOutputToken'),
      })
      .prefault({})
      .describe('request and response sizes on the wire'),
    stream: z
      .boolean()
      .optional()
      .describe('stream each token as it is generated (default: yes for llm, no for a plain service)'),
    network: z
      .enum(['fabric', 'zero'])
      .default('fabric')
      .describe('fabric: requests and responses cross the fabric; zero: no network delay (queueing checks)'),
    slo: z
      .strictObject({
        ttft: duration().optional(),
        tpot: duration().optional(),
        latency: duration().optional(),
      })
      .optional()
      .describe('goodput counts requests that complete within every stated bound'),
    retries: z
      .number()
      .int()
      .nonnegative()
      .default(1)
      .describe('times a failed request is sent again (to another replica) before it counts as failed'),
    ejectFor: duration()
      .prefault('10s')
      .describe('the balancer stops sending to a replica this long after a request to it failed'),
    disaggregation: z
      .strictObject({
        prefillReplicas: z
          .number()
          .int()
          .positive()
          .describe('replicas 0..P-1 only prefill (and send the first token); the others only decode'),
        kvBytesPerToken: size()
          .prefault('320KiB')
          .describe('KV cache per input token moved from the prefill to the decode server (70B, GQA 8, bf16: 320 KiB)'),
      })
      .optional()
      .describe('prefill/decode disaggregation (Splitwise, DistServe): the KV cache crosses the fabric east-west'),
    faults: z
      .array(
        z.strictObject({
          replica: z.number().int().nonnegative().describe('replica index (0-based)'),
          at: duration(),
          until: duration().optional().describe('the replica is back (empty) at this time'),
        }),
      )
      .default([])
      .describe('replicas that fail at a time; switch and link failures go in network.failures'),
  })
  .describe('an inference service: arrivals at border0, replicas on hosts, a load balancer, a serving model');

const trafficClass = z
  .enum(['roce', 'lossy'])
  .default('roce')
  .describe('roce: the lossless RoCE class (PFC, ECN); lossy: a best-effort class with tail drop');

const hostRef = z.string().regex(/^(h[0-9]+|border0)$/, 'expected a host such as h0 or border0');

export const trafficItemSchema = z.union([
  z.strictObject({
    pattern: z.enum(['incast', 'permutation', 'all-to-all']),
    senders: z.array(hostRef).optional(),
    receiver: hostRef.optional(),
    bytes: size(),
    start: duration().optional(),
    class: trafficClass,
  }),
  z.strictObject({
    flows: z.array(z.strictObject({ src: hostRef, dst: hostRef, bytes: size(), start: duration().default(0) })),
    class: trafficClass,
  }),
  z.strictObject({
    collective: z.enum(COLLECTIVES).describe('the collective operation (nccl-tests names)'),
    bytes: size().describe(
      'bytes per rank buffer S (nccl-tests convention: all-gather and reduce-scatter: the full buffer)',
    ),
    ...collectiveFields,
    start: duration().optional(),
    class: trafficClass,
  }),
  z.strictObject({ inference: inferenceSchema }),
  z.strictObject({
    job: jobSchema,
    placement: collectiveFields.placement,
    start: duration().optional(),
    class: trafficClass,
  }),
]);

export const scenarioSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe('scenario format version'),
    name: z.string().optional(),
    description: z.string().optional(),
    seed: z.number().int().nonnegative().default(1).describe('seed of every random stream of a run'),
    fabric: fabricSchema,
    network: networkSchema.optional(),
    traffic: z.array(trafficItemSchema).optional(),
    engine: z.enum(['analytic', 'flow', 'packet']).optional(),
    sweep: z
      .strictObject({
        bytes: z
          .string()
          .describe('collective sizes: 1MiB..8GiB doubles from 1MiB to 8GiB; 1MiB..1GiB:x4; or a list 1MiB,1GiB'),
      })
      .optional()
      .describe('run the scenario once per value (a bus-bandwidth curve like nccl-tests prints)'),
  })
  .describe('an aifabric scenario: one file drives every command');

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type FabricSpec = z.output<typeof fabricSchema>;
export type Topology = (typeof TOPOLOGIES)[number];

export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** A fabric spec with the schema's defaults filled in (for the library API, tests and benchmarks). */
export function fabricSpec(input: z.input<typeof fabricSchema>): FabricSpec {
  return fabricSchema.parse(input);
}
