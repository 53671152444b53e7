// Two-level all-reduces over NVLink domains (a server, or several on one NVLink fabric), as NCCL structures them:
// a reduce-scatter inside each domain, an all-reduce of each GPU's share across domains on its own rail, and an
// all-gather inside each domain, all three pipelined chunk by chunk (chunk c crosses the fabric while chunk c+1 is
// reduced inside the domain).
//   hierarchical: the intra-domain phases are rings over NVLink copies.
//   nvls:         they are NVLink SHARP: the NVSwitch reduces (multimem.ld_reduce) and multicasts (multimem.st),
//                 NCCL's NVLS algorithm (NVIDIA/nccl tuning.cc, NCCL_ALGO_NVLS).
// The phase across domains is a ring per rail in both (NCCL_CROSS_NIC=0: the same NIC index on every server).
// Leaves out: NCCL's per-protocol chunk sizes (issue 14 item 1, the nccl branch; the chunk is `chunk`, default
// NCCL's Simple step where pipelining overlaps two phases, TWO_LEVEL_CHUNK_BYTES) and the SM cost of reductions.
//
// Units (a, b, c): a = the GPU index in the domain that reduces it, b = the domain, c = the chunk. Tasks are one
// per (rank, chunk, phase), so that each phase of chunk c waits for the previous phase of chunk c alone.
//
// Resources: a delay holds no resource, so the schedule orders the copies that share one NVLink direction. Ring
// phases send on the GPU's NVLink egress both in the reduce-scatter and in the all-gather: a rank's copies run one
// at a time (every reduce-scatter chunk, then the all-gathers as their all-reduces end). NVLS phases are duplex:
// per chunk of B bytes the reduce-scatter loads a GPU's egress with B (the switch reads every slice) and its
// ingress with B/R (its reduced slice), the all-gather its egress with B/R and its ingress with B (the multicast);
// the two phases run side by side and each is given B (1 + 1/R) per direction, the load of one chunk on the
// busier link, so that the steady state is the duplex link's.

import type { NodeId } from '../../fabric/types.ts';
import type { ProgramBuilder } from '../builder.ts';

export type TwoLevelKind = 'hierarchical' | 'nvls';
/** Algorithms that run per NVLink domain and across domains (here and nvls-tree.ts): they need equal domains. */
export const TWO_LEVEL: ReadonlySet<string> = new Set(['hierarchical', 'nvls', 'nvls-tree']);

/** Why `nvls` cannot run on this domain (a message naming the fix), or undefined. */
export function nvlsUnavailable(algorithm: string, intra: { nvls?: boolean } | undefined): string | undefined {
  if (algorithm !== 'nvls' && algorithm !== 'nvls-tree') return undefined;
  if (!intra)
    return `${algorithm} all-reduce needs NVLink domains of several GPUs (fabric.gpusPerNode > 1 or fabric.nvlinkDomain); use ring or hierarchical`;
  if (!intra.nvls)
    return `${algorithm} all-reduce needs NVLink switches that reduce in the switch (NVLink SHARP); set fabric.gpu to h100, h200, b200 or gb200, or use hierarchical`;
  return undefined;
}

/** What the schedule needs of collectives.ts' Emitter (structural: no import back into collectives.ts). */
export interface TwoLevelEmitter {
  readonly b: ProgramBuilder;
  readonly ranks: readonly NodeId[];
  readonly channel: number;
  readonly intra?: { bandwidthBps: number; latencyPs: number };
  /** Records that task `id` touches rank index `r`, for the op's closing latency delays (NCCL's latency term). */
  touch(r: number, id: number): void;
}

type RingKind = 'all-reduce' | 'reduce-scatter' | 'all-gather';

/** collectives.ts' ring() bound to the Emitter: one task per position, `steps` repetitions, lag-1 step deps. */
export type RingFn = (
  kind: RingKind,
  pos: readonly number[],
  unitBytes: number,
  blocksOf: (rank: number) => number[],
  depsOf: (q: number) => (number | undefined)[],
) => number[];

export interface TwoLevelGeometry {
  /** This channel's share of S. */
  bytes: number;
  chunkBytes?: number;
  /** Rank indices per domain, sorted by GPU index; equal sizes. */
  groups: number[][];
  channels: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const mod = (a: number, p: number) => ((a % p) + p) % p;

/**
 * NCCL's Simple-protocol step (NCCL_BUFFSIZE 4 MiB over NCCL_STEPS 8, as collectives.ts' TREE_CHUNK_BYTES): the
 * default chunk where pipelining overlaps something, i.e. two levels (R > 1 and N > 1), or NVLS phases, whose
 * reduce-scatter and all-gather use the two directions of the link. One ring level alone gains nothing from
 * chunks (every copy shares one NVLink egress, or one NIC), so it keeps one chunk per step.
 */
export const TWO_LEVEL_CHUNK_BYTES = 512 * 1024;

/** Chunks per channel: the fabric step of one rank (S / (R N)) cut into `chunkBytes` pieces. */
export function twoLevelChunks(
  kind: TwoLevelKind,
  bytes: number,
  R: number,
  N: number,
  chunkBytes: number | undefined,
): number {
  const pipelined = R > 1 && (N > 1 || kind === 'nvls');
  const chunk = chunkBytes ?? (pipelined ? TWO_LEVEL_CHUNK_BYTES : undefined);
  return chunk ? Math.max(1, Math.ceil(bytes / (R * N) / chunk)) : 1;
}

/** Picoseconds of one NVLS phase on a chunk of `chunkBytes` per rank: B (1 + 1/R) on the busier direction. */
export function nvlsPhasePs(
  intra: { bandwidthBps: number; latencyPs: number },
  chunkBytes: number,
  R: number,
  channels: number,
): number {
  return intra.latencyPs + Math.round((chunkBytes * (1 + 1 / R) * 8 * 1e12 * channels) / intra.bandwidthBps);
}

/**
 * Emits one channel of a two-level all-reduce. `ring` is collectives.ts' ring builder, `e` its Emitter; returns
 * the channel's layout (R x N x chunks units of `blockBytes`).
 */
export function twoLevelAllReduce(
  kind: TwoLevelKind,
  e: TwoLevelEmitter,
  g: TwoLevelGeometry,
  ring: RingFn,
): { blocks: number; blockBytes: number } {
  const groups = g.groups;
  const N = groups.length;
  const R = groups[0].length;
  const C = twoLevelChunks(kind, g.bytes, R, N, g.chunkBytes);
  const unit = Math.ceil(g.bytes / (R * N * C));
  const local = new Int32Array(e.ranks.length);
  const server = new Int32Array(e.ranks.length);
  groups.forEach((grp, s) => {
    grp.forEach((j, l) => {
      local[j] = l;
      server[j] = s;
    });
  });
  const id = (a: number, b: number, c: number) => (a * N + b) * C + c;
  const slice = (j: number, c: number) => range(N).map((b) => id(local[j], b, c));
  const phase = phaseEmitter(kind, e, ring, groups, unit, R, g.channels);
  // 1. Reduce-scatter inside each domain, chunk after chunk: rs[c][s][l].
  const rs: number[][][] = [];
  for (let c = 0; c < C; c++) rs.push(phase.reduceScatter(c, slice, (s, l) => (c > 0 ? [rs[c - 1][s][l]] : [])));
  // Rank (s, l) holds its reduced slice of chunk c once its own task and (rings) its ring predecessor's are done.
  const afterRs = (c: number, s: number, l: number) =>
    R > 1 ? (kind === 'nvls' ? [rs[c][s][l]] : [rs[c][s][l], rs[c][s][mod(l - 1, R)]]) : [];
  // 2. All-reduce of that slice across domains on rail l: ar[c][l][s].
  const ar: number[][][] = [];
  for (let c = 0; c < C; c++)
    ar.push(
      range(R).map((l) =>
        ring(
          'all-reduce',
          groups.map((grp) => grp[l]),
          unit,
          (j) => [id(l, server[j], c)],
          (s) => [...afterRs(c, s, l), ...(c > 0 && N > 1 ? [ar[c - 1][l][s]] : [])],
        ),
      ),
    );
  const afterAr = (c: number, s: number, l: number) =>
    N > 1 ? [ar[c][l][s], ar[c][l][mod(s - 1, N)]] : afterRs(c, s, l);
  // 3. All-gather inside each domain; ring copies wait for the rank's last reduce-scatter copy (one NVLink egress).
  const ag: number[][][] = [];
  for (let c = 0; c < C; c++)
    ag.push(
      phase.allGather(c, slice, (s, l) => [
        ...afterAr(c, s, l),
        ...(c > 0 ? [ag[c - 1][s][l]] : []),
        ...(kind === 'hierarchical' && R > 1 ? [rs[C - 1][s][l]] : []),
      ]),
    );
  return { blocks: R * N * C, blockBytes: unit };
}

type Deps = (s: number, l: number) => (number | undefined)[];
type Slice = (j: number, c: number) => number[];

interface Phases {
  /** One task per (domain, GPU index) for chunk c, [s][l]; empty rows with one GPU per domain. */
  reduceScatter(c: number, slice: Slice, deps: Deps): number[][];
  allGather(c: number, slice: Slice, deps: Deps): number[][];
}

function phaseEmitter(
  kind: TwoLevelKind,
  e: TwoLevelEmitter,
  ring: RingFn,
  groups: number[][],
  unit: number,
  R: number,
  channels: number,
): Phases {
  const N = groups.length;
  if (kind === 'hierarchical')
    return {
      reduceScatter: (c, slice, deps) =>
        groups.map((grp, s) =>
          ring(
            'reduce-scatter',
            grp,
            unit,
            (j) => slice(j, c),
            (l) => deps(s, l),
          ),
        ),
      allGather: (c, slice, deps) =>
        groups.map((grp, s) =>
          ring(
            'all-gather',
            grp,
            unit,
            (j) => slice(j, c),
            (l) => deps(s, l),
          ),
        ),
    };
  const intra = e.intra;
  if (!intra) throw new Error('nvls needs an NVLink domain');
  // One delay per rank and chunk: the switch does the data movement, so no pairwise trace (verify.ts checks
  // these schedules' bytes and times, not their data).
  const durationPs = nvlsPhasePs(intra, unit * N * R, R, channels);
  const nvlsPhase = (deps: Deps) =>
    R < 2
      ? groups.map(() => [])
      : groups.map((grp, s) =>
          grp.map((j, l) => {
            const h = e.ranks[j];
            const d = deps(s, l).filter((x): x is number => x !== undefined);
            const id = e.b.task({ src: h, dst: h, bytes: 0, deps: d, channel: e.channel, kind: 'delay', durationPs });
            // The switch's phase is this rank's too: the latency delay waits for it (e.send records its own).
            e.touch(j, id);
            return id;
          }),
        );
  return {
    reduceScatter: (_c, _slice, deps) => nvlsPhase(deps),
    allGather: (_c, _slice, deps) => nvlsPhase(deps),
  };
}
