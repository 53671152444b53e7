// The main job (issue 6): design a training and an inference fabric from the catalog, simulate both, and turn
// the seed's comparison table into measured evidence with verdicts (src/demo/claims.ts), plus the report input.
//
//   designs: training-512 (the seed's 32x400G Clos), the planner's best for 8,192 GPUs, inference-384
//   training: data-parallel job (flow engine, full size), ring all-reduce busbw sweep (analytic + flow),
//             packet slice: loss sweep with PFC on and off, and a 16:1 incast
//   inference: the conversation trace on the access/aggregation fabric (flow engine), an access-switch failure,
//              the capacity search for the SLO, and the cost of the same servers on the training switch
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../catalog/index.ts';
import { runEngine } from '../engine/index.ts';
import { capacitySearch, parseSlo } from '../engine/inference/capacity.ts';
import { runInference } from '../engine/inference/index.ts';
import { designFabric, planDesigns } from '../fabric/index.ts';
import { queuesOf, reportDesign } from '../report/from-result.ts';
import type { ClaimRow, ReportInput } from '../report/input.ts';
import type { LinkStats, RequestsResult, Result } from '../result/types.ts';
import { loadScenarioFile, parseScenario } from '../scenario/load.ts';
import type { FabricSpec, Scenario } from '../scenario/schema.ts';
import { compileTraffic } from '../workload/compile.ts';
import { loadTrace } from '../workload/inference/trace.ts';
import { claims, type Evidence } from './claims.ts';

export const SCENARIO_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

export interface DemoOptions {
  /** Smaller versions of every run (for tests): same steps, fewer GPUs and requests. */
  quick: boolean;
  seed: number;
  /** PFC on the training fabric (the seed recommends it); off shows what the claim rests on. */
  pfc: boolean;
  onStep?: (label: string, done: number, total: number) => void;
  /** Every engine result the demo makes, as it is made (the CLI checks their invariants: exit 4 on a failed one). */
  onResult?: (r: Result) => void;
}

export interface DemoResult {
  version: 1;
  options: { quick: boolean; seed: number; pfc: boolean };
  evidence: Evidence;
  claims: ClaimRow[];
  report: ReportInput;
  /** What ran, in order, with its wall time. */
  steps: { label: string; wallMs: number }[];
}

const LOSSES_FULL = [0, 1e-5, 1e-4, 1e-3];
const LOSSES_QUICK = [0, 1e-4, 1e-3];

/** Per server (gpusPerNode hosts): bytes it sent and received over its hosts' links, from per-link stats. */
function serverImbalance(links: LinkStats[], gpusPerNode: number): number {
  const tx = new Map<number, number>();
  const rx = new Map<number, number>();
  const server = (name: string) => (/^h[0-9]+$/.test(name) ? Math.floor(Number(name.slice(1)) / gpusPerNode) : -1);
  for (const l of links) {
    const [from, to] = l.link.split(' -> ').map((x) => server(x.split(':')[0]));
    if (from >= 0) tx.set(from, (tx.get(from) ?? 0) + l.bytes);
    if (to >= 0) rx.set(to, (rx.get(to) ?? 0) + l.bytes);
  }
  let worst = 0;
  for (const [h, t] of tx) {
    const r = rx.get(h) ?? 0;
    worst = Math.max(worst, Math.abs(t - r) / (t + r));
  }
  return worst;
}

/** Mean load (share of line rate) of the host links that carried bytes, over the time gradients synced. */
function syncLoad(links: LinkStats[], commPs: number): number {
  const up = links.filter((l) => /^h[0-9]+:/.test(l.link) && l.bytes > 0);
  if (up.length === 0 || commPs <= 0) return 0;
  return up.reduce((a, l) => a + (l.bytes * 8e12) / (l.rateGbps * 1e9 * commPs), 0) / up.length;
}

/** Peak-to-mean of the per-second arrival counts of a trace window replayed `speed` times faster. */
function arrivalPeakToMean(trace: string, speed: number, windowS: number): number {
  const t = loadTrace(trace);
  const bins = new Map<number, number>();
  for (const x of t.timesNs) {
    const s = x / 1e9 / speed;
    if (s > windowS) break;
    const k = Math.floor(s);
    bins.set(k, (bins.get(k) ?? 0) + 1);
  }
  const n = Math.max(1, Math.ceil(Math.min(windowS, t.timesNs[t.timesNs.length - 1] / 1e9 / speed)));
  let total = 0;
  let peak = 0;
  for (const c of bins.values()) {
    total += c;
    peak = Math.max(peak, c);
  }
  return total > 0 ? peak / (total / n) : 0;
}

export function runDemo(catalog: Catalog, opts: DemoOptions): DemoResult {
  const q = opts.quick;
  const seed = opts.seed;
  const steps: DemoResult['steps'] = [];
  const TOTAL = 9;
  const step = <T>(label: string, fn: () => T): T => {
    opts.onStep?.(label, steps.length, TOTAL);
    const t = performance.now();
    const out = fn();
    steps.push({ label, wallMs: Math.round(performance.now() - t) });
    return out;
  };
  // The DCQCN paper's configuration throughout: its ECN thresholds and its reaction point (DCQCN-01).
  const pfcNet = (pfc: boolean, loss = 0) =>
    `network: {pfc: ${pfc}, cc: dcqcn, dcqcn: {profile: paper}, loss: ${loss}, rto: 100us, ecn: {kmin: 5KB, kmax: 200KB, pmax: 0.01}}`;
  const run = (yaml: string, engine: 'analytic' | 'flow' | 'packet'): { r: Result; s: Scenario } => {
    const s = parseScenario(yaml, catalog);
    const d = designFabric(s.fabric, catalog, s.name);
    const sc = { ...s, seed };
    const r = runEngine(engine, d.fabric, compileTraffic(sc, d.fabric), sc, catalog, { seed });
    opts.onResult?.(r);
    return { r, s };
  };

  // ---- designs ------------------------------------------------------------------------------------------
  const train512 = loadScenarioFile(`${SCENARIO_DIR}training-512.yaml`, catalog);
  const inf = loadScenarioFile(`${SCENARIO_DIR}inference.yaml`, catalog);
  const large = loadScenarioFile(`${SCENARIO_DIR}training-8192.yaml`, catalog);
  const { d512, dLarge, dInf, largeSpec } = step('design the training and inference fabrics', () => {
    const plan = planDesigns(large.fabric, catalog);
    const best = plan.feasible[0];
    if (!best) throw new Error('the planner found no design for the large training cluster');
    const spec: FabricSpec = {
      ...large.fabric,
      topology: best.topology,
      switch: best.switch,
      spineSwitch: best.spineSwitch,
    };
    return {
      d512: designFabric(train512.fabric, catalog, 'training-512'),
      dLarge: designFabric(spec, catalog, 'training-8192'),
      dInf: designFabric(inf.fabric, catalog, 'inference-384'),
      largeSpec: spec,
    };
  });

  // ---- training: a data-parallel job at full size (flow engine) ------------------------------------------
  const gpus = q ? 64 : 512;
  const trainFabric = `fabric: {topology: leaf-spine, hosts: ${gpus}, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}`;
  const job = step(`data-parallel iteration on ${gpus} GPUs (flow engine)`, () =>
    run(
      `${trainFabric}\n${pfcNet(opts.pfc)}\ntraffic: [{job: {params: 7e9, bytesPerGrad: 2, dp: ${gpus}, stepCompute: 600ms, buckets: 8, iterations: 2}}]\n`,
      'flow',
    ),
  );
  const it1 = job.r.iterations?.[1] ?? job.r.iterations?.[0];
  if (!it1) throw new Error('the training job reported no iteration');
  const commTotal = (job.r.iterations ?? []).reduce((a, x) => a + x.commPs, 0);

  // ---- training: bus bandwidth versus size (analytic curve, flow points) --------------------------------
  const sizes = q
    ? [1, 4, 16, 64, 256].map((m) => m * 2 ** 20)
    : [1, 4, 16, 64, 256, 1024, 4096].map((m) => m * 2 ** 20);
  const busbw = step(
    `ring all-reduce bus bandwidth versus size${q ? '' : ', and 1 GiB on the 8,192-GPU design'}`,
    () => {
      const curve = (engine: 'analytic' | 'flow', list: number[]) =>
        list.map((bytes) => {
          const r = run(
            `${trainFabric}\ntraffic: [{collective: all-reduce, algorithm: ring, bytes: ${bytes}}]\n`,
            engine,
          ).r;
          return { bytes, busbwGBps: r.ops?.[0]?.busbwGBps ?? 0 };
        });
      const large = q
        ? []
        : [
            {
              // The analytic engine: with every rail in use (channels: auto, 8 rings of 8,192 ranks) the flow
              // engine needs about 5 minutes for this point; the 512-GPU flow points above check the closed form.
              label: `analytic, ${largeSpec.hosts.toLocaleString('en-US')} GPUs (${largeSpec.switch})`,
              points: [1024 * 2 ** 20].map((bytes) => {
                const f = `fabric: {topology: ${largeSpec.topology}, hosts: ${largeSpec.hosts}, nic: 400G, switch: ${largeSpec.switch}, spineSwitch: ${largeSpec.spineSwitch}, gpusPerNode: ${largeSpec.gpusPerNode}}`;
                const r = run(
                  `${f}\ntraffic: [{collective: all-reduce, algorithm: ring, bytes: ${bytes}}]\n`,
                  'analytic',
                ).r;
                return { bytes, busbwGBps: r.ops?.[0]?.busbwGBps ?? 0 };
              }),
            },
          ];
      return [
        { label: `analytic, ${gpus} GPUs`, points: curve('analytic', sizes) },
        {
          label: `flow, ${gpus} GPUs`,
          points: curve('flow', q ? [sizes[0], sizes[sizes.length - 1]] : [sizes[0], sizes[3], sizes[5]]),
        },
        ...large,
      ];
    },
  );
  const flowCurve = busbw[1].points;
  const nicPayloadGBps = (400e9 / 8 / 1e9) * (4096 / (4096 + 62 + 20));

  // ---- training: packet slice, loss sweep with PFC on and off --------------------------------------------
  const slice = q ? 16 : 32;
  const losses = q ? LOSSES_QUICK : LOSSES_FULL;
  const sliceFabric = `fabric: {topology: leaf-spine, hosts: ${slice}, nic: 400G, switch: aurcore-32x400g}`;
  let sliceRun: Result | null = null; // the lossless run of the configured fabric, for its queues
  const lossSweep = step(`loss sweep on a ${slice}-GPU slice, PFC on and off (packet engine)`, () =>
    [true, false].map((pfc) => ({
      label: `PFC ${pfc ? 'on' : 'off'}`,
      pfc,
      points: losses.map((loss) => {
        const r = run(
          `${sliceFabric}\n${pfcNet(pfc, loss)}\ntraffic: [{job: {params: ${q ? 2e6 : 4e6}, bytesPerGrad: 4, dp: ${slice}, stepCompute: 1ms, buckets: 1}}]\n`,
          'packet',
        ).r;
        if (loss === 0 && pfc === opts.pfc) sliceRun = r;
        return { loss, iterationMs: (r.iterations?.[0]?.timePs ?? 0) / 1e9 };
      }),
    })),
  );
  const slow = (pfc: boolean) => {
    const s = lossSweep.find((x) => x.pfc === pfc)?.points ?? [];
    const base = s.find((p) => p.loss === 0)?.iterationMs ?? 1;
    return (s.find((p) => p.loss === 1e-3)?.iterationMs ?? base) / base;
  };

  // ---- training: incast on the slice, PFC on and off ------------------------------------------------------
  // 16 senders on both leaves of a 32-GPU slice into h0: 128 MB, twice the 64 MB buffer of the receiver's leaf.
  const senders = [
    ...Array.from({ length: 8 }, (_, i) => `h${i + 1}`),
    ...Array.from({ length: 8 }, (_, i) => `h${i + 17}`),
  ];
  const incastFabric = 'fabric: {topology: leaf-spine, hosts: 32, nic: 400G, switch: aurcore-32x400g}';
  const incast = step(`${senders.length}:1 incast on a 32-GPU slice, PFC on and off (packet engine)`, () =>
    [true, false].map((pfc) => {
      const r = run(
        `${incastFabric}\n${pfcNet(pfc)}\ntraffic: [{pattern: incast, senders: [${senders.join(', ')}], receiver: h0, bytes: 8MB}]\n`,
        'packet',
      ).r;
      return { pfc, r };
    }),
  );
  const inc = (pfc: boolean) => incast.find((x) => x.pfc === pfc)?.r as Result;
  const incastMs = (r: Result) => Math.max(...r.flows.map((f) => f.endPs)) / 1e9;
  const configured = inc(opts.pfc);

  // ---- inference: the conversation trace on the access/aggregation fabric -------------------------------
  const windowS = q ? 600 : 3600;
  const infSpec = inf.traffic?.[0];
  if (!infSpec || !('inference' in infSpec)) throw new Error('scenarios/inference.yaml has no inference item');
  const infYaml = (extra: string, traffic: string) => `
fabric: {topology: access-aggregation, hosts: ${inf.fabric.hosts}, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
${extra}
traffic:
  - inference:
      arrivals: {trace: conv, speed: 16, duration: ${windowS}s}
      replicas: 128
      slo: {ttft: 500ms, tpot: 50ms}
${traffic}`;
  const runInf = (yaml: string, engine: 'analytic' | 'flow' = 'flow') => {
    const s = parseScenario(yaml, catalog);
    const d = designFabric(s.fabric, catalog);
    const r = runInference(engine, d.fabric, { ...s, seed }, catalog, { seed });
    opts.onResult?.(r);
    return r;
  };
  const infRun = step(`conversation trace, ${windowS / 60} min at 16x, on 128 replicas (flow engine)`, () =>
    runInf(infYaml('', '')),
  );
  const rq = infRun.requests?.[0] as RequestsResult;
  const failAt = Math.round(windowS / 16 / 3);
  const failRun = step('the same with an access switch failing (flow engine)', () =>
    runInf(infYaml(`network: {failures: [{switch: access0, at: ${failAt}s}]}`, '      retries: 2\n')),
  );
  const fq = failRun.requests?.[0] as RequestsResult;
  const fault = fq.faults.find((f) => f.target === 'switch access0');

  // ---- inference: capacity for the SLO, and cost on the training switch -----------------------------------
  const cap = step('capacity search: fewest replicas for p99 TTFT 500 ms and p99 TPOT 50 ms', () => {
    const s = parseScenario(infYaml('', '').replace(`duration: ${windowS}s`, `duration: ${q ? 300 : 900}s`), catalog);
    return capacitySearch({ ...s, seed }, catalog, parseSlo(['p99-ttft=500ms,p99-tpot=50ms']), 'flow', {
      maxReplicas: 128,
      maxDesigns: 3,
    });
  });
  const onTraining = step('the same servers on the training switch (a 32x400G leaf-spine)', () =>
    designFabric(
      { ...train512.fabric, hosts: Math.max(cap.replicas, 2), gpusPerNode: 1, oversubscription: 1 },
      catalog,
      'inference on the training switch',
    ),
  );

  // ---- evidence and claims -------------------------------------------------------------------------------
  const infGpusPerServer = 8;
  const evidence: Evidence = {
    training: {
      gpus,
      iterationMs: it1.timePs / 1e9,
      computeMs: it1.computePs / 1e9,
      exposedCommMs: it1.exposedCommPs / 1e9,
      commMs: it1.commPs / 1e9,
      eastWestShare: job.r.traffic?.eastWestShare ?? 0,
      peakToMeanLoad: commTotal > 0 ? job.r.simulatedPs / commTotal : 0,
      txRxImbalance: serverImbalance(job.r.links ?? [], 8),
      syncLoad: syncLoad(job.r.links ?? [], commTotal),
      busbwGBps: flowCurve[flowCurve.length - 1].busbwGBps,
      nicPayloadGBps,
      lossSlowdownPfc: slow(true),
      lossSlowdownNoPfc: slow(false),
      incastDropsPfc: inc(true).counters.bufferDrops,
      incastDropsNoPfc: inc(false).counters.bufferDrops,
      incastMsPfc: incastMs(inc(true)),
      incastMsNoPfc: incastMs(inc(false)),
      configuredPfc: opts.pfc,
      incastDropsConfigured: configured.counters.bufferDrops,
      largeGpus: large.fabric.hosts,
      largeTopology: dLarge.blueprint.topology,
      largeTiers: dLarge.blueprint.tiers,
      networkCostPerGpuUsd: dLarge.bom.totals.costPerHostUsd,
      bisectionPerGpuGbps: dLarge.metrics.bisectionBps / 1e9 / large.fabric.hosts,
    },
    inference: {
      fabric: 'access/aggregation of aurcore-48x25g-8x100g under aurcore-32x100g',
      tiers: dInf.blueprint.tiers,
      servers: inf.fabric.hosts,
      replicas: rq.replicas,
      requests: rq.count,
      ratePerS: rq.arrivalRatePerS,
      northSouthShare: 1 - (infRun.traffic?.eastWestShare ?? 0),
      arrivalPeakToMean: arrivalPeakToMean('conv', 16, windowS / 16),
      requestToResponseBytes: (600 + rq.meanInputTokens * 4) / (600 + rq.meanOutputTokens * (80 + 4)),
      p99TtftMs: rq.ttftMs.p99,
      p99TpotMs: rq.tpotMs.p99,
      p99LatencyMs: rq.latencyMs.p99,
      jitterMs: rq.tokenGapMs.jitter,
      networkShareOfTtft: rq.ttftMs.mean > 0 ? rq.networkMs.mean / rq.ttftMs.mean : 0,
      meanInSystem: rq.meanInSystem,
      sloTtftMs: 500,
      sloTpotMs: 50,
      availabilityDuringFailure: fault?.availability ?? fq.availability,
      replicasForSlo: cap.replicas,
      gpusForSlo: cap.replicas * infGpusPerServer,
      networkCostPerServerUsd: dInf.bom.totals.costPerHostUsd,
      bisectionPerServerGbps: dInf.metrics.bisectionBps / 1e9 / inf.fabric.hosts,
      costPer1kRpsUsd: cap.costPer1kRpsUsd,
      costPer1kRpsOnTrainingSwitchUsd: onTraining.bom.totals.costUsd / (cap.throughputPerS / 1000),
    },
  };
  const rows = claims(evidence);

  // ---- the report --------------------------------------------------------------------------------------
  const byTier = (r: Result, label: string) => ({ label, links: r.links ?? [] });
  const report: ReportInput = {
    title: 'AI training versus inference networks, measured',
    subtitle: `aifabric demo${q ? ' --quick' : ''}, seed ${seed}, PFC ${opts.pfc ? 'on' : 'off'} on the training fabric`,
    notes: [
      `Training: a ${gpus}-GPU data-parallel job (7B parameters, bf16 gradients, 8 buckets, 600 ms compute) on a non-blocking leaf-spine of aurcore-32x400g (flow engine); a ${slice}-GPU slice on the packet engine for loss and incast.`,
      `Inference: the public Azure LLM conversation trace (2023, CC BY 4.0), ${windowS / 60} minutes replayed 16x faster onto 128 LLM replicas on ${inf.fabric.hosts} servers; SLO p99 TTFT 500 ms, p99 TPOT 50 ms.`,
      ...(q ? ['Quick mode: smaller versions of every run (the numbers differ from the full demo).'] : []),
    ],
    claims: rows,
    designs: [
      reportDesign("training-512: the seed's 32x400G Clos", d512, catalog),
      reportDesign(`training-8192: the planner's choice (${largeSpec.topology}, ${largeSpec.switch})`, dLarge, catalog),
      reportDesign('inference-384: 48x25G+8x100G access, 32x100G aggregation', dInf, catalog),
    ],
    busbw,
    lossSweep,
    queues: [
      ...(sliceRun
        ? [
            queuesOf(
              sliceRun,
              `gradient all-reduce of the ${slice}-GPU slice (ring, lossless run), PFC ${opts.pfc ? 'on' : 'off'}`,
            ),
          ]
        : []),
      queuesOf(configured, `${senders.length}:1 incast on a 32-GPU slice, PFC ${opts.pfc ? 'on' : 'off'}`),
    ],
    inference: [
      { label: 'conversation trace', requests: rq },
      { label: 'with an access switch failure', requests: fq },
    ],
    links: [byTier(job.r, `training: ${gpus}-GPU data-parallel job`), byTier(infRun, 'inference: conversation trace')],
  };
  return { version: 1, options: { quick: q, seed, pfc: opts.pfc }, evidence, claims: rows, report, steps };
}
