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
    /** Share of the training job's bytes between hosts (east-west). */
    eastWestShare: number;
    /** Host link load (share of line rate) while gradients sync, and its mean over the run. */
    syncLoad: number;
    peakToMeanLoad: number;
    /** Largest |sent - received| / (sent + received) over the hosts' links (a ring sends what it receives). */
    txRxImbalance: number;
    /** Ring all-reduce bus bandwidth on the Clos at the largest swept size, and the NIC's payload rate, GB/s. */
    busbwGBps: number;
    nicPayloadGBps: number;
    /** Iteration time of the packet slice at 0.1% random loss over the lossless baseline, PFC on and off. */
    lossSlowdownPfc: number;
    lossSlowdownNoPfc: number;
    /** Incast on the packet slice: buffer drops and completion time with PFC on and off. */
    incastDropsPfc: number;
    incastDropsNoPfc: number;
    incastMsPfc: number;
    incastMsNoPfc: number;
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
    /** The fewest replicas meeting the SLO (capacity search), and their GPUs. */
    replicasForSlo: number;
    gpusForSlo: number;
    networkCostPerServerUsd: number;
    bisectionPerServerGbps: number;
    costPer1kRpsUsd: number;
    /** The same service on the training switch (a leaf-spine of it): network cost per 1,000 requests/s. */
    costPer1kRpsOnTrainingSwitchUsd: number;
  };
}

const pct = (x: number) => `${(x * 100).toFixed(x >= 0.995 && x < 1 ? 2 : 1)}%`;
const f1 = (x: number) => x.toFixed(1);
const usd = (x: number) => `$${Math.round(x).toLocaleString('en-US')}`;

/** Every claim with its rule. `decide` returns the verdict (and for `depends`, the condition in the evidence). */
export function claims(e: Evidence): ClaimRow[] {
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
    verdict: t.commMs / t.iterationMs >= 0.2 ? 'supported' : 'not supported',
    rule: 'supported if gradient synchronization runs for at least 20% of every iteration (the network is on the critical path of the objective)',
  });
  add({
    aspect: 'Core objective',
    side: 'inference',
    claim: 'Quickly output prediction results to ensure user experience',
    evidence: `p99 TTFT ${f1(i.p99TtftMs)} ms (SLO ${i.sloTtftMs} ms), p99 TPOT ${f1(i.p99TpotMs)} ms (SLO ${i.sloTpotMs} ms) at ${f1(i.ratePerS)} requests/s`,
    values: { p99TtftMs: i.p99TtftMs, p99TpotMs: i.p99TpotMs },
    verdict: i.p99TtftMs <= i.sloTtftMs && i.p99TpotMs <= i.sloTpotMs ? 'supported' : 'not supported',
    rule: 'supported if p99 TTFT and p99 TPOT meet the SLO at the trace load',
  });
  add({
    aspect: 'Computation process',
    side: 'training',
    claim: 'Forward + backward propagation; bidirectional interaction',
    evidence: `the backward pass feeds a gradient exchange every iteration: each server sends what it receives (largest imbalance ${pct(t.txRxImbalance)})`,
    values: { txRxImbalance: t.txRxImbalance, commMs: t.commMs },
    verdict: t.txRxImbalance < 0.01 ? 'supported' : 'depends',
    rule: "supported if every server's links carry the same bytes both ways within 1% (an exchange, not a one-way output)",
  });
  add({
    aspect: 'Computation process',
    side: 'inference',
    claim: 'Forward propagation only; unidirectional output',
    evidence: `one request, one streamed response: request / response bytes = ${i.requestToResponseBytes.toFixed(2)}`,
    values: { requestToResponseBytes: i.requestToResponseBytes },
    verdict: i.requestToResponseBytes < 0.5 || i.requestToResponseBytes > 2 ? 'supported' : 'depends',
    rule: 'supported if one direction carries at least twice the bytes of the other (a one-way pipeline, not an exchange)',
  });
  const share = i.gpusForSlo / t.largeGpus;
  add({
    aspect: 'Resource requirements',
    side: 'training',
    claim: 'Large-scale GPU clusters with high memory and compute',
    evidence: `${t.largeGpus.toLocaleString('en-US')} GPUs need a ${t.largeTiers}-tier ${t.largeTopology}; ${f1(t.bisectionPerGpuGbps)} Gb/s of bisection per GPU vs ${f1(i.bisectionPerServerGbps)} Gb/s per inference server`,
    values: { bisectionPerGpuGbps: t.bisectionPerGpuGbps, bisectionPerServerGbps: i.bisectionPerServerGbps },
    verdict: t.bisectionPerGpuGbps >= 4 * i.bisectionPerServerGbps ? 'supported' : 'not supported',
    rule: 'supported if the training fabric gives each GPU at least 4x the bisection bandwidth the inference fabric gives a server',
  });
  add({
    aspect: 'Resource requirements',
    side: 'inference',
    claim: 'Single GPU or small-scale cluster; moderate resource requirements',
    evidence: `${i.replicasForSlo} replicas (${i.gpusForSlo} GPUs) meet the SLO at ${f1(i.ratePerS)} requests/s: ${pct(share)} of the ${t.largeGpus.toLocaleString('en-US')}-GPU training cluster`,
    values: { replicasForSlo: i.replicasForSlo, gpusForSlo: i.gpusForSlo, shareOfTrainingGpus: share },
    verdict: share <= 0.1 ? 'supported' : 'depends',
    rule: 'supported if the service meets its SLO with at most 10% of the training cluster GPUs (else it depends on the load)',
  });
  add({
    aspect: 'Traffic characteristics',
    side: 'training',
    claim: 'Primarily east-west; high bandwidth, high concurrency, strong bursts',
    evidence: `east-west ${pct(t.eastWestShare)} of bytes; host links at ${pct(t.syncLoad)} of line rate while gradients sync, ${t.peakToMeanLoad.toFixed(2)}x their mean over the iteration`,
    values: { eastWestShare: t.eastWestShare, syncLoad: t.syncLoad, peakToMeanLoad: t.peakToMeanLoad },
    verdict:
      t.eastWestShare <= 0.9
        ? 'not supported'
        : t.syncLoad >= 0.8 && t.peakToMeanLoad >= 1.25
          ? 'supported'
          : 'depends',
    rule: 'supported if east-west bytes exceed 90% and host links run at 80% of line rate or more while syncing, at least 1.25x their mean (on/off bursts); depends if only the first holds',
  });
  add({
    aspect: 'Traffic characteristics',
    side: 'inference',
    claim: 'Primarily north-south; stable traffic, high demand for low latency',
    evidence: `north-south ${pct(i.northSouthShare)} of bytes; per-second arrivals peak at ${f1(i.arrivalPeakToMean)}x their mean`,
    values: { northSouthShare: i.northSouthShare, arrivalPeakToMean: i.arrivalPeakToMean },
    verdict: i.northSouthShare <= 0.9 ? 'not supported' : i.arrivalPeakToMean < 2 ? 'supported' : 'depends',
    rule: 'supported if north-south bytes exceed 90% and the per-second arrival peak stays under 2x the mean; depends (bursty) if only the first holds',
  });
  add({
    aspect: 'Network demands',
    side: 'training',
    claim: 'High bandwidth, low latency, lossless transmission, high scalability',
    evidence: `0.1% random loss slows an iteration by ${pct(t.lossSlowdownNoPfc - 1)} (PFC off) / ${pct(t.lossSlowdownPfc - 1)} (PFC on); a 16:1 incast drops ${t.incastDropsNoPfc} packets without PFC (${f1(t.incastMsNoPfc)} ms) and ${t.incastDropsPfc} with it (${f1(t.incastMsPfc)} ms)`,
    values: {
      lossSlowdownNoPfc: t.lossSlowdownNoPfc,
      lossSlowdownPfc: t.lossSlowdownPfc,
      incastDropsNoPfc: t.incastDropsNoPfc,
      incastDropsPfc: t.incastDropsPfc,
    },
    verdict: t.lossSlowdownNoPfc >= 1.05 && t.incastDropsPfc === 0 && t.incastDropsNoPfc > 0 ? 'supported' : 'depends',
    rule: 'supported if 0.1% loss slows an iteration by at least 5% and PFC turns the incast drops to zero (lossless matters and PFC delivers it)',
  });
  add({
    aspect: 'Network demands',
    side: 'inference',
    claim: 'Low latency, high concurrency, high availability, low cost',
    evidence: `network ${pct(i.networkShareOfTtft)} of TTFT; ${f1(i.meanInSystem)} requests in flight on average; availability ${pct(i.availabilityDuringFailure)} while an access switch was down; ${usd(i.costPer1kRpsUsd)} of network per 1,000 requests/s`,
    values: {
      networkShareOfTtft: i.networkShareOfTtft,
      meanInSystem: i.meanInSystem,
      availabilityDuringFailure: i.availabilityDuringFailure,
      costPer1kRpsUsd: i.costPer1kRpsUsd,
    },
    verdict:
      i.availabilityDuringFailure < 0.99 ? 'not supported' : i.networkShareOfTtft >= 0.1 ? 'supported' : 'depends',
    rule: 'supported if availability stays at or above 99% through an access-switch failure (servers are single-homed) and the network is at least 10% of TTFT; depends (compute dominates latency) if only availability holds',
  });
  add({
    aspect: 'Topology',
    side: 'training',
    claim: 'Clos/DDC architecture supporting large-scale expansion',
    evidence: `the planner's cheapest non-blocking design for ${t.largeGpus.toLocaleString('en-US')} GPUs is a ${t.largeTiers}-tier ${t.largeTopology} (${usd(t.networkCostPerGpuUsd)} per GPU)`,
    values: { largeTiers: t.largeTiers, networkCostPerGpuUsd: t.networkCostPerGpuUsd },
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
    verdict: i.tiers <= 2 && costRatio >= 2 && i.p99TtftMs <= i.sloTtftMs ? 'supported' : 'not supported',
    rule: 'supported if a two-tier fabric meets the SLO at less than half the network cost per server of the training Clos per GPU',
  });
  add({
    aspect: 'Switch recommendation',
    side: 'training',
    claim: '32x400G with RoCEv2 and PFC+ECN in a Clos prevents the network from becoming a training bottleneck',
    evidence: `ring all-reduce bus bandwidth ${f1(t.busbwGBps)} GB/s on the 32x400G Clos, ${pct(t.busbwGBps / t.nicPayloadGBps)} of the NIC's ${f1(t.nicPayloadGBps)} GB/s payload rate; ${t.incastDropsConfigured} buffer drops under incast as configured (PFC ${t.configuredPfc ? 'on' : 'off'})`,
    values: {
      busbwGBps: t.busbwGBps,
      nicPayloadGBps: t.nicPayloadGBps,
      incastDropsConfigured: t.incastDropsConfigured,
    },
    verdict: t.busbwGBps >= 0.9 * t.nicPayloadGBps && t.incastDropsConfigured === 0 ? 'supported' : 'not supported',
    rule: 'supported if bus bandwidth reaches 90% of the NIC payload rate and the fabric as configured drops no packet under incast',
  });
  add({
    aspect: 'Switch recommendation',
    side: 'inference',
    claim: '32x100G and 48x25G+8x100G: low latency, high concurrency, cost-effective for inference',
    evidence: `${i.fabric}: p99 TTFT ${f1(i.p99TtftMs)} ms at ${usd(i.costPer1kRpsUsd)} per 1,000 requests/s; the same service on the training switch: ${usd(i.costPer1kRpsOnTrainingSwitchUsd)}`,
    values: { costPer1kRpsUsd: i.costPer1kRpsUsd, costPer1kRpsOnTrainingSwitchUsd: i.costPer1kRpsOnTrainingSwitchUsd },
    verdict:
      i.p99TtftMs <= i.sloTtftMs && i.costPer1kRpsUsd < 0.75 * i.costPer1kRpsOnTrainingSwitchUsd
        ? 'supported'
        : 'not supported',
    rule: 'supported if the inference fabric meets the SLO at under 75% of the network cost per 1,000 requests/s of the training switch',
  });
  return rows;
}
