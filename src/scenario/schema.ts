// The one input format of aifabric: a scenario (YAML or JSON). One zod schema gives the types, the
// validation and the JSON Schema (`aifabric schema`) the docs are generated from (docs/architecture.md, "Folders").
import { z } from 'zod';
import { parseBytes, parseLengthM, parseRateBps, parseRatio, parseTimePs } from '../base/units.ts';
import { msg } from '../messages.ts';
import { MAX_EXACT, num, type Range, rangeMessage, unitValue } from './range.ts';

/** Sizes, times and rates default to the whole numbers a JS number holds exactly (2^53 bytes, ps, bit/s). */
const EXACT: Range = { min: 0, max: MAX_EXACT };

export const rate = (r: Range = EXACT) =>
  unitValue(parseRateBps, msg.badRate, '400G', 'rate', r).describe('a rate in bits per second: 400G, 25Gbps');
export const size = (r: Range = EXACT) =>
  unitValue(parseBytes, msg.badBytes, '1GiB', 'bytes', r).describe('bytes: 4096, 20MB (10^6), 1GiB (2^30)');
export const duration = (r: Range = EXACT) =>
  unitValue(parseTimePs, msg.badTime, '5us', 'time', r).describe('a time: 5us, 350ms, 2s');
export const length = (r: Range = EXACT) =>
  unitValue(parseLengthM, msg.badLength, '30m', 'length', r).describe('a cable length: 3m, 30m, 0.5km');

const ratio = () =>
  z
    .union([z.string(), z.number()])
    .superRefine((v, ctx) => {
      const x = parseRatio(v);
      if (!Number.isFinite(x)) ctx.addIssue({ code: 'custom', message: msg.badRatio(v), input: v });
      else if (x < 1) ctx.addIssue({ code: 'custom', message: msg.oversubBelowOne(), input: v });
      // 256:1: one uplink beside 256 downlinks, more ports than any switch in the catalog has (144).
      else if (x > 256) ctx.addIssue({ code: 'custom', message: rangeMessage(x, v, { min: 1, max: 256 }), input: v });
    })
    .transform((v) => parseRatio(v))
    .meta({ 'x-range': 'from 1 to 256' })
    .describe('down:up bandwidth ratio: 1 (non-blocking), 3 or 3:1');

// Ranges shared by several fields (docs/scenario-reference.md prints each field's own).
/** Timers and timeouts: a zero period would fire forever at one instant. */
const TIMER: Range = { gt: 0, max: MAX_EXACT };
/** Latencies, delays and start times: zero is a valid ideal. */
const LATENCY: Range = { min: 0, max: MAX_EXACT };
/** Message and flow sizes: a zero-byte transfer has no completion time to measure. */
const SOME_BYTES: Range = { gt: 0, max: MAX_EXACT };
const SOME_RATE: Range = { gt: 0, max: MAX_EXACT };
/** A share strictly between none and all. */
const SHARE: Range = { gt: 0, lt: 1 };
/** Traffic class names (network.classes, `class:` on traffic items). */
export const CLASS_NAME = /^[a-z][a-z0-9-]*$/;
/** 2^20 endpoints: five times the largest GPU cluster announced (xAI Colossus, 200,000 GPUs, 2025). */
export const MAX_HOSTS = 2 ** 20;
/** A count of things: a whole number from 1 up. */
const count = (max = MAX_EXACT): Range => ({ int: true, min: 1, max });
/** Tokens of one request: what a 32-bit integer holds. */
const MAX_TOKENS = 2 ** 31 - 1;
/** Repetitions of a job's structure (iterations, micro-batches, layers, buckets): each multiplies the task graph,
 * so a typo such as 1e9 would exhaust memory before the run starts. 10^4 is far above published configurations
 * (Llama 3 405B: 126 layers; Megatron-LM's GPT-3 175B: 96 layers, 1,536 sequences per batch). */
const REPEATS = count(10_000);

export const TOPOLOGIES = ['leaf-spine', 'fat-tree', 'rail-optimized', 'ddc', 'access-aggregation'] as const;
/** The generators, and `custom`: a fabric read from a topology file (src/scenario/topology-file.ts). */
export const FABRIC_TOPOLOGIES = [...TOPOLOGIES, 'custom'] as const;

export const fabricSchema = z
  .strictObject({
    topology: z
      .enum(FABRIC_TOPOLOGIES)
      .optional()
      .describe('fabric family; custom: read from fabric.file; leave out to let the planner choose'),
    file: z
      .string()
      .min(1)
      .optional()
      .describe(
        'custom: the topology file (switches, hosts, links; docs/topology.md), relative to the scenario file. Default: none',
      ),
    hosts: num(count(MAX_HOSTS)).describe(
      'NIC endpoints (one GPU and its NIC), addressed h0..h(N-1); custom: leave it out, the topology file lists them',
    ),
    nic: z.string().prefault('400G').describe('host NIC: a speed (400G) or a catalog NIC id (nic-400g)'),
    switch: z.string().optional().describe('catalog id of the leaf / access / line-card switch'),
    spineSwitch: z.string().optional().describe('catalog id of the spine / aggregation / fabric-element switch'),
    coreSwitch: z.string().optional().describe('catalog id of the core switch (3-tier fabrics)'),
    oversubscription: z
      .union([
        ratio(),
        z
          .strictObject({
            leaf: ratio().prefault(1).describe('leaf down:up ratio (default 1, non-blocking)'),
            pod: ratio()
              .optional()
              .describe(
                "fat-tree and 3-tier rail-optimized: spine (pod) down:up ratio, between each pod and the core tier (default 1; a rail-optimized design that fits two tiers refuses it); Meta's 24K-GPU RoCE clusters (Gangidi et al., SIGCOMM 2024, section 3) keep each AI zone non-blocking and oversubscribe the tier above it",
              ),
          })
          .describe('ratios per tier boundary'),
      ])
      .optional()
      .describe(
        'down:up ratio target: a number is the leaf (access) ratio; {leaf, pod} sets each tier boundary of a 3-tier design. Default 1 (non-blocking), access-aggregation: all ports',
      ),
    hostsPerLeaf: num(count(MAX_HOSTS))
      .optional()
      .describe(
        'leaf-spine and fat-tree: hosts per leaf (a rack), a multiple of gpusPerNode; the leaf must fit them plus the uplinks its oversubscription needs. Default: as many as the leaf holds. rail-optimized: use nodesPerUnit; ddc and access-aggregation fix it',
      ),
    k: num({ int: true, min: 4, max: 256 }).optional().describe('fat-tree: ports of each switch used (k-ary fat-tree)'),
    // 1.6 Tb/s: IEEE 802.3dj, the fastest standard Ethernet port.
    fabricSpeed: rate({ gt: 0, max: 1.6e12 })
      .optional()
      .describe('fat-tree: run leaf uplinks and the upper tiers at this speed (default: every port at the host speed)'),
    // 576: the largest announced NVLink domain (NVIDIA Rubin Ultra NVL576, GTC 2025).
    gpusPerNode: num(count(576)).default(1).describe('hosts (GPU+NIC) per server'),
    nodesPerUnit: num(count(MAX_HOSTS))
      .optional()
      .describe('rail-optimized: servers per scalable unit (default: as many as one rail leaf can take)'),
    northSouthShare: num(SHARE)
      .default(0.25)
      .describe('access-aggregation: share of each aggregation switch ports reserved for uplinks to border0'),
    border: z
      .boolean()
      .optional()
      .describe(
        "leaf-spine, fat-tree, rail-optimized: add border0, where clients enter, with one link from every top-tier switch (spines; cores in 3 tiers) at the fabric rate: the edge pods of Facebook's data center fabric (Andreyev, 2014) collapsed to one node. Default: false (access-aggregation always has one)",
      ),
    planes: num({ int: true, min: 1, max: 2 })
      .optional()
      .describe(
        "leaf-spine and rail-optimized: 2 splits each NIC into two ports of half its speed, port p to a leaf of plane p, the planes disjoint up to the top; a connection stays in the plane its hash picks (Alibaba HPN's dual-ToR and dual-plane design: hosts of 8 NICs of 2x200G, Qian et al., 'Alibaba HPN: A Data Center Network for Large Language Model Training', SIGCOMM 2024). Default 1",
      ),
    dualHomed: z
      .boolean()
      .optional()
      .describe(
        "access-aggregation: each server's NIC has two ports at its speed, to two access switches, active-active (a per-flow hash over both, as LACP, IEEE 802.1AX); an access switch failure moves its flows to the other port. Default false (one access switch per server)",
      ),
    gpu: z
      .string()
      .optional()
      .describe(
        "GPU and server profile from the catalog (h100, h200, b200, gb200; a100 has no NVLS): sets the NVLink bandwidth per direction (links x the payload rate per link of NCCL's topology model, src/graph/topo.h: 370.8 GB/s on an H100, 721.8 GB/s on a B200), the NVLink domain and whether NVLS is available (catalog/gpus.yaml cites each figure). Default: none, the intraServer defaults",
      ),
    nvlinkDomain: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        'GPUs per NVLink domain, a multiple of gpusPerNode: the server (default) or several servers on one NVLink switch fabric (gb200: 72, 18 trays of 4)',
      ),
    intraServer: z
      .strictObject({
        bandwidth: rate(SOME_RATE)
          .optional()
          .describe(
            "per GPU and direction, as payload; overrides fabric.gpu (default: fabric.gpu's NCCL rate, else 3600G = 450 GB/s, the H100's NVLink 4 signalling rate)",
          ),
        latency: duration(LATENCY).prefault('1us').describe('per transfer inside the server'),
      })
      .optional()
      .describe(
        'the NVLink-class domain between the GPUs of one server or NVLink domain (gpusPerNode > 1); the fabric does not carry it',
      ),
    storage: z
      .strictObject({
        // 1,024: more than a storage leaf pair of the largest catalog switch (144 ports) can hold; the generator says
        // so with the fix.
        nodes: num(count(1024)).describe(
          'storage nodes (stor0..), each with one NIC port (one per plane on a multi-plane Clos, fabric.planes)',
        ),
        nic: z
          .string()
          .optional()
          .describe("storage node NIC: a speed (400G) or a catalog NIC id (default: fabric.nic, the hosts' NIC)"),
      })
      .optional()
      .describe(
        "storage nodes outside the GPU hosts, on a storage leaf pair (the fabric's leaf model) hung from every switch of the top tier (spines, cores, fabric elements or aggregation switches), beside the border: the storage leaves of NVIDIA's DGX SuperPOD reference architecture (DGX H100, 'Storage fabric'), here on the same fabric as the GPUs. Default: none",
      ),
  })
  .describe('the fabric to design: a generator and its parameters');

export const ecnSchema = z.strictObject({
  kmin: size(),
  kmax: size(),
  pmax: num({ min: 0, max: 1 }),
});

export const dcqcnSchema = z
  .strictObject({
    profile: z
      .enum(['paper', 'hpcc-ns3', 'connectx'])
      .default('connectx')
      .describe(
        "parameter set the fields below override: paper = DCQCN-01 (Zhu et al. SIGCOMM'15: cut per CNP, byte counter, tau' 55us, a CNP per flow per 50us); hpcc-ns3 = ConnectX firmware algorithm as in HPCC's ns-3 rdma-hw.cc with run.py --cc dcqcn values (ECN-02: alpha every 1us, cut check every 4us, T 300us, F 1, a CNP with every marked packet); connectx = hpcc-ns3 plus ConnectX's notification point (min_time_between_cnps: one CNP per 4us from the receiving port; NVIDIA DCQCN parameters, mstflint); default connectx, what deployed NICs run",
      ),
    g: num(SHARE).optional().describe('alpha EWMA gain (both profiles 1/256: DCQCN-01, run.py EWMA_GAIN)'),
    alphaInterval: duration(TIMER)
      .optional()
      .describe("alpha update period tau' (paper 55us, DCQCN-01; hpcc-ns3 1us, run.py ALPHA_RESUME_INTERVAL)"),
    rateTimer: duration(TIMER)
      .optional()
      .describe('rate increase timer T (paper 55us, DCQCN-01; hpcc-ns3 300us, run.py RP_TIMER)'),
    byteCounter: size(EXACT)
      .optional()
      .describe('rate increase byte counter B, 0 = none (paper 10MB, DCQCN-01; hpcc-ns3 none, rdma-hw.cc)'),
    fastRecoverySteps: num({ int: true, min: 0, max: MAX_EXACT })
      .optional()
      .describe('F (paper 5, DCQCN-01; hpcc-ns3 1, run.py FAST_RECOVERY_TIMES)'),
    additiveIncrease: rate(SOME_RATE)
      .optional()
      .describe('R_AI (paper 40Mbps, DCQCN-01; hpcc-ns3 5Mbps x line rate / 25G, run.py RATE_AI)'),
    hyperIncrease: rate(SOME_RATE)
      .optional()
      .describe('R_HAI (paper 200Mbps, which it leaves open; hpcc-ns3 50Mbps x line rate / 25G, run.py RATE_HAI)'),
    cnpInterval: duration(LATENCY)
      .optional()
      .describe(
        'notification point: at most one CNP per interval, per flow or per port (cnpScope) (paper 50us, DCQCN-04; hpcc-ns3 0, a CNP with every marked packet; connectx 4us, NVIDIA min_time_between_cnps)',
      ),
    cnpScope: z
      .enum(['flow', 'port'])
      .optional()
      .describe(
        "what cnpInterval paces: each flow (paper, DCQCN-04; hpcc-ns3) or the receiving NIC port over all its flows (connectx: 'minimum time between sending CNPs from the port', mstflint tools_open_layouts.h)",
      ),
    markAt: z
      .enum(['enqueue', 'dequeue'])
      .optional()
      .describe(
        "when switches decide the ECN mark: as a packet joins the egress queue, on the queue it finds (paper: 'an arriving packet is ECN-marked', Zhu et al. SIGCOMM'15 Sec. 3.1, Trident II WRED-ECN), or as it leaves (hpcc-ns3 and connectx: HPCC's switch-node.cc SwitchNotifyDequeue, ECN-01)",
      ),
    minRate: rate(SOME_RATE)
      .optional()
      .describe(
        'the rate never drops below this (paper 100Mbps, rdma-hw.cc MinRate; hpcc-ns3 1000Mbps, run.py MIN_RATE)',
      ),
    rateDecreaseInterval: duration(LATENCY)
      .optional()
      .describe(
        '0 = cut on each CNP (paper); else cut at most once per interval (hpcc-ns3 4us, run.py RATE_DECREASE_INTERVAL)',
      ),
    clampTargetRate: z
      .boolean()
      .optional()
      .describe(
        'R_T = R_C on every cut (paper true, DCQCN-02) or only after an increase step (hpcc-ns3 false, run.py CLAMP_TARGET_RATE 0)',
      ),
  })
  .describe('DCQCN reaction and notification point parameters: a named profile and overrides');

export const hpccSchema = z
  .strictObject({
    targetUtilization: num({ gt: 0, max: 1 })
      .default(0.95)
      .describe('eta: the utilization each link is held at (HPCC paper Sec. 3.3; rdma-hw.cc TargetUtil 0.95)'),
    maxStage: num({ int: true, min: 0, max: MAX_EXACT })
      .default(0)
      .describe(
        "additive steps before a multiplicative one: 0 as HPCC's simulations ran (run.py --mi 0; the paper's 5 is a typo per its authors, ECN-02 notes); rdma-hw.cc MiThresh is 5",
      ),
    additiveIncrease: rate(SOME_RATE)
      .optional()
      .describe('W_AI / T as a rate (default: 10 Mb/s per 25 Gb/s of NIC rate, HPCC simulation/run.py hp RATE_AI)'),
    minRate: rate(SOME_RATE).prefault('100M').describe('the rate never drops below this (rdma-hw.cc MinRate 100Mb/s)'),
    baseRtt: duration(TIMER)
      .optional()
      .describe("T: base RTT of the window W = rate x T (default: the fabric's largest idle RTT, third.cc GLOBAL_T 1)"),
  })
  .describe('HPCC sender parameters (Li et al., SIGCOMM 2019)');

export const tcpSchema = z
  .strictObject({
    k: size({ min: 1, max: 1e12 })
      .optional()
      .describe(
        "DCTCP's marking threshold K on the lossy class's instantaneous queue (default: 65 packets of 1500 B per 10 Gb/s of the port's rate, the K Alizadeh et al. set at 10G, SIGCOMM 2010 Sec. 4; their guideline is K > C x RTT / 7, Sec. 3.4)",
      ),
    g: num({ gt: 0, max: 1 })
      .default(1 / 16)
      .describe("DCTCP's EWMA gain g of the marked fraction alpha (SIGCOMM 2010 Sec. 3.1 and 3.4: 1/16)"),
    minRto: duration(TIMER)
      .prefault('10ms')
      .describe(
        "minimum retransmission timeout (RFC 6298 rule 2.4 gives 1 s; data centres lower it: 10 ms in DCTCP's testbed, Alizadeh et al. 2010 Sec. 4, after Vasudevan et al. SIGCOMM 2009)",
      ),
    initialWindow: num({ int: true, min: 1, max: 1000 })
      .default(10)
      .describe('initial congestion window in segments (RFC 6928: 10)'),
  })
  .describe('TCP transports of traffic items with transport: dctcp or newreno (segments of network.mtu payload)');

export const pfcSchema = z
  .strictObject({
    // 2^3: the largest dynamic threshold SONiC's buffer profiles set (dynamic_th 3 = alpha 8).
    alpha: num({ gt: 0, max: 8 })
      .default(1 / 8)
      .describe('dynamic XOFF threshold: alpha x free shared buffer per ingress queue (PFC-04: 1/8)'),
    headroom: z
      .union([z.literal('auto'), size(), duration().transform((ps) => ({ ps }))])
      .default('auto')
      .describe(
        'per ingress port headroom: auto = PFC-02 components (cable round trip, 2 MTU, response time, cables per network.cables); a size; or a time, bytes = port rate x time (PFC-04: HPCC gives 3 x link delay)',
      ),
    resumeOffset: size(SOME_BYTES)
      .optional()
      .describe('XON when the ingress queue falls this far below XOFF (default 2 MTU)'),
    reserve: size({ min: 0, max: 1e6 })
      .prefault(0)
      .describe(
        'bytes each lossless ingress queue gets before it counts against the shared pool (0 B to 1MB; HPCC ns-3 switch-mmu.cc, PFC-04: 4KiB)',
      ),
  })
  .describe('PFC thresholds');

/** One failure in network.failures: a link or a switch, down from `at` (up again at `until`). */
export const failureSchema = z.union([
  z.strictObject({
    link: z.string().regex(/^[a-z]+[0-9]+-[a-z]+[0-9]+$/, 'expected a link such as leaf0-spine1'),
    index: num({ int: true, min: 0, max: MAX_EXACT })
      .default(0)
      .describe('which of several parallel links (0 = first)'),
    at: duration(),
    until: duration().optional().describe('the link comes back up at this time'),
  }),
  z.strictObject({
    switch: z.string().regex(/^[a-z]+[0-9]+$/, 'expected a switch such as spine1'),
    at: duration(),
    until: duration().optional().describe('the switch comes back up at this time'),
  }),
]);

export const networkSchema = z
  .strictObject({
    // 256 B: the smallest RoCE MTU (IBTA: 256 to 4096); 9216 B: the usual jumbo frame limit of data-centre switches.
    mtu: size({ min: 256, max: 9216 })
      .default(4096)
      .describe('RoCE payload bytes per packet; headers and wire overhead come on top'),
    pfc: z
      .union([z.boolean(), pfcSchema])
      .default(true)
      .describe('IEEE 802.1Qbb priority flow control on the RoCE class: true, false, or thresholds'),
    ecn: ecnSchema
      .optional()
      .describe('ECN marking thresholds (default: Kmin 100KB, Kmax 400KB, Pmax 0.2 per 25G, ECN-02)'),
    cc: z
      .enum(['dcqcn', 'hpcc', 'none'])
      .default('dcqcn')
      .describe('congestion control: DCQCN (ECN and CNPs), HPCC (in-band telemetry per hop) or none'),
    dcqcn: dcqcnSchema.optional(),
    hpcc: hpccSchema.optional(),
    tcp: tcpSchema.optional(),
    loss: num({ min: 0, lt: 1 }).default(0).describe('random loss rate per packet on every link'),
    burstLoss: z
      .strictObject({
        rate: num(SHARE).describe('long-run share of data packets lost on each link'),
        meanBurst: num({ min: 1, max: MAX_EXACT }).default(4).describe('mean number of packets lost in a row'),
      })
      .optional()
      .describe('bursty loss on every link (Gilbert-Elliott: a bad state that loses every packet)'),
    loadBalancing: z.enum(['ecmp', 'spray', 'adaptive']).default('ecmp'),
    switchLatency: z
      .union([z.literal('catalog'), duration(LATENCY)])
      .default('catalog')
      .describe("port-to-port latency of every switch: the catalog model's, or a time"),
    linkDelay: duration(LATENCY)
      .optional()
      .describe("propagation delay of every link (default: 5 ns/m over the link's length class)"),
    headerBytes: size({ min: 0, max: 9216 })
      .default(62)
      .describe('per packet headers: Ethernet 14 + IPv4 20 + UDP 8 + BTH 12 + ICRC 4 + FCS 4 = 62'),
    wireOverheadBytes: size({ min: 0, max: 9216 })
      .default(20)
      .describe('preamble + SFD 8 and inter-frame gap 12, counted on the wire'),
    ackEvery: num(count()).default(1).describe('the receiver ACKs every N data packets'),
    rto: duration(TIMER)
      .optional()
      .describe('first go-back-N retransmission timeout, overriding ackTimeout (default: 4.096us x 2^ackTimeout)'),
    ackTimeout: num({ int: true, min: 0, max: 31 })
      .default(20)
      .describe(
        'RoCE local ACK timeout exponent n: the NIC retransmits after 4.096us x 2^n, doubling on each further timeout (default 20 = 4.3s: NCCL_IB_TIMEOUT and HCCL_RDMA_TIMEOUT defaults; 5-bit IBTA field)',
      ),
    retryCount: num({ int: true, min: 0, max: 7 })
      .default(7)
      .describe(
        'timeouts in a row without progress before the QP enters the error state and its transfer fails (default 7: NCCL_IB_RETRY_CNT; 3-bit IBTA field)',
      ),
    scheduler: z
      .enum(['strict', 'dwrr'])
      .default('strict')
      .describe(
        'egress scheduling of the data classes without network.classes: strict priority (RoCE first) or deficit weighted round robin',
      ),
    dwrrWeights: z
      .strictObject({
        roce: num({ gt: 0, max: MAX_EXACT }).default(1),
        lossy: num({ gt: 0, max: MAX_EXACT }).default(1),
      })
      .prefault({})
      .describe('dwrr: weights of the RoCE and lossy classes (control traffic always goes first)'),
    switchBuffer: size({ min: 1e3, max: 1e12 })
      .optional()
      .describe(
        "shared packet buffer of every switch, replacing the catalog model's (1KB to 1TB; e.g. 64MiB, Broadcom Tomahawk 3 in FBOSS's getMMUBufferBytes)",
      ),
    bufferCell: size({ int: true, min: 1, max: 4096 })
      .optional()
      .describe(
        'buffer accounting unit: each frame takes whole cells, as switch ASICs count (1 B to 4096 B; Broadcom Trident 2 / Tomahawk 208 B, Tomahawk 3 254 B: FBOSS getMMUCellBytes); default: exact bytes',
      ),
    cables: z
      .strictObject({
        host: length({ min: 0, max: 10000 })
          .optional()
          .describe('host to first switch tier (default: its length class, rack 2.5m or row 30m for rail leaves)'),
        leaf: length({ min: 0, max: 10000 })
          .optional()
          .describe('first to second switch tier: leaf-spine, access-aggregation, linecard-fabric (default: row, 30m)'),
        spine: length({ min: 0, max: 10000 })
          .optional()
          .describe('second to third tier: spine-core, aggregation-border (default: hall, 150m)'),
      })
      .optional()
      .describe(
        'cable length per link tier (0 to 10km): sets propagation (5 ns/m, PFC-02) and PFC headroom; the BOM keeps its length classes',
      ),
    bufferAlpha: num({ gt: 0, max: 8 }).default(1).describe('dynamic threshold of lossy queues: alpha x free buffer'),
    classes: z
      .record(
        z.string().regex(CLASS_NAME, 'expected a class name such as realtime (lowercase letters, digits, -)'),
        z.strictObject({
          // 0..7: the eight traffic classes of IEEE 802.1Q-2018 (8.6.8: strict priority serves the highest first).
          priority: num({ int: true, min: 0, max: 7 })
            .default(0)
            .describe('strict priority, 0..7 (IEEE 802.1Q: the higher is served first; equal: weighted sharing)'),
          // ETS (IEEE 802.1Qaz) gives classes bandwidth shares in percent; any positive ratio here.
          weight: num({ gt: 0, max: 1e6 })
            .default(1)
            .describe('share among classes of equal priority, as ETS (IEEE 802.1Qaz) weights (weighted max-min)'),
          pfc: z
            .boolean()
            .default(false)
            .describe(
              'lossless (PFC, IEEE 802.1Qbb): on the packet engine the class has its own PFC pause and headroom',
            ),
        }),
      )
      .optional()
      .describe(
        'traffic classes by name, used by `class:` on traffic items; roce {priority 0, weight 1, pfc} and lossy {priority 0, weight 1} always exist and may be redefined here, at most 8 classes in all (IEEE 802.1Q priorities). The packet engine then gives each class a queue at every port: control first, strict priority across levels, DWRR by weight within one (network.scheduler and dwrrWeights are not read)',
      ),
    // 100 ns: the queue monitor period of HPCC's ns-3 simulator (qlen_mon_interval = 100 ns, scratch/third.cc),
    // the finest a reference samples at; a picosecond period filled the event queue with samples (fuzz).
    sampleInterval: duration({ min: 100_000, max: MAX_EXACT })
      .prefault('10us')
      .describe('queue time-series sampling period'),
    failures: z
      .array(failureSchema)
      .default([])
      .describe('links or switches that fail at a time (and optionally recover)'),
    detectionDelay: duration(LATENCY)
      .prefault('50us')
      .describe('how long after a failure (or recovery) its paths leave (or rejoin) the ECMP groups'),
  })
  .superRefine((n, ctx) => {
    if (n.cables && n.linkDelay !== undefined)
      ctx.addIssue({ code: 'custom', path: ['cables'], message: msg.cablesWithLinkDelay(), input: n.cables });
  })
  .describe('network behaviour for the simulation engines');

export const COLLECTIVES = ['all-reduce', 'reduce-scatter', 'all-gather', 'broadcast', 'all-to-all'] as const;

/** `channels`: `auto` (one ring per NIC the ranks' servers use) or a count of rings/trees in total. */
const channelsField = () =>
  z
    .union([z.literal('auto'), num(count(64))])
    .default('auto')
    .describe(
      "NCCL channels in total: parallel rings/trees, each on its own QPs. auto (default): one per NIC of a server (a ring's channel c enters servers on rail c, so every NIC carries one in and one out, as NCCL uses every NIC; one on a single server and for the MPI algorithms); a number keeps the old meaning (1: one ring through one NIC per server). 1..64 (NCCL's MAXCHANNELS)",
    );

const protocolField = () =>
  z
    .enum(['auto', 'LL', 'LL128', 'Simple', 'none'])
    .default('auto')
    .describe(
      "NCCL protocol of ring and double-binary-tree collectives: auto (default: the fastest by NCCL's tuning model at this size), LL, LL128 or Simple (NCCL_PROTO), or none (no protocol: the schedule's fabric latency and bandwidth alone). Every engine charges the protocol's latency once and its bandwidth efficiency on every byte; constants from NVIDIA/nccl 2.20.3 (commit b6475625) src/graph/tuning.cc: baseLat, hwLat, the LL/LL128/tree bandwidth factors, the Hopper per-channel caps, the tree correction and ring plateau; COLL-03 keeps 2.7.5's (commit 01afd20a). docs/simulate.md, \"NCCL's cost model\", lists each constant with its source",
    );

/** Removed fields: an error that names what replaces them. */
const removed = (replacement: string) =>
  z
    .unknown()
    .optional()
    .superRefine((v, ctx) => {
      if (v !== undefined) ctx.addIssue({ code: 'custom', message: `was removed: ${replacement}` });
    })
    .describe(`removed: ${replacement}`);

const collectiveFields = {
  algorithm: z
    .string()
    .default('auto')
    .describe(
      "auto (default: NCCL's choice by its tuning model; all-reduce: ring or double-binary-tree, or where NCCL runs NVLS (fabric.gpu with NVLS, more than 2 GPUs a server) nvls on one server and nvls-tree on several; reduce-scatter, all-gather: ring; broadcast: binomial; all-to-all: pxn where a server holds several of the ranks (NCCL's PXN, on by default), else pairwise) or all-reduce: ring, double-binary-tree, recursive-doubling, rabenseifner, hierarchical (intra-domain reduce-scatter, all-reduce per rail, intra-domain all-gather, pipelined by chunk), nvls (the same with NVLink SHARP inside each domain: fabric.gpu h100, h200, b200, gb200), nvls-tree (NVLink SHARP inside, the NCCL double binary tree per rail across domains), sharp (in-network reduction in the switches, NCCL's CollNet: needs switch models with inNetworkReduction, e.g. catalog/examples/quantum-2.yaml; every engine, the packet engine without network.cc hpcc); reduce-scatter: ring, recursive-halving; all-gather: ring, recursive-doubling; broadcast: binomial, scatter-allgather; all-to-all: pairwise, bruck, pxn (NCCL's: every send at once, a block for another server through the local GPU on its destination's rail)",
    ),
  ranks: num({ int: true, min: 2, max: MAX_HOSTS })
    .optional()
    .describe('how many GPUs take part (default: every host)'),
  placement: z
    .enum(['rail', 'sequential', 'random'])
    .default('rail')
    .describe('which hosts get the ranks: whole servers, rail-aligned (rail), h0.. in order, or random'),
  channels: channelsField(),
  chunk: size(SOME_BYTES)
    .optional()
    .describe(
      "pipelining chunk per step. Default: 512 KiB, NCCL's Simple step (NCCL_BUFFSIZE 4 MiB over NCCL_STEPS 8, NVIDIA/nccl src/init.cc and src/include/device.h), for double-binary-tree, sharp, nvls, nvls-tree and hierarchical across domains; one chunk per step for rings and hierarchical inside one domain; the MPICH log-step algorithms send each step whole",
    ),
  protocol: protocolField(),
  latencyModel: removed(
    "NCCL's cost model now applies on every engine through `protocol` (default auto; `latencyModel: nccl` is `protocol: Simple`, `latencyModel: alpha` is `protocol: none`)",
  ),
};

export const jobSchema = z
  .strictObject({
    params: num({ gt: 0, max: MAX_EXACT }).describe('model parameters, e.g. 70e9'),
    // 8: fp64, the widest gradient element.
    bytesPerGrad: num({ gt: 0, max: 8 }).default(2).describe('bytes per gradient element (2 = bf16, 4 = fp32)'),
    dp: num(count(MAX_HOSTS)).default(1).describe('data-parallel degree'),
    tp: num(count(MAX_HOSTS)).default(1).describe('tensor-parallel degree (inside a server when it fits)'),
    pp: num(count(MAX_HOSTS)).default(1).describe('pipeline-parallel stages'),
    ep: num(count(MAX_HOSTS)).default(1).describe('expert-parallel degree (MoE all-to-all groups)'),
    expertParams: num({ min: 0, max: MAX_EXACT })
      .default(0)
      .describe(
        'parameters (of params) in the MoE experts: sharded over the ep ranks of a group, so their gradients are all-reduced over the dp/ep ranks that hold the same experts, the rest over all dp ranks',
      ),
    microBatches: num(REPEATS).default(1).describe('micro-batches per iteration (pipeline)'),
    schedule: z
      .enum(['gpipe', '1f1b'])
      .default('gpipe')
      .describe(
        'pipeline order of micro-batches: gpipe (every forward, then every backward) or 1f1b (PipeDream-Flush, as Megatron: warm-up forwards, then one forward one backward)',
      ),
    stepCompute: duration(TIMER).optional().describe('compute time of one iteration (forward + backward) per GPU'),
    flopsPerStep: num({ gt: 0 }).optional().describe('FLOPs per GPU per iteration (instead of stepCompute)'),
    gpuFlops: num({ gt: 0 }).optional().describe('peak FLOP/s of one GPU, e.g. 989e12 (H100 bf16 dense)'),
    mfu: num({ gt: 0, max: 1 }).default(0.4).describe('model FLOPs utilization that turns FLOPs into time'),
    buckets: num(REPEATS)
      .default(1)
      .describe('gradient buckets: each is all-reduced as soon as the backward pass has produced it'),
    backwardShare: num(SHARE)
      .default(2 / 3)
      .describe('share of the step compute spent in backward'),
    layers: num(REPEATS).default(1).describe('transformer layers (TP and MoE collectives per layer)'),
    tpBytesPerLayer: size(SOME_BYTES)
      .optional()
      .describe('activation bytes each TP all-reduce moves per layer and micro-batch'),
    ppBytes: size(SOME_BYTES).optional().describe('activation bytes sent between pipeline stages per micro-batch'),
    moeBytesPerLayer: size(SOME_BYTES)
      .optional()
      .describe(
        'all-to-all buffer per GPU of one MoE dispatch (combine is the same) per layer and micro-batch; each GPU sends (ep-1)/ep of it',
      ),
    iterations: num(REPEATS).default(1),
    algorithm: z
      .string()
      .default('auto')
      .describe("all-reduce algorithm of the gradient sync (auto: NCCL's choice; or one of `collective`'s)"),
    // auto as a collective's: NCCL's PXN, on by default (NVIDIA/nccl src/graph/paths.cc PXN_DISABLE 0; search.cc
    // P2P_PXN_LEVEL 2), where an EP group has several ranks on one server; training/protocol.ts autoFallback.
    moeAlgorithm: z
      .enum(['auto', 'pairwise', 'bruck', 'pxn'])
      .default('auto')
      .describe(
        "all-to-all algorithm of the MoE dispatch and combine: auto (default: NCCL's, pxn where an expert-parallel group has several ranks on one server, as NCCL's PXN is on by default, NVIDIA/nccl src/graph/paths.cc PXN_DISABLE 0 and search.cc P2P_PXN_LEVEL 2; else pairwise), or pairwise, bruck, pxn to force one (pairwise was the only choice before)",
      ),
    channels: channelsField(),
    protocol: protocolField(),
    storage: z
      .strictObject({
        // 10^4 GB/s: 25 times what a 3.2 Tb/s NIC carries.
        datasetGBps: num({ min: 0, max: 1e4 })
          .default(0)
          .describe(
            'dataset read rate per GPU while it computes, GB/s (0: none). For scale: a dense LLM on tokenized text reads its tokens per second (achieved FLOP/s / (6 x parameters), Kaplan et al. 2020) x bytes per token id (Megatron-LM: 4 from a 65,500-token vocabulary, 2 below): 7B parameters at 43% MFU of an H100 (Llama 3 paper, Table 4; 989 TFLOPS BF16 dense, NVIDIA datasheet) read 40.5 KB/s, 4.05e-5 GB/s (src/demo/storage.ts); image, audio and video training read far more',
          ),
        checkpointEvery: num({ int: true, min: 0, max: 1e9 })
          .default(0)
          .describe('iterations between checkpoints, each written after the iteration that ends it (0: none)'),
        // 16 bytes/param of model states under mixed-precision Adam (ZeRO, Rajbhandari et al., SC 2020, section
        // 3.1: 2 fp16 parameters + 2 fp16 gradients + 12 fp32 parameters, momentum and variance); a checkpoint
        // keeps all but the gradients.
        checkpointBytesPerParam: num({ gt: 0, max: 64 })
          .default(14)
          .describe(
            'checkpoint bytes per parameter (default 14: mixed-precision Adam keeps 16 bytes per parameter, ZeRO section 3.1, of which a checkpoint needs all but the 2 of the fp16 gradients)',
          ),
      })
      .optional()
      .describe(
        'storage traffic to the fabric.storage nodes: dataset reads every iteration and sharded checkpoints (src/workload/storage.ts). Default: none',
      ),
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

/** Requests per second: the least a rate field takes (see perSecond). */
const MIN_RATE = 1e-3;

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
      // 0.001/s (3.6/h): the service's clock counts nanoseconds up to 2^53 (104 days), which a gap at this rate
      // passes once in e^9000; at 1e-12/s the first gap overflowed it (fuzz: internal error, event time).
      else if (x < MIN_RATE)
        ctx.addIssue({ code: 'custom', message: rangeMessage(x, v, { min: MIN_RATE, max: MAX_EXACT }), input: v });
    })
    .transform((v) => parsePerSecond(v))
    .meta({ examples: ['200/s'] })
    .describe('requests per second: 200/s, 8/ms, 12000/min, or a number per second');

export const BALANCERS = ['round-robin', 'random', 'least-outstanding', 'power-of-two', 'shared-queue'] as const;

export const llmServiceSchema = z
  .strictObject({
    prefill: z
      .strictObject({
        base: duration(LATENCY).prefault('15ms').describe('fixed time of one prefill iteration'),
        perToken: duration(LATENCY).prefault('60us').describe('added per input token in the iteration'),
      })
      .prefault({})
      .describe('prefill iteration time = base + perToken x input tokens of the requests it admits'),
    decode: z
      .strictObject({
        base: duration(LATENCY)
          .prefault('20ms')
          .describe('fixed time of one decode iteration (one token per sequence)'),
        perSequence: duration(LATENCY).prefault('150us').describe('added per sequence in the batch'),
      })
      .prefault({})
      .describe('decode iteration time = base + perSequence x batch size'),
    maxBatch: num(count()).default(64).describe('sequences decoded together (continuous batching)'),
    kvTokens: num(count())
      .default(500000)
      .describe('KV-cache capacity in tokens: a request reserves input + output tokens while it runs'),
    gpus: num(count(576))
      .default(8)
      .describe(
        'GPUs one replica runs on, 1..576 (default 8: a 70B model in bf16, 140 GB of weights, served with tensor parallelism 8 on one 8-GPU server, as Splitwise, ISCA 2024, serves Llama-2-70B); counts GPUs, the fabric does not carry their traffic',
      ),
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
            cv: num({ gt: 0, max: MAX_EXACT }).describe(
              'coefficient of variation of the gaps (1 = Poisson, > 1 bursty)',
            ),
          }),
        }),
        z.strictObject({
          onOff: z.strictObject({
            rate: perSecond().describe('Poisson rate while on'),
            on: duration(TIMER).describe('mean on period (exponential)'),
            off: duration(TIMER).describe('mean off period (exponential)'),
          }),
        }),
        z.strictObject({
          trace: z
            .string()
            .describe(
              'conv or code (the bundled Azure LLM inference traces 2023), or a CSV path with TIMESTAMP,ContextTokens,GeneratedTokens',
            ),
          speed: num({ gt: 0, max: MAX_EXACT }).default(1).describe('replay this many times faster'),
          from: duration(LATENCY).default(0).describe('skip the trace up to this offset from its first request'),
          duration: duration(TIMER).optional().describe('replay only this much of the trace (trace time)'),
        }),
      ])
      .describe('how requests arrive at border0'),
    requests: num(count()).optional().describe('stop arrivals after this many requests'),
    duration: duration(TIMER).optional().describe('stop arrivals after this much simulated time'),
    tokens: z
      .union([
        // 2^31 - 1: the request state keeps token counts in 32-bit integers (engine/inference/requests.ts; 1e12
        // wrapped to a negative prefill time, fuzz); 200 times the longest context announced (10M tokens, Llama 4).
        z.strictObject({
          input: num({ int: true, min: 0, max: MAX_TOKENS }).default(1000),
          output: num(count(MAX_TOKENS)).default(200),
        }),
        z.strictObject({
          sample: z.string().describe('draw (input, output) pairs at random from a trace: conv, code or a CSV path'),
        }),
      ])
      .prefault({})
      .describe('tokens per request when arrivals are not a trace: fixed counts, or sampled from a trace'),
    replicas: num(count(MAX_HOSTS)).describe('serving replicas, one per server (host)'),
    placement: z
      .enum(['spread', 'sequential'])
      .default('spread')
      .describe('spread: replicas round-robin over the access switches; sequential: h0, h1, ...'),
    service: z
      .union([
        z.strictObject({ llm: llmServiceSchema.prefault({}) }),
        z.strictObject({ exponential: duration(TIMER).describe('mean service time (M/M/c checks)') }),
        z.strictObject({ deterministic: duration(TIMER).describe('fixed service time (M/D/c checks)') }),
      ])
      .prefault({ llm: {} })
      .describe('per replica: an LLM model (prefill/decode, batching), or a plain service-time distribution'),
    concurrency: num(count())
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
        ttft: duration(TIMER).optional(),
        tpot: duration(TIMER).optional(),
        latency: duration(TIMER).optional(),
      })
      .optional()
      .describe('goodput counts requests that complete within every stated bound'),
    // 100: twenty times gRPC's cap (its retry policy treats maxAttempts above 5 as 5, gRFC A6); 2^31 retries of a
    // request to a replica that never came back grew an array until V8 aborted the process (fuzz).
    retries: num({ int: true, min: 0, max: 100 })
      .default(1)
      .describe('times a failed request is sent again (to another replica) before it counts as failed'),
    ejectFor: duration(LATENCY)
      .prefault('10s')
      .describe('the balancer stops sending to a replica this long after a request to it failed'),
    disaggregation: z
      .strictObject({
        prefillReplicas: num(count(MAX_HOSTS)).describe(
          'replicas 0..P-1 only prefill (and send the first token); the others only decode',
        ),
        kvBytesPerToken: size()
          .prefault('320KiB')
          .describe('KV cache per input token moved from the prefill to the decode server (70B, GQA 8, bf16: 320 KiB)'),
      })
      .optional()
      .describe('prefill/decode disaggregation (Splitwise, DistServe): the KV cache crosses the fabric east-west'),
    faults: z
      .array(
        z.strictObject({
          replica: num({ int: true, min: 0, max: MAX_HOSTS - 1 }).describe('replica index (0-based)'),
          at: duration(),
          until: duration().optional().describe('the replica is back (empty) at this time'),
        }),
      )
      .default([])
      .describe('replicas that fail at a time; switch and link failures go in network.failures'),
    realtime: z
      .strictObject({
        // 224 x 224 x 3 bytes: ResNet-50 v1.5's input image (MLPerf Inference, mlcommons/inference docs/index.md:
        // ImageNet 224x224), as uint8 pixels: a camera frame cropped for a vision model.
        frame: size(SOME_BYTES).prefault('150528').describe('bytes of one input frame (default 224x224x3 = 150,528)'),
        // 1,000 ImageNet class scores in fp32 (4,000 B): ResNet-50 v1.5's output tensor (1 x 1000; MLPerf Inference,
        // mlcommons/inference docs/index.md: ImageNet 1k), as a server without a classification step returns it.
        result: size(SOME_BYTES).prefault('4000').describe('bytes of one answer (default: 1,000 fp32 class scores)'),
        // 3.895 ms: ResNet-50 v1.5 at batch 8 on one A100 80GB, TensorRT fp16 under Triton, average latency
        // (NVIDIA DeepLearningExamples, PyTorch/Classification/ConvNets/triton/resnet50/README.md, "Offline: NVIDIA
        // DGX A100 (1x A100 80GB), ONNX Runtime TensorRT with FP16", client batch size 8: 2,051 inferences/s).
        batchTime: duration(TIMER).prefault('3.895ms').describe('time to run one batch on a replica'),
        // 8: the batch of that measurement, small enough to stay far inside the 15 ms bound below.
        maxBatch: num(count(1024)).default(8).describe('frames a replica runs at once'),
        // 15 ms: MLPerf Inference's Server-scenario latency constraint of ResNet50-v1.5 (mlcommons/inference
        // docs/index.md), met at the 99th percentile under the rules.
        slo: duration(TIMER).prefault('15ms').describe('latency bound of a frame (goodput counts those within it)'),
      })
      .optional()
      .describe(
        'a real-time vision service (camera frames): sets bytes.request and bytes.response, a deterministic service of batchTime with maxBatch frames at once (concurrency), no streaming, and slo.latency; defaults from MLPerf Inference ResNet50-v1.5 (224x224x3 input, 1,000 class scores out, Server latency bound 15 ms) and its batch-8 latency on an A100 (3.895 ms, NVIDIA DeepLearningExamples)',
      ),
    storage: z
      .strictObject({
        // 70e9: Llama-2-70B, the model Splitwise (Patel et al., ISCA 2024) serves on one 8-GPU server, the model
        // the llm defaults are of the order of (llm.gpus).
        params: num({ min: 0, max: 1e13 })
          .default(70e9)
          .describe('parameters of the served model, read from storage at start and on each restart (0: none)'),
        // 2: bf16 weights (the llm.gpus default: 70B in bf16, 140 GB).
        bytesPerParam: num({ gt: 0, max: 8 })
          .default(2)
          .describe('bytes per parameter at the serving precision (2: bf16/fp16; 1: fp8/int8)'),
        // 5 passages of 100 words (Lewis et al., "Retrieval-Augmented Generation for Knowledge-Intensive NLP
        // Tasks", NeurIPS 2020, section 2.2 and 4: Wikipedia split into disjoint 100-word chunks, k = 5 retrieved
        // documents per query at test time), at about 6 bytes per English word with its space: 3,000 bytes.
        retrievalBytes: size()
          .prefault('3000')
          .describe(
            'bytes read from storage per request (retrieval, RAG; default: k = 5 passages of 100 words, RAG, Lewis et al. 2020; 0: none)',
          ),
        // A serving engine reads its checkpoint before it answers (vLLM and TensorRT-LLM load the weights at
        // start-up; a Kubernetes readiness probe keeps traffic away until then): a cold start holds every
        // replica's requests until its weights land, a warm one is a service already running.
        coldStart: z
          .boolean()
          .default(true)
          .describe(
            'true: every replica loads the model at the start of the run; false: the replicas start with their weights in memory (a service already running) and load them only after a repair. A loading replica takes requests only when no replica is ready, and serves none until its weights land',
          ),
      })
      .optional()
      .describe(
        'storage traffic from the fabric.storage nodes: the model weights into each replica at start and after each repair, and retrieval reads per request (src/engine/inference/storage.ts). Default: none',
      ),
    class: z
      .string()
      .regex(CLASS_NAME, 'expected a class name such as lossy, roce or one of network.classes')
      .optional()
      .describe(
        'traffic class of its requests, responses and KV transfers (default lossy: north-south client traffic)',
      ),
    transport: z
      .enum(['dctcp', 'newreno'])
      .optional()
      .describe(
        'packet engine: the TCP of its north-south transfers (requests, responses); default dctcp (ECN at network.tcp.k, Alizadeh et al. 2010; RFC 8257); newreno where switches do not mark (RFC 5681, RFC 6582). East-west KV and storage transfers run RoCE',
      ),
  })
  .describe('an inference service: arrivals at border0, replicas on hosts, a load balancer, a serving model');

const transportField = z
  .enum(['roce', 'dctcp', 'newreno'])
  .optional()
  .describe(
    'default roce: RoCEv2 queue pairs (go-back-N, the congestion control of network.cc); dctcp: TCP with DCTCP (ECN at network.tcp.k, Alizadeh et al. 2010; RFC 8257); newreno: TCP without ECN (RFC 5681, RFC 6582). Packet engine only; use class: lossy for north-south TCP',
  );

const trafficClass = z
  .string()
  .regex(CLASS_NAME, 'expected a class name such as roce, lossy or one of network.classes')
  .default('roce')
  .describe(
    'roce: the lossless RoCE class (PFC, ECN); lossy: a best-effort class with tail drop; or a class of network.classes',
  );

// h0..h(N-1) and border0 on every fabric; on a custom fabric also the names its topology file gives its hosts.
const hostRef = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'expected a host such as h0, border0 or a custom fabric host name');

export const trafficItemSchema = z.union([
  z.strictObject({
    pattern: z.enum(['incast', 'permutation', 'all-to-all']),
    senders: z.array(hostRef).min(1).optional(),
    receiver: hostRef.optional(),
    bytes: size(SOME_BYTES),
    start: duration(LATENCY).optional(),
    class: trafficClass,
    transport: transportField,
  }),
  z.strictObject({
    flows: z
      .array(
        z.strictObject({ src: hostRef, dst: hostRef, bytes: size(SOME_BYTES), start: duration(LATENCY).default(0) }),
      )
      .min(1),
    class: trafficClass,
    transport: transportField,
  }),
  z.strictObject({
    collective: z.enum(COLLECTIVES).describe('the collective operation (nccl-tests names)'),
    bytes: size(SOME_BYTES).describe(
      'bytes per rank buffer S (nccl-tests convention: all-gather and reduce-scatter: the full buffer)',
    ),
    ...collectiveFields,
    start: duration(LATENCY).optional(),
    class: trafficClass,
  }),
  z.strictObject({ inference: inferenceSchema }),
  z.strictObject({
    job: jobSchema,
    placement: collectiveFields.placement,
    start: duration(LATENCY).optional(),
    class: trafficClass,
  }),
]);

export const scenarioSchema = z
  .strictObject({
    version: z.literal(1).default(1).describe('scenario format version'),
    name: z.string().optional(),
    description: z.string().optional(),
    seed: num({ int: true, min: 0, max: MAX_EXACT }).default(1).describe('seed of every random stream of a run'),
    catalog: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'user catalog files (paths relative to this file) adding switches, NICs and media in the built-in format (src/catalog/schema.ts); their ids may not reuse built-in ones. Default: none',
      ),
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
export type Topology = (typeof FABRIC_TOPOLOGIES)[number];
/** The families the generators and the planner build. */
export type GeneratedTopology = (typeof TOPOLOGIES)[number];

type Json = Record<string, unknown>;

/** Copies the output schema's defaults where the input schema has none: zod leaves out a `.default()` on a
 * field with a unit (its default is the parsed value, e.g. `mtu: 4096`), which is a valid input as well. */
function addDefaults(input: Json, output: Json): void {
  if (input.default === undefined && output.default !== undefined) input.default = output.default;
  const walk = (a: unknown, b: unknown) => {
    if (a && b && typeof a === 'object' && typeof b === 'object') addDefaults(a as Json, b as Json);
  };
  const ip = input.properties as Record<string, unknown> | undefined;
  const op = output.properties as Record<string, unknown> | undefined;
  if (ip && op) for (const k of Object.keys(ip)) walk(ip[k], op[k]);
  walk(input.items, output.items);
  const ia = input.anyOf as unknown[] | undefined;
  const oa = output.anyOf as unknown[] | undefined;
  if (ia && oa && ia.length === oa.length) for (let i = 0; i < ia.length; i++) walk(ia[i], oa[i]);
}

export function scenarioJsonSchema(): Record<string, unknown> {
  const input = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  addDefaults(input, z.toJSONSchema(scenarioSchema, { io: 'output', unrepresentable: 'any' }) as Json);
  return input;
}

/** A fabric spec with the schema's defaults filled in (for the library API, tests and benchmarks). */
export function fabricSpec(input: z.input<typeof fabricSchema>): FabricSpec {
  return fabricSchema.parse(input);
}
