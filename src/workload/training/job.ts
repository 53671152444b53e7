// A training job compiled to a traffic program: per iteration, micro-batches of forward and backward compute
// on every GPU, the tensor-parallel all-reduces and MoE all-to-alls of each layer, pipeline sends between
// stages, and the data-parallel gradient all-reduce in buckets that start as soon as the backward pass has
// produced them (docs/architecture.md, "Folders").
//
//   rank r = t + tp (d + dp s)          t: TP index (innermost: inside a server), d: DP index, s: PP stage
//   iteration: for each micro-batch m, in GPipe order (every forward, then every backward, stage by stage) or
//   1F1B (warm-up forwards, then one forward one backward per stage; `schedule`)
//     forward  on stage s: [compute f/K, TP all-reduce x2, MoE all-to-all x2] per chunk, then send to s+1
//     backward on stage s: the same, layers in reverse, then send to s-1
//     last micro-batch's backward: gradient bucket b is all-reduced over its DP group after chunk (b+1)K/B - 1
//   next iteration: after this one's gradient all-reduces (rank-locally)
// TRAIN-01's iteration model T = T_compute + max(0, T_allreduce - T_overlap) is what this produces with one
// bucket (no overlap) and with many (overlap with the rest of the backward pass).

import { createRandom } from '../../base/random.ts';
import { ScenarioError } from '../../errors.ts';
import type { Fabric, NodeId } from '../../fabric/types.ts';
import type { Scenario } from '../../scenario/schema.ts';
import type { ProgramBuilder } from '../builder.ts';
import { classQueue } from '../classes.ts';
import type { CollectiveOp } from '../collective.ts';
import { type CollectiveSpec, compileCollective } from './collectives.ts';
import { intraDomain, placeRanks } from './placement.ts';
import { type SharpCapable, sharpTree } from './sharp.ts';

type TrafficItem = NonNullable<Scenario['traffic']>[number];
export type JobItem = Extract<TrafficItem, { job: unknown }>;
export type CollectiveItem = Extract<TrafficItem, { collective: unknown }>;

/** The fabric's NVLink-class domain (fabric/nvlink.ts), or none with one GPU per domain. */
export function intraOf(f: Fabric): CollectiveSpec['intra'] {
  return intraDomain(f, { bandwidthBps: f.nvlink.bandwidthBps, latencyPs: f.nvlink.latencyPs });
}

/** A GPU's NIC line rate (bits/s): the first host's link (the generators give every host the same NIC). */
export function nicBpsOf(f: Fabric): number {
  const h = f.hosts[0];
  return h === undefined || f.adjStart[h] === f.adjStart[h + 1] ? 400e9 : f.links[f.adjLinks[f.adjStart[h]]].rateBps;
}

/** `algorithm: sharp`'s aggregation tree over a rank list, on this fabric's switches (sharp.ts). */
export function sharpOf(f: Fabric, capable: SharpCapable | undefined): CollectiveSpec['sharp'] {
  return capable ? (ranks, path) => sharpTree(f, ranks, capable, path) : undefined;
}

/** A `collective` traffic item: one op over `ranks` hosts placed on the fabric. */
export function compileCollectiveItem(
  b: ProgramBuilder,
  s: Scenario,
  f: Fabric,
  t: CollectiveItem,
  item: number,
  capable?: SharpCapable,
) {
  const path = `traffic[${item}]`;
  const count = t.ranks ?? f.hosts.length;
  if (count > f.hosts.length)
    throw new ScenarioError([
      {
        path: `${path}.ranks`,
        message: `${count} ranks do not fit on ${f.hosts.length} hosts; use at most ${f.hosts.length} or a bigger fabric`,
      },
    ]);
  const ranks = placeRanks(f, count, t.placement, createRandom(s.seed, 'placement', item), `${path}.ranks`);
  compileCollective(
    b,
    {
      op: t.collective,
      algorithm: t.algorithm,
      protocol: t.protocol,
      nicBps: nicBpsOf(f),
      ranks,
      bytes: t.bytes,
      channels: t.channels,
      chunkBytes: t.chunk,
      intra: intraOf(f),
      sharp: sharpOf(f, capable),
    },
    {
      item,
      cls: classQueue(s, t.class, `traffic[${item}].class`),
      startPs: t.start ?? 0,
      deps: [],
      iteration: -1,
      path,
    },
  );
}

/** Compute time of one iteration per GPU (ps): given, or FLOPs / (peak x MFU). */
export function stepComputePs(j: JobItem['job'], path: string): number {
  if (j.stepCompute !== undefined) return j.stepCompute;
  if (j.flopsPerStep !== undefined && j.gpuFlops !== undefined)
    return Math.round((j.flopsPerStep / (j.gpuFlops * j.mfu)) * 1e12);
  throw new ScenarioError([
    {
      path: `${path}.stepCompute`,
      message: 'a job needs its compute time: stepCompute (e.g. 350ms), or flopsPerStep with gpuFlops (and mfu)',
    },
  ]);
}

/** A `job` traffic item. */
export function compileJob(
  b: ProgramBuilder,
  s: Scenario,
  f: Fabric,
  t: JobItem,
  item: number,
  capable?: SharpCapable,
): void {
  const j = t.job;
  const path = `traffic[${item}].job`;
  const world = j.dp * j.tp * j.pp;
  if (world > f.hosts.length)
    throw new ScenarioError([
      {
        path,
        message: `dp x tp x pp = ${j.dp} x ${j.tp} x ${j.pp} = ${world} GPUs do not fit on ${f.hosts.length} hosts; lower a degree or use a bigger fabric`,
      },
    ]);
  if (j.dp % j.ep !== 0)
    throw new ScenarioError([
      {
        path: `${path}.ep`,
        message: `ep = ${j.ep} must divide dp = ${j.dp} (experts are sharded across data-parallel ranks)`,
      },
    ]);
  if (j.ep > 1 && j.moeBytesPerLayer === undefined)
    throw new ScenarioError([
      {
        path: `${path}.moeBytesPerLayer`,
        message: 'an expert-parallel job (ep > 1) needs moeBytesPerLayer, e.g. 64MiB',
      },
    ]);
  if (j.expertParams > j.params)
    throw new ScenarioError([
      {
        path: `${path}.expertParams`,
        message: `expertParams = ${j.expertParams} is more than params = ${j.params}; the experts are part of the model's parameters`,
      },
    ]);
  if (j.pp > 1 && j.ppBytes === undefined)
    throw new ScenarioError([
      { path: `${path}.ppBytes`, message: 'a pipeline-parallel job (pp > 1) needs ppBytes, e.g. 32MiB' },
    ]);
  const C = stepComputePs(j, path);
  const ranks = placeRanks(f, world, t.placement, createRandom(s.seed, 'placement', item), path);
  const rankOf = (tt: number, d: number, st: number) => ranks[tt + j.tp * (d + j.dp * st)];
  const stage = (st: number) => {
    const out: NodeId[] = [];
    for (let d = 0; d < j.dp; d++) for (let tt = 0; tt < j.tp; tt++) out.push(rankOf(tt, d, st));
    return out;
  };
  const tpGroups = (st: number) => {
    const g: NodeId[][] = [];
    for (let d = 0; d < j.dp; d++) g.push(Array.from({ length: j.tp }, (_, tt) => rankOf(tt, d, st)));
    return g;
  };
  const epGroups = (st: number) => {
    const g: NodeId[][] = [];
    for (let tt = 0; tt < j.tp; tt++)
      for (let d0 = 0; d0 < j.dp; d0 += j.ep) g.push(Array.from({ length: j.ep }, (_, k) => rankOf(tt, d0 + k, st)));
    return g;
  };
  const dpGroups = (st: number) => {
    const g: NodeId[][] = [];
    for (let tt = 0; tt < j.tp; tt++) g.push(Array.from({ length: j.dp }, (_, d) => rankOf(tt, d, st)));
    return g;
  };
  // The ranks holding the same experts: position k of every EP group (d = k, k + ep, ...).
  const expertDpGroups = (st: number) => {
    const g: NodeId[][] = [];
    for (let tt = 0; tt < j.tp; tt++)
      for (let k = 0; k < j.ep; k++)
        g.push(Array.from({ length: j.dp / j.ep }, (_, m) => rankOf(tt, k + j.ep * m, st)));
    return g;
  };
  const intra = intraOf(f);
  const nicBps = nicBpsOf(f);
  const sharp = sharpOf(f, capable);
  const cls = classQueue(s, t.class, `traffic[${item}].class`);
  const M = j.microBatches;
  const L = j.layers;
  const perLayer = (j.tp > 1 && j.tpBytesPerLayer !== undefined) || j.ep > 1;
  const fwdChunks = perLayer ? L : 1;
  const bwdChunks = perLayer ? Math.max(L, j.buckets) : j.buckets;
  const fwdPs = (C * (1 - j.backwardShare)) / j.pp / M;
  const bwdPs = (C * j.backwardShare) / j.pp / M;
  // Each rank holds 1/(tp pp) of the dense parameters, all-reduced over its DP group in buckets, and 1/(tp pp ep)
  // of the experts' (Megatron's expert-data-parallel group), all-reduced over the dp/ep ranks holding the same
  // experts: a bucket is its share of both, on one stream.
  const gradBytes = ((j.params - j.expertParams) * j.bytesPerGrad) / (j.tp * j.pp);
  const bucketBytes = Math.ceil(gradBytes / j.buckets);
  const expertBucketBytes =
    j.dp / j.ep > 1 ? Math.ceil((j.expertParams * j.bytesPerGrad) / (j.tp * j.pp * j.ep) / j.buckets) : 0;

  const coll = (
    op: CollectiveOp,
    algorithm: string,
    groups: NodeId[][],
    bytes: number,
    deps: number[],
    iteration: number,
    label: string,
  ): number[] => {
    // A group waits only for the dep ops that hold its ranks: thousands of groups each depending on thousands of
    // ops would be quadratic. Deps are rank-local anyway (builder.ts), so this changes no order.
    let byHost: Map<number, number[]> | null = null;
    if (deps.length > 8) {
      byHost = new Map();
      for (const a of deps)
        for (const h of b.ops[a].ranks) {
          const l = byHost.get(h);
          if (l) l.push(a);
          else byHost.set(h, [a]);
        }
    }
    const depsOf = (g: NodeId[]): number[] => {
      if (!byHost) return deps;
      const out = new Set<number>();
      for (const h of g) for (const a of byHost.get(h) ?? []) out.add(a);
      // Ranks no dep op holds wait (by look-through) for everything, as before.
      if (g.some((h) => !byHost?.has(h))) return deps;
      return [...out].sort((x, y) => x - y);
    };
    return groups.map((g) =>
      compileCollective(
        b,
        { op, algorithm, ranks: g, bytes, channels: j.channels, protocol: j.protocol, nicBps, intra, sharp },
        { item, cls, startPs: t.start ?? 0, deps: depsOf(g), iteration, label, path },
      ),
    );
  };

  let prev: number[] = []; // ops the next phase of every rank waits for (rank-locally)
  for (let it = 0; it < j.iterations; it++) {
    const iterStart = prev;
    // Per stage, the op ids the stage's next step waits for.
    const stageTail: number[][] = Array.from({ length: j.pp }, () => [...iterStart]);
    const sendOps: number[][] = Array.from({ length: j.pp }, () => []); // activations received by stage s (per m)
    const grads: number[] = [];
    const gradTail: number[][] = Array.from({ length: j.pp }, () => []);
    const chunkOps = (
      st: number,
      m: number,
      dir: 'forward' | 'backward',
      chunks: number,
      chunkPs: number,
      deps: number[],
      last: boolean,
    ): number[] => {
      let tail = deps;
      for (let k = 0; k < chunks; k++) {
        const c = b.delayOp({
          ranks: stage(st),
          durationPs: Math.round(chunkPs / chunks),
          deps: tail,
          item,
          iteration: it,
          label: `${dir} mb${m} s${st} part ${k + 1}/${chunks}`,
          startPs: t.start ?? 0,
        });
        tail = [c];
        // A chunk boundary that is also a layer boundary carries the layer's collectives.
        const layerEnd = perLayer && Math.floor(((k + 1) * L) / chunks) !== Math.floor((k * L) / chunks);
        if (layerEnd && j.tp > 1 && j.tpBytesPerLayer !== undefined)
          for (let r = 0; r < 2; r++)
            tail = coll('all-reduce', 'ring', tpGroups(st), j.tpBytesPerLayer, tail, it, `TP all-reduce ${dir} s${st}`);
        if (layerEnd && j.ep > 1 && j.moeBytesPerLayer !== undefined)
          for (const what of ['dispatch', 'combine'])
            tail = coll(
              'all-to-all',
              j.moeAlgorithm,
              epGroups(st),
              j.moeBytesPerLayer,
              tail,
              it,
              `MoE ${what} ${dir} s${st}`,
            );
        if (last && dir === 'backward') {
          // Buckets whose gradients this chunk completes.
          const from = Math.ceil((k * j.buckets) / chunks);
          const to = Math.ceil(((k + 1) * j.buckets) / chunks);
          // The buckets of a stage go out on one NCCL stream, so each waits for the one before (as DDP does).
          for (let bk = from; bk < to; bk++)
            for (const [groups, bytes, what] of [
              [dpGroups, bucketBytes, 'gradient'],
              [expertDpGroups, expertBucketBytes, 'expert gradient'],
            ] as const) {
              if (bytes <= 0) continue;
              const ops = coll(
                'all-reduce',
                j.algorithm,
                groups(st),
                bytes,
                [c, ...gradTail[st]],
                it,
                `${what} bucket ${bk + 1}/${j.buckets} s${st}`,
              );
              gradTail[st] = ops;
              grads.push(...ops);
            }
        }
      }
      return tail;
    };
    const p2p = (from: number, to: number, m: number, dir: string, deps: number[]): number => {
      b.beginOp({
        kind: 'flows',
        ranks: [...stage(from), ...stage(to)],
        bytes: (j.ppBytes ?? 0) * j.dp * j.tp,
        deps,
        item,
        iteration: it,
        label: `pipeline ${dir} mb${m} s${from}->s${to}`,
        startPs: t.start ?? 0,
        cls,
      });
      for (let d = 0; d < j.dp; d++)
        for (let tt = 0; tt < j.tp; tt++)
          b.task({ src: rankOf(tt, d, from), dst: rankOf(tt, d, to), bytes: j.ppBytes ?? 0 });
      return b.endOp();
    };
    const back: number[][] = Array.from({ length: j.pp }, () => []);
    const forward = (st: number, m: number) => {
      const deps = [...stageTail[st], ...(st > 0 ? [sendOps[st][m]] : [])];
      stageTail[st] = chunkOps(st, m, 'forward', fwdChunks, fwdPs, deps, false);
      if (st + 1 < j.pp) sendOps[st + 1][m] = p2p(st, st + 1, m, 'forward', stageTail[st]);
    };
    const backward = (st: number, m: number) => {
      const deps = [...stageTail[st], ...(st < j.pp - 1 ? [back[st][m]] : [])];
      stageTail[st] = chunkOps(st, m, 'backward', bwdChunks, bwdPs, deps, m === M - 1);
      if (st > 0) back[st - 1][m] = p2p(st, st - 1, m, 'backward', stageTail[st]);
    };
    if (j.schedule === 'gpipe') {
      for (let m = 0; m < M; m++) for (let st = 0; st < j.pp; st++) forward(st, m);
      for (let m = 0; m < M; m++) for (let st = j.pp - 1; st >= 0; st--) backward(st, m);
    } else {
      // 1F1B: stage s runs min(pp - s - 1, M) warm-up forwards, then alternates one forward and one backward, then
      // drains the remaining backwards. Ops are created stage by stage as their inputs from the neighbours exist.
      const seq = Array.from({ length: j.pp }, (_, st) => {
        const w = Math.min(j.pp - st - 1, M);
        const out: [boolean, number][] = [];
        for (let m = 0; m < w; m++) out.push([true, m]);
        for (let i = 0; i < M - w; i++) out.push([true, w + i], [false, i]);
        for (let m = M - w; m < M; m++) out.push([false, m]);
        return out;
      });
      const pos = new Int32Array(j.pp);
      for (let left = j.pp * 2 * M; left > 0; ) {
        let progressed = false;
        for (let st = 0; st < j.pp; st++)
          while (pos[st] < seq[st].length) {
            const [fwd, m] = seq[st][pos[st]];
            if (fwd ? st > 0 && sendOps[st][m] === undefined : st < j.pp - 1 && back[st][m] === undefined) break;
            if (fwd) forward(st, m);
            else backward(st, m);
            pos[st]++;
            left--;
            progressed = true;
          }
        if (!progressed) throw new Error('internal: the 1F1B schedule has a cycle');
      }
    }
    prev = [...grads, ...stageTail.flat()];
  }
}
