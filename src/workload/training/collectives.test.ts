import { describe, expect, it } from 'vitest';
import { createRandom } from '../../base/random.ts';
import { collectiveTimeS } from '../../engine/analytic/collectives.ts';
import { twoLevelTimeS } from '../../engine/analytic/two-level.ts';
import { ScenarioError } from '../../errors.ts';
import type { NodeId } from '../../fabric/types.ts';
import { ProgramBuilder } from '../builder.ts';
import type { CollectiveOp } from '../collective.ts';
import { NCCL_STEPS } from '../nccl/index.ts';
import {
  COLLECTIVE_ALGORITHMS,
  type CollectiveSpec,
  compileCollective,
  type IntraDomain,
  TREE_CHUNK_BYTES,
} from './collectives.ts';
import { twoLevelChunks } from './hierarchical.ts';
import type { SharpTree } from './sharp.ts';
import { checkWellFormed, criticalPath, sentBytes, simulateData } from './verify.ts';

/** Divisible by every rank, channel and chunk count below, so that no block is rounded up. */
const S = 3 * 3 * 5 * 7 * 2 ** 16;
const PS = [2, 3, 5, 8, 16];
/** Host ids unrelated to rank indices, to catch a mix-up of the two. */
const hostsOf = (p: number) => Array.from({ length: p }, (_, i) => (1000 + 7 * i) as NodeId);

type Spec = Omit<CollectiveSpec, 'bytes' | 'ranks'> & { bytes?: number; ranks?: readonly NodeId[]; p?: number };

/**
 * sharp's aggregation tree without a fabric: two leaf switches (ids 1 and 2, the first half of the ranks on 1)
 * under a root switch 3, so that a chunk climbs and comes down two levels (sharp.ts).
 */
const twoLevelSwitches = (ranks: readonly NodeId[]): SharpTree => {
  const parent = new Map<NodeId, NodeId>(ranks.map((h, i) => [h, (i < ranks.length / 2 ? 1 : 2) as NodeId]));
  parent.set(1 as NodeId, 3 as NodeId);
  parent.set(2 as NodeId, 3 as NodeId);
  return { parent, root: 3 as NodeId };
};

function compile(spec: Spec, trace = true) {
  const b = new ProgramBuilder({ trace });
  const ranks = spec.ranks ?? hostsOf(spec.p ?? 2);
  const sharp = spec.algorithm === 'sharp' ? (spec.sharp ?? twoLevelSwitches) : spec.sharp;
  const id = compileCollective(
    b,
    { ...spec, ranks, bytes: spec.bytes ?? S, sharp },
    { item: 0, cls: 'roce', startPs: 0, deps: [], iteration: -1 },
  );
  return { b, id, op: b.ops[id] };
}

const alphaSteps = (b: ProgramBuilder) => criticalPath(b.build(), () => ({ sendTime: 0, latency: 1 }));
const betaBytes = (b: ProgramBuilder) => criticalPath(b.build(), (x) => ({ sendTime: b.movedBytes(x.id), latency: 0 }));

/** Coefficients of the closed form (COLL-02): alpha = messages on the critical path, beta = bytes / S. */
function closedForm(op: CollectiveOp, algorithm: string, p: number) {
  const alpha = collectiveTimeS(op, algorithm, p, S, { alphaS: 1, betaSPerByte: 0, gammaSPerByte: 0 });
  const beta = collectiveTimeS(op, algorithm, p, 1, { alphaS: 0, betaSPerByte: 1, gammaSPerByte: 0 });
  return { alpha, beta };
}

interface Want {
  /** Sequential messages on the critical path. */
  steps: number;
  /** Bytes on the critical path / S. */
  path?: number;
  /** Every rank sends this x S. */
  perRank?: number;
  /** The busiest rank sends this x S. */
  maxRank?: number;
  /** Ranks send this x S on average. */
  avgRank?: number;
}

const bitsSet = (p: number, k: number) => Array.from({ length: p }, (_, j) => j).filter((j) => j & (1 << k)).length;

/**
 * What each schedule must cost. Where the closed form of engine/analytic/collectives.ts describes the schedule,
 * it is the expectation; the exceptions say why.
 */
function want(op: CollectiveOp, algorithm: string, p: number): Want {
  const lg = Math.log2(p);
  const K = Math.ceil(lg);
  const F = Math.floor(lg);
  const pp = 2 ** F;
  const pow2 = pp === p;
  const share = (p - 1) / p;
  const cf = ['double-binary-tree', 'hierarchical', 'sharp', 'pxn'].includes(algorithm)
    ? undefined
    : closedForm(op, algorithm, p);
  switch (`${op}/${algorithm}`) {
    case 'all-reduce/ring':
    case 'reduce-scatter/ring':
    case 'all-gather/ring':
    case 'reduce-scatter/recursive-halving':
    case 'all-gather/recursive-doubling':
      return { steps: cf!.alpha, path: cf!.beta, perRank: cf!.beta };
    case 'all-reduce/recursive-doubling':
      if (pow2) return { steps: cf!.alpha, path: cf!.beta, perRank: cf!.beta };
      // MPICH folds the extra ranks in and out: floor(lg p) + 2 whole-buffer messages, where the closed form
      // says ceil(lg p); the odd fold ranks send lg p' + 1 buffers.
      return { steps: F + 2, path: F + 2, maxRank: F + 1 };
    case 'all-reduce/rabenseifner':
      if (pow2) return { steps: cf!.alpha, path: cf!.beta, perRank: cf!.beta };
      // Same fold; the closed form's alpha (2 floor(lg p) + 2) holds, its beta uses (p-1)/p for (p'-1)/p'.
      return { steps: cf!.alpha, path: 2 + (2 * (pp - 1)) / pp, maxRank: 1 + (2 * (pp - 1)) / pp };
    case 'all-reduce/double-binary-tree':
      // NCCL's tree latency (COLL-03): 2 log2(nodes) hops; each tree's p-1 edges carry S/2 up and S/2 down.
      return { steps: 2 * K, avgRank: 2 * share, maxRank: 2 };
    case 'all-reduce/sharp': {
      // Two switch levels (twoLevelSwitches): a chunk climbs 2 hops and comes down 2; each rank sends its buffer
      // once (the switches reduce), in C chunks of NCCL's Simple step, and the last chunk's 3 hops after the
      // rank's own send are on the critical path.
      const C = Math.ceil(S / TREE_CHUNK_BYTES);
      return { steps: 4, path: (C + 3) / C, perRank: 1 };
    }
    case 'broadcast/binomial':
    case 'reduce/binomial':
      return { steps: cf!.alpha, path: cf!.beta, maxRank: op === 'broadcast' ? cf!.beta : 1 };
    case 'broadcast/scatter-allgather':
      // The root sends (p-1)/p x S in the scatter and as much in the all-gather.
      return { steps: cf!.alpha, path: cf!.beta, maxRank: cf!.beta };
    case 'all-to-all/pairwise':
      // (p-1)/p x S: a rank's own block never leaves it (the closed form's beta rounds this up to S).
      return { steps: cf!.alpha, path: share, perRank: share };
    case 'all-to-all/pxn':
      // Every block sent at once (one GPU per server: no relay): one message deep, (p-1)/p x S from each rank.
      return { steps: 1, path: 1 / p, perRank: share };
    case 'all-to-all/bruck':
      if (pow2) return { steps: cf!.alpha, path: cf!.beta, perRank: cf!.beta };
      // Step k moves the slots j < p with bit k set; the closed form's S/2 per step holds at powers of two.
      return {
        steps: cf!.alpha,
        perRank: Array.from({ length: K }, (_, k) => bitsSet(p, k)).reduce((a, c) => a + c, 0) / p,
      };
  }
  throw new Error(`no expectation for ${op}/${algorithm}`);
}

const CASES = (Object.entries(COLLECTIVE_ALGORITHMS) as [CollectiveOp, readonly string[]][]).flatMap(([op, algs]) =>
  algs.filter((a) => !['hierarchical', 'nvls', 'nvls-tree'].includes(a)).map((algorithm) => ({ op, algorithm })),
);

describe('collective schedules cost what their closed forms say (COLL-02)', () => {
  for (const { op, algorithm } of CASES) {
    it(`${op} ${algorithm}: bytes per rank and steps on the critical path for p = ${PS.join(', ')}`, () => {
      for (const p of PS) {
        const { b, id } = compile({ op, algorithm, p }, false);
        const w = want(op, algorithm, p);
        const per = [...sentBytes(b, id).fabric.values()].map((x) => x / S);
        const ctx = `${op} ${algorithm} p=${p}`;
        // The trees' credit window (nvls-tree.ts windowDeps): with no send time a window of NCCL_STEPS chunks turns
        // over once a round trip, 2 hops, so the last window starts 2 (ceil(C / NCCL_STEPS) - 1) hops late.
        const C = b.transfers[0].repeat;
        const window = algorithm === 'double-binary-tree' ? 2 * (Math.ceil(C / NCCL_STEPS) - 1) : 0;
        expect(alphaSteps(b), `${ctx}: steps`).toBe(w.steps + window);
        if (w.path !== undefined)
          expect(betaBytes(b) / S, `${ctx}: bytes on the critical path / S`).toBeCloseTo(w.path, 12);
        if (w.perRank !== undefined)
          for (const x of per) expect(x, `${ctx}: bytes each rank sends / S`).toBeCloseTo(w.perRank, 12);
        if (w.maxRank !== undefined) {
          const max = Math.max(...per);
          if (algorithm === 'double-binary-tree') expect(max, `${ctx}: busiest rank`).toBeLessThanOrEqual(w.maxRank);
          else expect(max, `${ctx}: busiest rank / S`).toBeCloseTo(w.maxRank, 12);
        }
        if (w.avgRank !== undefined)
          expect(per.reduce((a, c) => a + c, 0) / p, `${ctx}: average per rank / S`).toBeCloseTo(w.avgRank, 12);
      }
    });
  }

  it('ring all-reduce with 3 chunks per step: the same bytes, 3x the steps (each chunk is a ring step)', () => {
    for (const p of PS) {
      const { b, id } = compile({ op: 'all-reduce', algorithm: 'ring', p, chunkBytes: S / p / 3 }, false);
      expect(alphaSteps(b)).toBe(3 * 2 * (p - 1));
      expect(betaBytes(b) / S).toBeCloseTo((2 * (p - 1)) / p, 12);
      for (const x of sentBytes(b, id).fabric.values()) expect(x / S).toBeCloseTo((2 * (p - 1)) / p, 12);
    }
  });

  it('a ring is p tasks whatever the step and chunk count; pairwise all-to-all p(p-1); Bruck p ceil(lg p)', () => {
    expect(compile({ op: 'all-reduce', algorithm: 'ring', p: 64, chunkBytes: 1024 }, false).b.transfers.length).toBe(
      64,
    );
    expect(compile({ op: 'all-to-all', algorithm: 'pairwise', p: 16 }, false).b.transfers.length).toBe(16 * 15);
    expect(compile({ op: 'all-to-all', algorithm: 'bruck', p: 16 }, false).b.transfers.length).toBe(16 * 4);
  });

  it('channels split the buffer: 4 channels move the same bytes on 4 QPs (channel field), trees on 2 x 4', () => {
    const { b, id } = compile({ op: 'all-reduce', algorithm: 'ring', p: 8, channels: 4 }, false);
    expect(new Set(b.transfers.map((t) => t.channel))).toEqual(new Set([0, 1, 2, 3]));
    for (const x of sentBytes(b, id).fabric.values()) expect(x / S).toBeCloseTo((2 * 7) / 8, 12);
    expect(alphaSteps(b)).toBe(14);
    const tree = compile({ op: 'all-reduce', algorithm: 'double-binary-tree', p: 8, channels: 4 }, false);
    expect(new Set(tree.b.transfers.map((t) => t.channel)).size).toBe(8);
  });

  it('double binary tree: pipelined in 512 KiB chunks by default (NCCL Simple step); steps 2 lg p + the window', () => {
    const { b } = compile({ op: 'all-reduce', algorithm: 'double-binary-tree', p: 8, bytes: 64 * 2 ** 20 });
    expect(new Set(b.transfers.map((t) => t.repeat))).toEqual(new Set([64]));
    // 2 lg p hops of a chunk's trip, and 2 hops for each of the 64 / NCCL_STEPS credit windows after the first.
    expect(alphaSteps(b)).toBe(6 + 2 * (64 / NCCL_STEPS - 1));
    expect(b.transfers.every((t) => t.bytes === 512 * 1024)).toBe(true);
  });
});

// Intra domain: servers of R consecutive ranks, GPU index = position in the server.
function intraOf(ranks: readonly NodeId[], R: number): IntraDomain {
  const idx = new Map(ranks.map((h, i) => [h as number, i]));
  return {
    bandwidthBps: 3.6e12,
    latencyPs: 1e6,
    serverOf: (h) => Math.floor((idx.get(h) as number) / R),
    railOf: (h) => (idx.get(h) as number) % R,
  };
}

describe('every schedule computes its operation (symbolic data flow, random event orders)', () => {
  const seeds = [1, 2, 3];
  const variants = (algorithm: string, p: number): Spec[] => {
    const base: Spec[] = [{ op: 'all-reduce', algorithm, p }];
    base.push({ op: 'all-reduce', algorithm, p, channels: 2 });
    if (algorithm === 'ring' || algorithm === 'double-binary-tree')
      base.push({ op: 'all-reduce', algorithm, p, chunkBytes: Math.ceil(S / (2 * p * 3)) });
    if (p % 2 === 0) base.push({ op: 'all-reduce', algorithm, p, intra: intraOf(hostsOf(p), 2), channels: 2 });
    return base;
  };
  for (const { op, algorithm } of CASES) {
    it(`${op} ${algorithm}: every rank ends with what ${op} promises (p = ${PS.join(', ')}; channels, chunks, intra)`, () => {
      for (const p of PS)
        for (const v of variants(algorithm, p)) {
          const { b, id } = compile({ ...v, op });
          expect(checkWellFormed(b.build()), `${op} ${algorithm} p=${p}`).toEqual([]);
          for (const seed of seeds) {
            const rng = createRandom(seed, 'order');
            const problems = simulateData(b, id, (n) => rng.int(n));
            expect(
              problems,
              `${op} ${algorithm} p=${p} ${JSON.stringify({ ...v, intra: !!v.intra })} seed ${seed}`,
            ).toEqual([]);
          }
        }
    });
  }

  it('negative control: a ring that forwards without waiting for what it received ends with partial sums', () => {
    const { b, id } = compile({ op: 'all-reduce', algorithm: 'ring', p: 5 });
    b.transfers[2].stepDeps.length = 0;
    b.transfers[2].stepLags.length = 0;
    const rng = createRandom(1, 'order');
    expect(simulateData(b, id, (n) => rng.int(n)).length).toBeGreaterThan(0);
  });

  it('negative control: a reduction sent twice counts a contribution twice', () => {
    const b = new ProgramBuilder({ trace: true });
    const [h0, h1] = hostsOf(2);
    const id = b.beginOp({
      kind: 'collective',
      op: 'all-reduce',
      ranks: [h0, h1],
      bytes: 8,
      deps: [],
      item: 0,
      iteration: -1,
      label: 'bad',
    });
    const up = b.task({ src: h0, dst: h1, bytes: 8, trace: () => ({ blocks: [0], reduce: true }) });
    const again = b.task({ src: h0, dst: h1, bytes: 8, deps: [up], trace: () => ({ blocks: [0], reduce: true }) });
    b.task({ src: h1, dst: h0, bytes: 8, deps: [again], trace: () => ({ blocks: [0], reduce: false }) });
    b.endOp();
    b.setLayout(id, { blocks: 1, blockBytes: Float64Array.of(8), owner: Int32Array.of(-1) });
    expect(simulateData(b, id, () => 0).join('\n')).toMatch(/counts a contribution to block 0 twice/);
  });

  it('negative control: a ring whose step deps all have lag 0 deadlocks', () => {
    const { b } = compile({ op: 'all-gather', algorithm: 'ring', p: 4 });
    for (const t of b.transfers) t.stepLags.fill(0);
    expect(checkWellFormed(b.build()).join('\n')).toMatch(/deadlock/);
  });
});

describe('hierarchical all-reduce (intra reduce-scatter, rail rings across servers, intra all-gather)', () => {
  const shapes = [
    [2, 1],
    [1, 3],
    [4, 2],
    [2, 4],
    [3, 5],
    [8, 2],
  ];
  for (const [R, N] of shapes) {
    it(`${N} servers of ${R}: fabric 2(N-1)/(N R) S and intra 2(R-1)/R S per rank, 2(R-1) + 2(N-1) steps, correct sums`, () => {
      const p = R * N;
      // Rank order within a server is scrambled: the schedule must group by server and sort by rail itself.
      const ranks = hostsOf(p);
      const idx = new Map(ranks.map((h, i) => [h as number, i]));
      const intra: IntraDomain = {
        bandwidthBps: 3.6e12,
        latencyPs: 1e6,
        serverOf: (h) => Math.floor((idx.get(h) as number) / R),
        railOf: (h) => (R - 1 - ((idx.get(h) as number) % R) + 1) % R,
      };
      // One chunk per step, two, and the default (NCCL's 512 KiB Simple step where two levels overlap).
      for (const chunkBytes of [S, S / p / 2, undefined]) {
        const { b, id } = compile({ op: 'all-reduce', algorithm: 'hierarchical', ranks, intra, chunkBytes });
        const { fabric, intra: copies } = sentBytes(b, id);
        for (const h of ranks) {
          expect(fabric.get(h)! / S).toBeCloseTo((2 * (N - 1)) / (N * R), 12);
          expect(copies.get(h)! / S).toBeCloseTo((2 * (R - 1)) / R, 12);
        }
        // Pipelined by chunk (hierarchical.ts): the critical path of unit-latency steps is the analytic engine's
        // recurrence (two-level.ts), C (R-1) + ... rather than C times the unpipelined 2(R-1) + 2(N-1).
        const C = twoLevelChunks('hierarchical', S, R, N, chunkBytes);
        if (chunkBytes !== undefined) expect(C).toBe(chunkBytes === S ? 1 : 2);
        else expect(C).toBe(R > 1 && N > 1 ? Math.ceil(S / (R * N) / 2 ** 19) : 1);
        const unitSteps = { R, N, chunks: C, channels: 1, intraAlphaS: 1, intraBetaSPerByte: 0, netAlphaS: 1 };
        expect(alphaSteps(b)).toBe(twoLevelTimeS('hierarchical', S, { ...unitSteps, netBetaSPerByte: 0 }));
        if (C === 1) expect(alphaSteps(b)).toBe(2 * (R - 1) + 2 * (N - 1));
        else if (R > 1 && N > 1) expect(alphaSteps(b)).toBeLessThan(C * (2 * (R - 1) + 2 * (N - 1)));
        // Fabric transfers join one rail at both ends.
        for (const t of b.transfers) if (t.kind === 'transfer') expect(intra.railOf!(t.src)).toBe(intra.railOf!(t.dst));
        expect(checkWellFormed(b.build())).toEqual([]);
        for (const seed of [1, 2]) {
          const rng = createRandom(seed, 'order');
          expect(simulateData(b, id, (n) => rng.int(n))).toEqual([]);
        }
      }
    });
  }

  it('intra copies are delays on the sender of latency + bytes x 8 / (bandwidth / channels)', () => {
    const ranks = hostsOf(8);
    const intra = intraOf(ranks, 4);
    const { b } = compile({ op: 'all-reduce', algorithm: 'hierarchical', ranks, intra, chunkBytes: S });
    const delays = b.transfers.filter((t) => t.kind === 'delay');
    expect(delays.length).toBe(2 * 2 * 4);
    const bytes = S / 4;
    for (const d of delays) {
      expect(d.bytes).toBe(0);
      expect(d.dst).toBe(d.src);
      expect(d.durationPs).toBe(1e6 + Math.round((bytes * 8 * 1e12) / 3.6e12));
    }
    // Two channels copy half the bytes each, at the same time, on half the bandwidth each.
    const two = compile({ op: 'all-reduce', algorithm: 'hierarchical', ranks, intra, channels: 2, chunkBytes: S }).b
      .transfers;
    for (const d of two.filter((t) => t.kind === 'delay'))
      expect(d.durationPs).toBe(1e6 + Math.round((bytes * 8 * 1e12) / 3.6e12));
  });
});

describe('ring order: rail-aligned snake per channel when servers hold several GPUs', () => {
  it('every hop between servers stays on one rail, and channels spread over the rails', () => {
    const R = 4;
    const N = 4;
    const ranks = hostsOf(R * N);
    const intra = intraOf(ranks, R);
    const { b } = compile({ op: 'all-reduce', algorithm: 'ring', ranks, intra, channels: R }, false);
    const perRail = new Map<number, number>();
    for (const t of b.transfers) {
      if (t.kind !== 'transfer') continue;
      expect(intra.railOf!(t.src)).toBe(intra.railOf!(t.dst));
      perRail.set(intra.railOf!(t.src), (perRail.get(intra.railOf!(t.src)) ?? 0) + 1);
    }
    // N hops per channel, R channels, each channel on two rails: every rail carries N hops.
    expect([...perRail.entries()].sort()).toEqual([
      [0, N],
      [1, N],
      [2, N],
      [3, N],
    ]);
    // Inside a server the ring's R - 1 hops are copies.
    expect(b.transfers.filter((t) => t.kind === 'delay').length).toBe(R * N * (R - 1));
  });
});

describe('errors name the field and list what is valid', () => {
  it('an unknown algorithm: algorithm, with the valid ones and a suggestion', () => {
    const run = () =>
      compileCollective(
        new ProgramBuilder(),
        { op: 'all-reduce', algorithm: 'rign', ranks: hostsOf(4), bytes: S },
        { item: 0, cls: 'roce', startPs: 0, deps: [], iteration: -1, path: 'traffic[1]' },
      );
    expect(run).toThrow(ScenarioError);
    try {
      run();
    } catch (e) {
      const pr = (e as ScenarioError).problems[0];
      expect(pr.path).toBe('traffic[1].algorithm');
      expect(pr.message).toContain(
        'ring, double-binary-tree, recursive-doubling, rabenseifner, hierarchical, nvls, nvls-tree',
      );
      expect(pr.message).toContain('did you mean ring?');
    }
  });

  it('an algorithm of another operation is unknown for this one', () => {
    expect(() => compile({ op: 'all-gather', algorithm: 'pairwise', p: 4 })).toThrow(
      /use auto or one of ring, recursive-doubling/,
    );
  });

  it('hierarchical without an intra-server domain, or with uneven servers', () => {
    expect(() => compile({ op: 'all-reduce', algorithm: 'hierarchical', p: 4 })).toThrow(/gpusPerNode/);
    const ranks = hostsOf(6);
    const intra: IntraDomain = { bandwidthBps: 1e12, latencyPs: 0, serverOf: (h) => (h < 1000 + 7 * 4 ? 0 : 1) };
    expect(() => compile({ op: 'all-reduce', algorithm: 'hierarchical', ranks, intra })).toThrow(
      /same number of ranks/,
    );
  });

  it('repeated hosts among the ranks', () => {
    expect(() => compile({ op: 'all-reduce', algorithm: 'ring', ranks: [1, 2, 1] as NodeId[] })).toThrow(/twice/);
  });
});
