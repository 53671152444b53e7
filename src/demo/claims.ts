// The seed's "comparison at a glance" (../shared/seed, copied in docs/demo.md), one claim per row and side, each
// with the rule that turns the demo's measurements into a verdict. The rules are written here, next to the
// claims, and printed in the report and docs/demo.md; a verdict is never set by hand.
import type { ClaimRow } from '../report/input.ts';

/** What the demo measured (src/demo/run.ts fills it). Times in ms, money in USD, rates in requests/s. */
export interface Evidence {
  training: {
    gpus: number;
    iterationMs: number;
    computeMs: number;
    exposedCommMs: number;
    commMs: number;
    /** Share of the training job's bytes between hosts (east-west); the rest went between hosts and the storage
     * nodes (north-south: dataset reads and a checkpoint), northSouthBytes of them, to storageNodes nodes. */
    eastWestShare: number;
    northSouthBytes: number;
    storageNodes: number;
    /** Host link load (share of line rate) while gradients sync, and its mean over the run. */
    syncLoad: number;
    peakToMeanLoad: number;
    /** Largest |sent - received| / (sent + received) over the hosts' links (a ring sends what it receives). */
    txRxImbalance: number;
    /** Share of the host NIC links (host to leaf) that carried gradient bytes in the data-parallel job. */
    hostLinksUsedShare: number;
    /** Ring all-reduce bus bandwidth on a slice of the Clos (busbwSliceGpus GPUs, busbwBytes per rank), by the
     * busbwEngine; NCCL's model of the same op on an ideal network (analytic engine), GB/s. */
    busbwGBps: number;
    /** The same op on the rail-optimized cabling of the same switch (NIC k of every server on leaf k), and the
     * most ring edges per-flow ECMP put on one fabric link of the leaf-spine slice: its bytes over a host link's
     * (src/demo/evidence.ts, busiestUplinkEdges). */
    busbwRailGBps: number;
    busiestUplinkEdges: number;
    busbwEngine: string;
    busbwSliceGpus: number;
    busbwBytes: number;
    busbwModelGBps: number;
    /** One NIC's payload rate, and what all NICs of a server carry (the bound of a ring's busbw with every rail). */
    nicPayloadGBps: number;
    serverNicsPayloadGBps: number;
    /** Iteration time of the packet slice at 0.1% random loss over the lossless baseline, PFC on and off. */
    lossSlowdownPfc: number;
    lossSlowdownNoPfc: number;
    /** Incast on the packet slice: buffer drops and completion time with PFC on and off. */
    incastDropsPfc: number;
    incastDropsNoPfc: number;
    incastMsPfc: number;
    incastMsNoPfc: number;
    /** The incast's line-rate bound: its bytes at the receiver NIC's payload rate. */
    incastIdealMs: number;
    /** Go-back-N retransmission timeouts during the incast. */
    incastTimeoutsPfc: number;
    incastTimeoutsNoPfc: number;
    /** Senders of the incast without PFC that never finished: their QP hit the retry limit (network.retryCount
     * timeouts in a row) and gave up; incastMsNoPfc is the others' last end. */
    incastFailedSendersNoPfc: number;
    /** The training fabric as configured (PFC on, as the seed recommends, unless the demo was told otherwise). */
    configuredPfc: boolean;
    incastDropsConfigured: number;
    /** The planner's cheapest design for the large cluster. */
    largeGpus: number;
    largeTopology: string;
    largeTiers: number;
    networkCostPerGpuUsd: number;
    bisectionPerGpuGbps: number;
  };
  inference: {
    fabric: string;
    tiers: number;
    servers: number;
    replicas: number;
    requests: number;
    ratePerS: number;
    northSouthShare: number;
    /** North-south bytes of the run, and those of them between the storage nodes and the hosts (model loads and
     * retrieval reads, inference.storage; the rest went between border0 and the hosts). */
    northSouthBytes: number;
    storageBytes: number;
    /** The same service with prefill and decode on separate replicas: its north-south share, and its east-west
     * bytes (the KV caches moved from prefill to decode servers). */
    disaggregatedNorthSouthShare: number;
    disaggregatedEastWestBytes: number;
    /** Peak-to-mean of the per-second arrival count of the replayed trace. */
    arrivalPeakToMean: number;
    /** Request bytes over response bytes per request (one exchange per request). */
    requestToResponseBytes: number;
    p99TtftMs: number;
    p99TpotMs: number;
    p99LatencyMs: number;
    jitterMs: number;
    /** The network's share of the mean time to first token. */
    networkShareOfTtft: number;
    meanInSystem: number;
    sloTtftMs: number;
    sloTpotMs: number;
    /** Availability of the requests in the system while an access switch was down. */
    availabilityDuringFailure: number;
    /** The same, with every server dual-homed on two access switches. */
    availabilityDuringFailureDualHomed: number;
    /** The fewest replicas meeting the SLO (capacity search over the first capacityWindowS of the trace), and
     * their GPUs. */
    replicasForSlo: number;
    capacityWindowS: number;
    gpusForSlo: number;
    networkCostPerServerUsd: number;
    bisectionPerServerGbps: number;
    costPer1kRpsUsd: number;
    /** The same service on the training switch (a leaf-spine of it): network cost per 1,000 requests/s. */
    costPer1kRpsOnTrainingSwitchUsd: number;
  };
  /** scenarios/converged.yaml (issue 18): the real-time service and the training job alone, sharing the fabric
   * with every class at one level, and with the service at strict priority. Absent: no such row. */
  converged?: ConvergedEvidence;
}

export interface ConvergedEvidence {
  serviceP50AloneMs: number;
  serviceP99AloneMs: number;
  serviceP999AloneMs: number;
  serviceP99SharedMs: number;
  serviceP999SharedMs: number;
  serviceP99SeparatedMs: number;
  serviceP999SeparatedMs: number;
  /** Jitter: p99 - p50 of the service's latency. */
  jitterAloneMs: number;
  jitterSharedMs: number;
  jitterSeparatedMs: number;
  sloMs: number;
  /** The job's mean iteration time. */
  iterationAloneMs: number;
  iterationSharedMs: number;
  iterationSeparatedMs: number;
}

/** The inference byte mix: north-south in both serving designs, in neither, or in one (the design decides). */
function inferenceMixVerdict(i: Evidence['inference']): ClaimRow['verdict'] {
  const colocated = i.northSouthShare > THRESHOLDS.majorityShare;
  const disaggregated = i.disaggregatedNorthSouthShare > THRESHOLDS.majorityShare;
  if (!colocated && !disaggregated) return 'not supported';
  return colocated && disaggregated && i.arrivalPeakToMean < THRESHOLDS.arrivalPeakToMean ? 'supported' : 'depends';
}

// Two significant digits under 0.1% (a measured 0.0086% is not "0.0%"), two decimals just under 100%.
const pct = (x: number) =>
  x > 0 && x < 0.001 ? `${(x * 100).toPrecision(2)}%` : `${(x * 100).toFixed(x >= 0.995 && x < 1 ? 2 : 1)}%`;
const f1 = (x: number) => x.toFixed(1);
const usd = (x: number) => `$${Math.round(x).toLocaleString('en-US')}`;

/** The incast without PFC: its last end, and the senders that never finished (the time is the others'). */
function incastNoPfcOutcome(t: Evidence['training']): string {
  const n = t.incastFailedSendersNoPfc;
  if (n === 0) return `${f1(t.incastMsNoPfc)} ms`;
  const who = n === 1 ? '1 sender' : `${n} senders`;
  return `${who} hit the QP retry limit and never finished; the others by ${f1(t.incastMsNoPfc)} ms`;
}

/**
 * The thresholds of every rule, in one place: the rules below decide with them, and each claim row carries the
 * ones its rule used (`thresholds`), so a reader can redo the verdict from the row alone.
 */
export const THRESHOLDS = {
  /** Gradient sync at least this share of an iteration: the network is on the objective's critical path. */
  commShare: 0.2,
  /** A server sends what it receives within 1% (an exchange); beyond 10% it is one-way. */
  exchangeImbalance: 0.01,
  oneWayImbalance: 0.1,
  /** One direction at least 2x the other is one-way; within 1.25x either way it is an exchange. */
  oneWayRatio: 2,
  exchangeRatio: 1.25,
  /** Training bisection per GPU at least 4x the inference fabric's per server. */
  bisectionRatio: 4,
  /** The service within 10% of the training cluster's GPUs is small; over 50% it is not. */
  smallShare: 0.1,
  largeShare: 0.5,
  /** East-west (training) and north-south (inference) majorities. */
  majorityShare: 0.9,
  /** Host links while syncing, and the peak of 1 ms windows over the mean (on/off bursts). */
  syncLoad: 0.8,
  burstPeakToMean: 1.25,
  /** Per-second arrivals peak under 2x the mean: stable. */
  arrivalPeakToMean: 2,
  /** 0.1% loss slows an iteration by at least 5%: losslessness matters; under 1% it does not. */
  lossSlowdown: 1.05,
  lossNoMatter: 1.01,
  /** Availability through an access-switch failure, and the network's share of TTFT. */
  availability: 0.99,
  networkShareOfTtft: 0.1,
  /** Training network cost per GPU at least 2x the inference network's per server. */
  costRatio: 2,
  /** Bus bandwidth at least 90% of NCCL's model of the same op on an ideal network (the NICs' payload rate
   * less NCCL's latency and protocol terms): the network costs at most 10% over what NCCL expects of the NICs;
   * the lossless incast within 1.25x its line-rate bound (the receiver's link busy at least 80% of the time). */
  busbwOverModel: 0.9,
  incastOverIdeal: 1.25,
  /** The inference fabric under 75% of the training switch's cost per 1,000 requests/s. */
  costPer1kRpsRatio: 0.75,
  /** One fabric for both: the service's p99 and the job's iteration within 10% of each alone (the issue's bound
   * for "returns to its solo value"). */
  convergedTolerance: 0.1,
} as const;
const T = THRESHOLDS;

/**
 * The claims a quick demo cannot decide at its size, and why: their verdicts differ between the quick and the
 * full demo, so the quick one says "not decided at quick scale" rather than a verdict the full demo would not give.
 */
export const QUICK_UNDECIDED: { aspect: string; side: string; why: string }[] = [
  {
    aspect: 'Network demands',
    side: 'inference',
    why: 'availability during the failure is counted over a 10-minute window, in which the outage is a larger share than in the hour',
  },
  {
    aspect: 'Traffic characteristics',
    side: 'training',
    why: "the checkpoint of the same 7B model is shared by 64 GPUs instead of 480, so each GPU writes 7.5x the full demo's north-south bytes",
  },
  {
    aspect: 'Switch recommendation',
    side: 'training',
    why: "the ring all-reduce moves 64 MiB per rank instead of 256 MiB, further below the plateau of NCCL's protocol model",
  },
];

/** The rows of `claims(e)`, with the claims of QUICK_UNDECIDED marked as not decided when `quick`. */
export function claims(e: Evidence, quick = false): ClaimRow[] {
  const rows = decide(e);
  if (!quick) return rows;
  return rows.map((r) => {
    const u = QUICK_UNDECIDED.find((x) => x.aspect === r.aspect && x.side === r.side);
    return u ? { ...r, verdict: 'not decided at quick scale', evidence: `${r.evidence} (quick: ${u.why})` } : r;
  });
}

/** The row "one fabric for both?" (issue 18): sharing is harmless, harmless only with classes, or harmful. */
function convergedRow(c: ConvergedEvidence): ClaimRow {
  const tol = T.convergedTolerance;
  const within = (x: number, alone: number) => x <= alone * (1 + tol);
  const shared = within(c.serviceP99SharedMs, c.serviceP99AloneMs) && within(c.iterationSharedMs, c.iterationAloneMs);
  const separated =
    within(c.serviceP99SeparatedMs, c.serviceP99AloneMs) && within(c.iterationSeparatedMs, c.iterationAloneMs);
  const p = (x: number) => x.toFixed(3);
  return {
    aspect: 'One fabric for both?',
    side: 'both',
    claim: 'Training and inference need different networks (a real-time service and a training job on one fabric)',
    evidence: `real-time p99 ${p(c.serviceP99AloneMs)} ms alone, ${p(c.serviceP99SharedMs)} ms sharing fairly, ${p(c.serviceP99SeparatedMs)} ms at strict priority (SLO ${c.sloMs} ms; jitter ${p(c.jitterAloneMs)} / ${p(c.jitterSharedMs)} / ${p(c.jitterSeparatedMs)} ms); job iteration ${f1(c.iterationAloneMs)} / ${f1(c.iterationSharedMs)} / ${f1(c.iterationSeparatedMs)} ms`,
    values: { ...c },
    thresholds: { convergedTolerance: tol },
    verdict: shared ? 'not supported' : separated ? 'depends' : 'supported',
    rule: 'not supported (one fabric serves both) if, sharing the links fairly, the service p99 and the job iteration each stay within 10% of their values alone; depends (on traffic classes) if they do only with the service at strict priority; supported if even then one of them is more than 10% off',
  };
}

/** Every claim with its rule. Each rule can return each verdict its text names (claims.test.ts moves every value
 * across every threshold). */
function decide(e: Evidence): ClaimRow[] {
  const t = e.training;
  const i = e.inference;
  const rows: ClaimRow[] = [];
  const add = (r: ClaimRow) => rows.push(r);

  add({
    aspect: 'Core objective',
    side: 'training',
    claim: 'Optimize model parameters: every iteration ends in a synchronization of all GPUs over the network',
    evidence: `${t.gpus} GPUs: iteration ${f1(t.iterationMs)} ms; gradients sync for ${f1(t.commMs)} ms of it (${pct(t.commMs / t.iterationMs)}), ${f1(t.exposedCommMs)} ms not hidden behind compute`,
    values: {
      iterationMs: t.iterationMs,
      commMs: t.commMs,
      exposedCommMs: t.exposedCommMs,
      commShare: t.commMs / t.iterationMs,
    },
    thresholds: { commShare: T.commShare },
    verdict: t.commMs / t.iterationMs >= T.commShare ? 'supported' : 'not supported',
    rule: 'supported if gradient synchronization runs for at least 20% of every iteration (the network is on the critical path of the objective)',
  });
  add({
    aspect: 'Core objective',
    side: 'inference',
    claim: 'Quickly output prediction results to ensure user experience',
    evidence: `p99 TTFT ${f1(i.p99TtftMs)} ms (SLO ${i.sloTtftMs} ms), p99 TPOT ${f1(i.p99TpotMs)} ms (SLO ${i.sloTpotMs} ms) at ${f1(i.ratePerS)} requests/s`,
    values: { p99TtftMs: i.p99TtftMs, p99TpotMs: i.p99TpotMs },
    thresholds: { sloTtftMs: i.sloTtftMs, sloTpotMs: i.sloTpotMs },
    verdict: i.p99TtftMs <= i.sloTtftMs && i.p99TpotMs <= i.sloTpotMs ? 'supported' : 'not supported',
    rule: 'supported if p99 TTFT and p99 TPOT meet the SLO at the trace load',
  });
  add({
    aspect: 'Computation process',
    side: 'training',
    claim: 'Forward + backward propagation; bidirectional interaction',
    evidence: `the backward pass feeds a gradient exchange every iteration: each server sends what it receives (largest imbalance ${pct(t.txRxImbalance)})`,
    values: { txRxImbalance: t.txRxImbalance, commMs: t.commMs },
    thresholds: { exchangeImbalance: T.exchangeImbalance, oneWayImbalance: T.oneWayImbalance },
    verdict:
      t.txRxImbalance < T.exchangeImbalance
        ? 'supported'
        : t.txRxImbalance >= T.oneWayImbalance
          ? 'not supported'
          : 'depends',
    rule: "supported if every server's links carry the same bytes both ways within 1% (an exchange, not a one-way output); not supported if some server's differ by 10% or more; depends in between",
  });
  const ratio = i.requestToResponseBytes;
  add({
    aspect: 'Computation process',
    side: 'inference',
    claim: 'Forward propagation only; unidirectional output',
    evidence: `one request, one streamed response: request / response bytes at the border = ${ratio.toFixed(2)}`,
    values: { requestToResponseBytes: ratio },
    thresholds: { oneWayRatio: T.oneWayRatio, exchangeRatio: T.exchangeRatio },
    verdict:
      ratio <= 1 / T.oneWayRatio || ratio >= T.oneWayRatio
        ? 'supported'
        : ratio >= 1 / T.exchangeRatio && ratio <= T.exchangeRatio
          ? 'not supported'
          : 'depends',
    rule: 'supported if one direction carries at least twice the bytes of the other (a one-way pipeline, not an exchange); not supported if the two are within 1.25x of each other; depends in between',
  });
  const share = i.gpusForSlo / t.largeGpus;
  add({
    aspect: 'Resource requirements',
    side: 'training',
    claim: 'Large-scale GPU clusters with high memory and compute',
    evidence: `${t.largeGpus.toLocaleString('en-US')} GPUs need a ${t.largeTiers}-tier ${t.largeTopology}; ${f1(t.bisectionPerGpuGbps)} Gb/s of bisection per GPU vs ${f1(i.bisectionPerServerGbps)} Gb/s per inference server`,
    values: { bisectionPerGpuGbps: t.bisectionPerGpuGbps, bisectionPerServerGbps: i.bisectionPerServerGbps },
    thresholds: { bisectionRatio: T.bisectionRatio },
    verdict: t.bisectionPerGpuGbps >= T.bisectionRatio * i.bisectionPerServerGbps ? 'supported' : 'not supported',
    rule: 'supported if the training fabric gives each GPU at least 4x the bisection bandwidth the inference fabric gives a server',
  });
  add({
    aspect: 'Resource requirements',
    side: 'inference',
    claim: 'Single GPU or small-scale cluster; moderate resource requirements',
    evidence: `${i.replicasForSlo} replicas (${i.gpusForSlo} GPUs) meet the SLO over the trace's first ${i.capacityWindowS / 60} min at ${f1(i.ratePerS)} requests/s: ${pct(share)} of the ${t.largeGpus.toLocaleString('en-US')}-GPU training cluster`,
    values: { replicasForSlo: i.replicasForSlo, gpusForSlo: i.gpusForSlo, shareOfTrainingGpus: share },
    thresholds: { smallShare: T.smallShare, largeShare: T.largeShare },
    verdict: share <= T.smallShare ? 'supported' : share > T.largeShare ? 'not supported' : 'depends',
    rule: 'supported if the service meets its SLO with at most 10% of the training cluster GPUs; not supported if it needs more than 50%; depends on the load in between',
  });
  add({
    aspect: 'Traffic characteristics',
    side: 'training',
    claim: 'Primarily east-west; high bandwidth, high concurrency, strong bursts',
    evidence: `east-west ${pct(t.eastWestShare)} of bytes (north-south: ${f1(t.northSouthBytes / 1e9)} GB of dataset reads and checkpoint to ${t.storageNodes} storage nodes); host links at ${pct(t.syncLoad)} of line rate while gradients sync (${pct(t.hostLinksUsedShare)} of them carried gradients), their busiest 1 ms at ${t.peakToMeanLoad.toFixed(2)}x their mean`,
    values: {
      eastWestShare: t.eastWestShare,
      northSouthBytes: t.northSouthBytes,
      syncLoad: t.syncLoad,
      peakToMeanLoad: t.peakToMeanLoad,
      hostLinksUsedShare: t.hostLinksUsedShare,
    },
    thresholds: { majorityShare: T.majorityShare, syncLoad: T.syncLoad, burstPeakToMean: T.burstPeakToMean },
    verdict:
      t.eastWestShare <= T.majorityShare
        ? 'not supported'
        : t.syncLoad >= T.syncLoad && t.peakToMeanLoad >= T.burstPeakToMean
          ? 'supported'
          : 'depends',
    rule: 'supported if east-west bytes exceed 90% and host links run at 80% of line rate or more while syncing, their busiest 1 ms window at least 1.25x their mean (on/off bursts); depends if only the first holds',
  });
  add({
    aspect: 'Traffic characteristics',
    side: 'inference',
    claim: 'Primarily north-south; stable traffic, high demand for low latency',
    evidence: `north-south ${pct(i.northSouthShare)} of bytes with each replica on one server (${pct(i.northSouthBytes > 0 ? i.storageBytes / i.northSouthBytes : 0)} of them from storage nodes, ${f1(i.storageBytes / 1e9)} GB), ${pct(i.disaggregatedNorthSouthShare)} with prefill and decode on separate servers (${f1(i.disaggregatedEastWestBytes / 1e12)} TB of KV cache east-west); per-second arrivals peak at ${f1(i.arrivalPeakToMean)}x their mean`,
    values: {
      northSouthShare: i.northSouthShare,
      northSouthBytes: i.northSouthBytes,
      storageBytes: i.storageBytes,
      disaggregatedNorthSouthShare: i.disaggregatedNorthSouthShare,
      disaggregatedEastWestBytes: i.disaggregatedEastWestBytes,
      arrivalPeakToMean: i.arrivalPeakToMean,
    },
    thresholds: { majorityShare: T.majorityShare, arrivalPeakToMean: T.arrivalPeakToMean },
    verdict: inferenceMixVerdict(i),
    rule: 'supported if north-south bytes exceed 90% both with each replica on one server and with prefill and decode on separate servers (KV caches east-west), and the per-second arrival peak stays under 2x the mean; not supported if they exceed 90% in neither design; depends otherwise (the serving design decides, or arrivals are bursty)',
  });
  add({
    aspect: 'Network demands',
    side: 'training',
    claim: 'High bandwidth, low latency, lossless transmission, high scalability',
    evidence: `0.1% random loss slows an iteration by ${pct(t.lossSlowdownNoPfc - 1)} (PFC off) / ${pct(t.lossSlowdownPfc - 1)} (PFC on); a 16:1 incast drops ${t.incastDropsNoPfc} packets without PFC (${incastNoPfcOutcome(t)}) and ${t.incastDropsPfc} with it (${f1(t.incastMsPfc)} ms)`,
    values: {
      lossSlowdownNoPfc: t.lossSlowdownNoPfc,
      lossSlowdownPfc: t.lossSlowdownPfc,
      incastDropsNoPfc: t.incastDropsNoPfc,
      incastDropsPfc: t.incastDropsPfc,
      incastFailedSendersNoPfc: t.incastFailedSendersNoPfc,
    },
    thresholds: { lossSlowdown: T.lossSlowdown, lossNoMatter: T.lossNoMatter },
    verdict:
      t.incastDropsPfc > 0 ||
      (t.lossSlowdownNoPfc < T.lossNoMatter && t.incastDropsNoPfc === 0 && t.incastFailedSendersNoPfc === 0)
        ? 'not supported'
        : t.lossSlowdownNoPfc >= T.lossSlowdown && (t.incastDropsNoPfc > 0 || t.incastFailedSendersNoPfc > 0)
          ? 'supported'
          : 'depends',
    rule: 'supported if 0.1% loss slows an iteration by at least 5% and PFC turns the incast drops to zero while without PFC the incast drops packets or loses senders to the QP retry limit (lossless matters and PFC delivers it); not supported if PFC leaves drops, or if loss costs under 1% and the incast without PFC neither drops a packet nor loses a sender; depends otherwise',
  });
  add({
    aspect: 'Network demands',
    side: 'inference',
    claim: 'Low latency, high concurrency, high availability, low cost',
    evidence: `network ${pct(i.networkShareOfTtft)} of TTFT; ${f1(i.meanInSystem)} requests in flight on average; availability ${pct(i.availabilityDuringFailure)} while an access switch was down (${pct(i.availabilityDuringFailureDualHomed)} with dual-homed servers); ${usd(i.costPer1kRpsUsd)} of network per 1,000 requests/s`,
    values: {
      networkShareOfTtft: i.networkShareOfTtft,
      meanInSystem: i.meanInSystem,
      availabilityDuringFailure: i.availabilityDuringFailure,
      availabilityDuringFailureDualHomed: i.availabilityDuringFailureDualHomed,
      costPer1kRpsUsd: i.costPer1kRpsUsd,
    },
    thresholds: { availability: T.availability, networkShareOfTtft: T.networkShareOfTtft },
    verdict:
      i.availabilityDuringFailure < T.availability
        ? 'not supported'
        : i.networkShareOfTtft >= T.networkShareOfTtft
          ? 'supported'
          : 'depends',
    rule: 'supported if availability stays at or above 99% through an access-switch failure (servers are single-homed) and the network is at least 10% of TTFT; depends (compute dominates latency) if only availability holds',
  });
  add({
    aspect: 'Topology',
    side: 'training',
    claim: 'Clos/DDC architecture supporting large-scale expansion',
    evidence: `the planner's cheapest non-blocking design for ${t.largeGpus.toLocaleString('en-US')} GPUs is a ${t.largeTiers}-tier ${t.largeTopology} (${usd(t.networkCostPerGpuUsd)} per GPU)`,
    values: { largeTiers: t.largeTiers, networkCostPerGpuUsd: t.networkCostPerGpuUsd },
    thresholds: {},
    verdict: ['leaf-spine', 'fat-tree', 'rail-optimized', 'ddc'].includes(t.largeTopology)
      ? 'supported'
      : 'not supported',
    rule: "supported if the planner's cheapest design for the large cluster is a Clos family (leaf-spine, fat-tree, rail-optimized) or DDC",
  });
  const costRatio = t.networkCostPerGpuUsd / i.networkCostPerServerUsd;
  add({
    aspect: 'Topology',
    side: 'inference',
    claim: 'Two-tier architecture for flexible deployment',
    evidence: `${i.tiers}-tier ${i.fabric} for ${i.servers} servers at ${usd(i.networkCostPerServerUsd)} per server vs ${usd(t.networkCostPerGpuUsd)} per training GPU (${costRatio.toFixed(1)}x)`,
    values: {
      tiers: i.tiers,
      networkCostPerServerUsd: i.networkCostPerServerUsd,
      trainingOverInferenceCost: costRatio,
    },
    thresholds: { tiers: 2, costRatio: T.costRatio, sloTtftMs: i.sloTtftMs },
    verdict: i.tiers <= 2 && costRatio >= T.costRatio && i.p99TtftMs <= i.sloTtftMs ? 'supported' : 'not supported',
    rule: 'supported if a two-tier fabric meets the SLO at less than half the network cost per server of the training Clos per GPU',
  });
  add(switchTraining(t));
  add({
    aspect: 'Switch recommendation',
    side: 'inference',
    claim: '32x100G and 48x25G+8x100G: low latency, high concurrency, cost-effective for inference',
    evidence: `${i.fabric}: p99 TTFT ${f1(i.p99TtftMs)} ms at ${usd(i.costPer1kRpsUsd)} per 1,000 requests/s; the same service on the training switch: ${usd(i.costPer1kRpsOnTrainingSwitchUsd)}`,
    values: { costPer1kRpsUsd: i.costPer1kRpsUsd, costPer1kRpsOnTrainingSwitchUsd: i.costPer1kRpsOnTrainingSwitchUsd },
    thresholds: { costPer1kRpsRatio: T.costPer1kRpsRatio, sloTtftMs: i.sloTtftMs },
    verdict:
      i.p99TtftMs <= i.sloTtftMs && i.costPer1kRpsUsd < T.costPer1kRpsRatio * i.costPer1kRpsOnTrainingSwitchUsd
        ? 'supported'
        : 'not supported',
    rule: 'supported if the inference fabric meets the SLO at under 75% of the network cost per 1,000 requests/s of the training switch',
  });
  if (e.converged) add(convergedRow(e.converged));
  return rows;
}

/**
 * The switch claim rests on the packet engine (PFC, ECN, DCQCN): bus bandwidth on a rail-optimized slice of the
 * switch against NCCL's model, the same slice cabled as a leaf-spine beside it, and the incast.
 */
function switchTraining(t: Evidence['training']): ClaimRow {
  const pfc = t.configuredPfc;
  const incastMs = pfc ? t.incastMsPfc : t.incastMsNoPfc;
  const timeouts = pfc ? t.incastTimeoutsPfc : t.incastTimeoutsNoPfc;
  const railOverModel = t.busbwRailGBps / t.busbwModelGBps;
  const ecmpLoss = t.busbwRailGBps > 0 ? 1 - t.busbwGBps / t.busbwRailGBps : 0;
  const ok =
    railOverModel >= T.busbwOverModel &&
    t.incastDropsConfigured === 0 &&
    timeouts === 0 &&
    incastMs <= T.incastOverIdeal * t.incastIdealMs;
  const slice = `ring all-reduce of ${Math.round(t.busbwBytes / 2 ** 20)} MiB on a ${t.busbwSliceGpus}-GPU slice of the 32x400G switch, every rail (${t.busbwEngine} engine)`;
  return {
    aspect: 'Switch recommendation',
    side: 'training',
    claim: '32x400G with RoCEv2 and PFC+ECN in a Clos prevents the network from becoming a training bottleneck',
    evidence: `${slice}: rail-optimized ${f1(t.busbwRailGBps)} GB/s, ${pct(railOverModel)} of NCCL's model on an ideal network (${f1(t.busbwModelGBps)} GB/s; the servers' NICs carry ${f1(t.serverNicsPayloadGBps)} GB/s); leaf-spine ${f1(t.busbwGBps)} GB/s, per-flow ECMP put ${Math.round(t.busiestUplinkEdges)} ring edges on its busiest uplink; 16:1 incast as configured (PFC ${pfc ? 'on' : 'off'}): ${f1(incastMs)} ms for a ${f1(t.incastIdealMs)} ms line-rate bound, ${t.incastDropsConfigured} buffer drops, ${timeouts} timeouts${ok ? `. Holds with rail-optimized cabling (per-flow ECMP on a leaf-spine loses ${pct(ecmpLoss)})` : ''}`,
    values: {
      busbwRailGBps: t.busbwRailGBps,
      busbwGBps: t.busbwGBps,
      busiestUplinkEdges: t.busiestUplinkEdges,
      ecmpLoss,
      busbwModelGBps: t.busbwModelGBps,
      serverNicsPayloadGBps: t.serverNicsPayloadGBps,
      nicPayloadGBps: t.nicPayloadGBps,
      incastMs,
      incastIdealMs: t.incastIdealMs,
      incastDropsConfigured: t.incastDropsConfigured,
      incastTimeouts: timeouts,
    },
    thresholds: { busbwOverModel: T.busbwOverModel, incastOverIdeal: T.incastOverIdeal, drops: 0, timeouts: 0 },
    verdict: ok ? 'supported' : 'not supported',
    rule: "supported if a rail-optimized slice of the switch (NIC k of every server on leaf k) reaches 90% of NCCL's model of a ring all-reduce with every rail, and the fabric as configured completes the incast within 1.25x its line-rate bound with no drop and no timeout; the leaf-spine slice's figure and its ECMP collisions are stated beside it",
  };
}
