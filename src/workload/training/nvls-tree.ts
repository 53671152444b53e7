// NCCL's NVLS_TREE all-reduce (NVIDIA/nccl tuning.cc NCCL_ALGO_NVLS_TREE, NCCL 2.18+: its default over several
// NVSwitch nodes): NVLink SHARP reduce-scatter inside each domain, then, per rail, NCCL's double binary tree across
// the domains on each GPU's slice (each tree half of it, reduced up and broadcast down), then the NVLS multicast
// all-gather inside each domain, pipelined chunk by chunk. Every phase is one task per rank with one repetition
// per chunk, so chunk c moves on through lag-0 step deps as soon as the phase before has it (the tree's own
// pipelining, collectives.ts' doubleBinaryTree). Each tree connection has NCCL's credit window: its sender runs
// at most NCCL_STEPS chunks ahead of what the receiver passed on (windowDeps). Leaves out NCCL's protocol and chunk
// size choice (the nccl branch) and the SM cost of the reductions; the NVLS phases are hierarchical.ts'
// (B (1 + 1/R) per direction).

import type { NodeId } from '../../fabric/types.ts';
import type { MoveTrace, ProgramBuilder } from '../builder.ts';
import { NCCL_STEPS } from '../nccl/index.ts';
import { nvlsPhasePs } from './hierarchical.ts';

/** What the schedule needs of collectives.ts' Emitter (structural: no import back into collectives.ts). */
export interface TreeEmitter {
  readonly b: ProgramBuilder;
  readonly ranks: readonly NodeId[];
  readonly channel: number;
  readonly intra?: { bandwidthBps: number; latencyPs: number };
  /** Records that task `id` touches rank index `r`, for the op's closing latency delays (NCCL's latency term). */
  touch(r: number, id: number): void;
  send(
    from: number,
    to: number,
    bytes: number,
    o: { repeat?: number; channel?: number },
    trace?: (rep: number) => { blocks: readonly number[]; reduce: boolean },
  ): number;
}

export interface NvlsTreeGeometry {
  /** This channel's share of S. */
  bytes: number;
  /** Pipelining chunk of one tree's half slice (default: NCCL's Simple step, TREE_CHUNK_BYTES). */
  chunkBytes: number;
  groups: number[][];
  channels: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Chunks per channel: each tree carries half of a GPU's slice S / R, cut into `chunkBytes` pieces. */
export function nvlsTreeChunks(bytes: number, R: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(bytes / R / 2 / chunkBytes));
}

/** Emits one channel; `parents` is collectives.ts' doubleTreeParents. Units (l, t, c): GPU index, tree, chunk. */
export function nvlsTreeAllReduce(
  e: TreeEmitter,
  g: NvlsTreeGeometry,
  parents: (p: number) => [Int32Array, Int32Array],
): { blocks: number; blockBytes: number } {
  const intra = e.intra;
  if (!intra) throw new Error('nvls-tree needs an NVLink domain');
  const groups = g.groups;
  const N = groups.length;
  const R = groups[0].length;
  const C = nvlsTreeChunks(g.bytes, R, g.chunkBytes);
  const unit = Math.ceil(g.bytes / (R * 2 * C));
  const b = e.b;
  const delays = (durationPs: number) =>
    groups.map((grp) =>
      grp.map((j) => {
        const h = e.ranks[j];
        const id = b.task({ src: h, dst: h, bytes: 0, repeat: C, channel: e.channel, kind: 'delay', durationPs });
        // The NVLS phases are the rank's too: NCCL's latency delay waits for them (e.send records its own).
        e.touch(j, id);
        return id;
      }),
    );
  // 1. NVLS reduce-scatter of each chunk (R x 2 units per GPU) inside the domain; one GPU alone has nothing to do.
  const phasePs = R > 1 ? nvlsPhasePs(intra, unit * 2 * R, R, g.channels) : 0;
  const rs = R > 1 ? delays(phasePs) : undefined;
  // 2. Per rail l and tree t: up (reduce) and down (broadcast) tasks; result[s][l] lists what chunk c waits for.
  const result = groups.map((grp) => grp.map(() => [] as number[]));
  const windows: TreeTasks[] = [];
  for (let l = 0; l < R; l++) {
    if (N < 2) break;
    const pos = groups.map((grp) => grp[l]);
    parents(N).forEach((parent, t) => {
      const channel = 2 * e.channel + t;
      const block = (c: number) => [(l * 2 + t) * C + c];
      const trace =
        (reduce: boolean): MoveTrace =>
        (c) => ({ blocks: block(c), reduce });
      const up = new Int32Array(N).fill(-1);
      const down = new Int32Array(N).fill(-1);
      let root = -1;
      for (let s = 0; s < N; s++)
        if (parent[s] < 0) root = s;
        else up[s] = e.send(pos[s], pos[parent[s]], unit, { repeat: C, channel }, trace(true));
      for (let s = 0; s < N; s++)
        if (s !== root) down[s] = e.send(pos[parent[s]], pos[s], unit, { repeat: C, channel }, trace(false));
      const children = (u: number) => range(N).filter((s) => parent[s] === u);
      for (let s = 0; s < N; s++) {
        // A rank sends chunk c up once its own slice of c is reduced in the domain and its children's c arrived.
        if (s !== root) {
          if (rs) b.addStepDep(up[s], rs[s][l], 0);
          for (const ch of children(s)) b.addStepDep(up[s], up[ch], 0);
          if (parent[s] === root) {
            for (const ch of children(root)) b.addStepDep(down[s], up[ch], 0);
            if (rs) b.addStepDep(down[s], rs[root][l], 0);
          } else b.addStepDep(down[s], down[parent[s]], 0);
          result[s][l].push(down[s]);
        } else result[s][l].push(...children(root).map((ch) => up[ch]));
      }
      // The root reduces its own slice too: its children's chunks wait for nothing of it, its result does.
      if (rs) result[root][l].push(rs[root][l]);
      windows.push({ l, up, down, parent, root, children });
    });
  }
  // 3. NVLS all-gather of chunk c once both trees brought it back (or, alone, once it was reduced).
  const ag = R > 1 && rs ? delays(phasePs) : undefined;
  if (ag && rs)
    groups.forEach((grp, s) => {
      grp.forEach((_, l) => {
        const deps = N > 1 ? result[s][l] : [rs[s][l]];
        for (const d of deps) b.addStepDep(ag[s][l], d, 0);
      });
    });
  for (const w of windows) windowDeps(b, w);
  return { blocks: R * 2 * C, blockBytes: unit };
}

/** One tree (of one rail): its up and down task per rank (-1 at the root), and its shape. */
export interface TreeTasks {
  l: number;
  up: Int32Array;
  down: Int32Array;
  parent: Int32Array;
  root: number;
  children: (s: number) => number[];
}

/**
 * NCCL's credit window on each tree connection (NVIDIA/nccl src/device/prims_simple.h: a sender's step waits
 * until the receiver's consumed step + NCCL_STEPS passes it; src/include/device.h NCCL_STEPS 8): chunk c may leave
 * once the receiver has passed on chunk c - NCCL_STEPS: up to a parent, that parent's own up (at the root, its
 * downs); down to a rank, its downs to its children. A leaf's slot is taken as freed on arrival (its all-gather,
 * an NVLS phase, is quicker than the tree's period per chunk: left out). Without it a leaf,
 * which waits for nothing, runs ahead of the tree and crowds its parent's NIC downlink with chunks the parent
 * cannot use yet (packet/analytic 1.07 at 64 MiB, 1.29 at 256 MiB with 64 KiB chunks on 4 H100 servers). The
 * engines release a slot when the onward chunk has arrived, NCCL when it has been read: up to a chunk later.
 */
export function windowDeps(b: ProgramBuilder, w: TreeTasks): void {
  const { up, down, parent, root, children } = w;
  for (let s = 0; s < up.length; s++) {
    if (s === root) continue;
    if (parent[s] === root) for (const ch of children(root)) b.addStepDep(up[s], down[ch], NCCL_STEPS);
    else b.addStepDep(up[s], up[parent[s]], NCCL_STEPS);
    for (const ch of children(s)) b.addStepDep(down[s], down[ch], NCCL_STEPS);
  }
}
