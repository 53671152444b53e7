// In-network all-reduce (NVIDIA SHARP, which NCCL runs as CollNet through its plug-in): the switches reduce. The
// ranks' switches form an aggregation tree (SHARP's tree of aggregation nodes: the ranks' leaves, and above them
// the lowest switch every leaf reaches going up); each rank sends its buffer once up to its leaf, each switch
// sends the reduction of its children's chunks up to its parent, and the root sends the result down the same
// tree, so a rank's NIC carries S up and S down (the bound: S / B, against a ring's 2 (p-1)/p S / B). Chunks are
// pipelined: chunk c moves on as soon as every child's chunk c has arrived (lag-0 step deps). Every GPU is its own
// SHARP leaf through its own NIC (NCCL's CollNet Chain with a chain of one GPU). Left out: CollNet Direct (an
// intra-node reduce-scatter first), SHARP's streaming-aggregation limits (its outstanding operations per tree and
// the reduction's own rate: the switch reduces at line rate here), and trees that are not up/down (a custom
// fabric's switches must reach a common switch going up).

import type { Catalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import type { Fabric, LinkId, NodeId } from '../../fabric/types.ts';
import type { MoveTrace, ProgramBuilder } from '../builder.ts';

/** The aggregation tree: every tree node's parent (ranks' parents are their leaves), and its root switch. */
export interface SharpTree {
  parent: ReadonlyMap<NodeId, NodeId>;
  root: NodeId;
}

/** Which switches reduce in the network (their catalog model has `inNetworkReduction`), by node. */
export type SharpCapable = (sw: NodeId) => boolean;

const leafOf = (f: Fabric, h: NodeId): NodeId => f.peer(f.adjLinks[f.adjStart[h]] as LinkId, h);

/** Switches reachable from `from` going strictly up a tier, with the hop each is first reached from (BFS). */
function upward(f: Fabric, from: NodeId): Map<NodeId, NodeId> {
  const prev = new Map<NodeId, NodeId>([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i];
    for (let k = f.adjStart[u]; k < f.adjStart[u + 1]; k++) {
      const v = f.peer(f.adjLinks[k] as LinkId, u);
      if (f.nodes[v].tier > f.nodes[u].tier && !prev.has(v)) {
        prev.set(v, u);
        queue.push(v);
      }
    }
  }
  return prev;
}

/**
 * The aggregation tree over `ranks`: the root is the lowest-tier switch (then the lowest id) every rank's leaf
 * reaches going up; each leaf joins it by its shortest upward path, stopping where it meets the tree. Throws a
 * ScenarioError at `path` when a tree switch cannot reduce, or no switch is above every leaf.
 */
export function sharpTree(f: Fabric, ranks: readonly NodeId[], capable: SharpCapable, path: string): SharpTree {
  const leaves = [...new Set(ranks.map((h) => leafOf(f, h)))];
  const reach = leaves.map((l) => upward(f, l));
  let root = -1 as NodeId;
  for (const [v] of reach[0]) {
    if (!reach.every((m) => m.has(v))) continue;
    const better =
      root < 0 || f.nodes[v].tier < f.nodes[root].tier || (f.nodes[v].tier === f.nodes[root].tier && v < root);
    if (better) root = v;
  }
  if (root < 0)
    throw new ScenarioError([
      { path, message: "sharp needs a switch above every rank's leaf to aggregate at; none is common to all of them" },
    ]);
  const parent = new Map<NodeId, NodeId>();
  for (const h of ranks) parent.set(h, leafOf(f, h));
  leaves.forEach((l, i) => {
    // The path from the root down to this leaf (BFS predecessors), then joined bottom-up until it meets the tree.
    const down: NodeId[] = [root];
    while (down[down.length - 1] !== l) down.push(reach[i].get(down[down.length - 1]) as NodeId);
    for (let k = down.length - 1; k > 0 && !parent.has(down[k]); k--) parent.set(down[k], down[k - 1]);
  });
  const uncapable = [...new Set([...parent.values()])].find((s) => !capable(s));
  if (uncapable !== undefined) {
    const node = f.nodes[uncapable];
    throw new ScenarioError([
      {
        path,
        message: `sharp needs switches that reduce in the network (a catalog model with inNetworkReduction); ${node.name} is ${node.model ?? 'no catalog model'}, which has none; use such a switch (e.g. nvidia-qm9700 from catalog/examples/quantum-2.yaml) or another algorithm`,
      },
    ]);
  }
  return { parent, root };
}

/** What the schedule needs of collectives.ts' Emitter (structural: no import back into collectives.ts). */
export interface SharpEmitter {
  readonly b: ProgramBuilder;
  readonly ranks: readonly NodeId[];
  readonly channel: number;
  /** A network transfer between two fabric nodes (a switch included), carrying the protocol's wire bytes. */
  transfer(src: NodeId, dst: NodeId, bytes: number, repeat: number, trace?: MoveTrace): number;
}

/** Chunks per channel: NCCL's Simple step (TREE_CHUNK_BYTES) unless `chunkBytes` says otherwise. */
export function sharpChunks(bytes: number, chunkBytes: number): number {
  return Math.max(1, Math.ceil(bytes / chunkBytes));
}

/**
 * Emits one channel of the in-network all-reduce on `tree`: per tree edge an up task (reduce) and a down task
 * (the result), `chunks` repetitions each. Returns the tasks that touch each rank (its up and its down).
 */
export function sharpAllReduce(
  e: SharpEmitter,
  tree: SharpTree,
  bytes: number,
  chunkBytes: number,
): { blocks: number; blockBytes: number; touched: number[][] } {
  const C = sharpChunks(bytes, chunkBytes);
  const unit = Math.ceil(bytes / C);
  const b = e.b;
  const children = new Map<NodeId, NodeId[]>();
  for (const [v, u] of tree.parent) {
    const list = children.get(u);
    if (list) list.push(v);
    else children.set(u, [v]);
  }
  const trace = (reduce: boolean): MoveTrace | undefined => (b.tracing ? (c) => ({ blocks: [c], reduce }) : undefined);
  // Up: from the ranks' leaves toward the root, children before parents (a node sends once its children did).
  const up = new Map<NodeId, number>();
  const emitUp = (v: NodeId): number => {
    const done = up.get(v);
    if (done !== undefined) return done;
    const kids = (children.get(v) ?? []).map(emitUp);
    const id = e.transfer(v, tree.parent.get(v) as NodeId, unit, C, trace(true));
    for (const k of kids) b.addStepDep(id, k, 0);
    up.set(v, id);
    return id;
  };
  for (const v of tree.parent.keys()) emitUp(v);
  // Down: the root sends chunk c once every child's chunk c arrived; a switch forwards what it received.
  const down = new Map<NodeId, number>();
  const emitDown = (u: NodeId, waits: readonly number[]) => {
    for (const v of children.get(u) ?? []) {
      const id = e.transfer(u, v, unit, C, trace(false));
      for (const w of waits) b.addStepDep(id, w, 0);
      down.set(v, id);
      emitDown(v, [id]);
    }
  };
  emitDown(
    tree.root,
    (children.get(tree.root) ?? []).map((v) => up.get(v) as number),
  );
  const touched = e.ranks.map((h) => [up.get(h) as number, down.get(h) as number]);
  return { blocks: C, blockBytes: unit, touched };
}

/** SharpCapable from a catalog: the switch's model has `inNetworkReduction` (catalog/schema.ts). */
export function capableIn(f: Fabric, catalog: Catalog): SharpCapable {
  return (sw) => {
    const model = f.nodes[sw].model;
    return model !== null && catalog.switches.get(model)?.inNetworkReduction !== undefined;
  };
}
