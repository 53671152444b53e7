import { describe, expect, it } from 'vitest';
import type { NodeId } from '../../fabric/types.ts';
import { ProgramBuilder } from '../builder.ts';
import { opIndex } from '../program.ts';
import { compileCollective } from './collectives.ts';
import { checkWellFormed, criticalPath } from './verify.ts';

const hostsOf = (p: number) => Array.from({ length: p }, (_, i) => (500 + 3 * i) as NodeId);
const ctx = (deps: number[] = []) => ({ item: 0, cls: 'roce' as const, startPs: 0, deps, iteration: 0 });
const compute = (b: ProgramBuilder, ranks: readonly NodeId[], deps: number[], durationPs = 10) =>
  b.delayOp({ ranks, durationPs, deps, item: 0, iteration: 0, label: 'compute' });
const edges = (b: ProgramBuilder) => b.transfers.reduce((s, t) => s + t.deps.length + t.stepDeps.length, 0);

describe('ProgramBuilder: ops, frontiers and rank-local chaining', () => {
  it("a ring's frontier on rank i is its own send and the send it receives from rank i-1", () => {
    const ranks = hostsOf(6);
    const b = new ProgramBuilder();
    const ring = compileCollective(b, { op: 'all-reduce', algorithm: 'ring', ranks, bytes: 6e6 }, ctx());
    const f = b.frontier(ring);
    expect(Array.from(f.hosts)).toEqual([...ranks]);
    ranks.forEach((h, i) => {
      expect(Array.from(f.own(h))).toEqual([i, (i + 5) % 6].sort((a, c) => a - c));
    });
    expect(Array.from(f.own(1 as NodeId))).toEqual([]);
  });

  it('compute -> collective -> compute: each task waits only for the tasks of its own ranks', () => {
    const ranks = hostsOf(8);
    const b = new ProgramBuilder();
    const fwd = compute(b, ranks, []);
    const ring = compileCollective(b, { op: 'all-reduce', algorithm: 'ring', ranks, bytes: 8e6 }, ctx([fwd]));
    const next = compute(b, ranks, [ring]);
    const prog = b.build();
    const computeTask = (op: number, h: NodeId) => prog.transfers.find((t) => t.op === op && t.src === h)?.id as number;
    for (let t = prog.ops[ring].firstTask; t < prog.ops[ring].lastTask; t++) {
      const x = prog.transfers[t];
      // A ring send waits for its sender's and its receiver's compute (NCCL: the receiver must be in the kernel).
      expect([...x.deps].sort((a, c) => a - c)).toEqual(
        [computeTask(fwd, x.src), computeTask(fwd, x.dst)].sort((a, c) => a - c),
      );
    }
    ranks.forEach((h, i) => {
      expect(prog.transfers[computeTask(next, h)].deps).toEqual(
        [prog.ops[ring].firstTask + i, prog.ops[ring].firstTask + ((i + 7) % 8)].sort((a, c) => a - c),
      );
    });
    expect(checkWellFormed(prog)).toEqual([]);
    // 10 + 2(p-1) ring steps of 1 + 10, with every ring step taking 1.
    const t = criticalPath(prog, (x) => ({ sendTime: 0, latency: x.kind === 'delay' ? x.durationPs : 1 }));
    expect(t).toBe(10 + 14 + 10);
  });

  it('chaining stays O(tasks): a bounded number of deps per task (a tree rank ends in up to 5 tasks), whatever the rank count', () => {
    for (const p of [16, 64, 256]) {
      const ranks = hostsOf(p);
      const b = new ProgramBuilder();
      const a = compute(b, ranks, []);
      const ring = compileCollective(b, { op: 'all-reduce', algorithm: 'ring', ranks, bytes: 1e6 }, ctx([a]));
      const c = compute(b, ranks, [ring]);
      const tree = compileCollective(
        b,
        { op: 'all-reduce', algorithm: 'double-binary-tree', ranks, bytes: 1e6 },
        ctx([c]),
      );
      const d = compute(b, ranks, [tree]);
      compileCollective(
        b,
        { op: 'all-to-all', algorithm: 'pairwise', ranks: ranks.slice(0, 16), bytes: 1e6 },
        ctx([d]),
      );
      const tasks = b.transfers.length;
      expect(edges(b) / tasks).toBeLessThanOrEqual(4);
      expect(Math.max(...b.transfers.map((t) => t.deps.length))).toBeLessThanOrEqual(6);
      expect(checkWellFormed(b.build())).toEqual([]);
    }
  });

  it('an op on some ranks passes the order of the others through: compute on all -> ring on half -> compute on all', () => {
    const ranks = hostsOf(8);
    const b = new ProgramBuilder();
    const a = compute(b, ranks, []);
    const ring = compileCollective(
      b,
      { op: 'all-reduce', algorithm: 'ring', ranks: ranks.slice(0, 4), bytes: 1e6 },
      ctx([a]),
    );
    const empty = compileCollective(
      b,
      { op: 'all-reduce', algorithm: 'ring', ranks: ranks.slice(0, 1), bytes: 1e6 },
      ctx([ring]),
    );
    const c = compute(b, ranks, [empty]);
    const prog = b.build();
    const first = prog.ops[c].firstTask;
    ranks.forEach((h, i) => {
      expect(prog.transfers[first + i].src).toBe(h);
      const deps = prog.transfers[first + i].deps;
      if (i < 4) expect(deps.every((d) => prog.transfers[d].op === ring)).toBe(true);
      else expect(deps).toEqual([prog.ops[a].firstTask + i]);
      expect(deps.length).toBeGreaterThan(0);
    });
  });

  it('an 8,192-rank ring all-reduce is 8,192 tasks with 2 frontier entries per rank and at most 5 dependency edges per rank (compile time is in the bench, not here)', () => {
    const ranks = Array.from({ length: 8192 }, (_, i) => i as NodeId);
    const b = new ProgramBuilder();
    const a = compute(b, ranks, []);
    const ring = compileCollective(b, { op: 'all-reduce', algorithm: 'ring', ranks, bytes: 2 ** 30 }, ctx([a]));
    compute(b, ranks, [ring]);
    expect(b.ops[ring].lastTask - b.ops[ring].firstTask).toBe(8192);
    expect(b.transfers[b.ops[ring].firstTask].repeat).toBe(2 * 8191);
    expect(b.frontier(ring).own(100 as NodeId).length).toBe(2);
    expect(edges(b)).toBeLessThanOrEqual(5 * 8192);
  });

  it('misuse throws: nested ops, endOp without an op, deps on ops not ended, step deps of another repeat', () => {
    const b = new ProgramBuilder();
    const h = hostsOf(2);
    const op = { kind: 'flows' as const, ranks: h, bytes: 0, item: 0, iteration: -1, label: 'x' };
    expect(() => b.endOp()).toThrow(/no open op/);
    b.beginOp({ ...op, deps: [] });
    expect(() => b.beginOp({ ...op, deps: [] })).toThrow(/still open/);
    const t0 = b.task({ src: h[0], dst: h[1], bytes: 1, repeat: 2 });
    const t1 = b.task({ src: h[1], dst: h[0], bytes: 1, repeat: 3 });
    b.addStepDep(t1, t0, 1);
    expect(() => b.endOp()).toThrow(/repeat/);
    expect(() => new ProgramBuilder().beginOp({ ...op, deps: [0] })).toThrow(/not an ended op/);
    expect(() => new ProgramBuilder().task({ src: h[0], dst: h[0], bytes: 1, item: 0 })).toThrow(/dst other than/);
  });

  it('tasks outside ops are plain flows (op -1) with the given item and class', () => {
    const b = new ProgramBuilder();
    const h = hostsOf(2);
    b.task({ src: h[0], dst: h[1], bytes: 5, item: 3, cls: 'lossy', startPs: 7 });
    expect(b.build().transfers[0]).toMatchObject({ op: -1, item: 3, cls: 'lossy', startPs: 7, repeat: 1, channel: 0 });
  });
});

describe('ProgramBuilder: the op index', () => {
  it("build() carries every op's first-task start, deps and ranks in flat arrays (as read from the ops)", () => {
    const ranks = hostsOf(8);
    const b = new ProgramBuilder();
    const fwd = b.delayOp({ ranks, durationPs: 10, deps: [], item: 0, iteration: 0, label: 'compute', startPs: 7 });
    const ring = compileCollective(b, { op: 'all-reduce', algorithm: 'ring', ranks, bytes: 8e6 }, ctx([fwd]));
    compileCollective(b, { op: 'all-to-all', algorithm: 'pairwise', ranks: ranks.slice(2), bytes: 6e6 }, ctx([ring]));
    const p = b.build();
    const idx = p.opIndex;
    expect(idx).toBeDefined();
    expect(opIndex({ transfers: p.transfers, ops: p.ops })).toEqual(idx);
    p.ops.forEach((op, o) => {
      expect(idx?.startPs[o]).toBe(p.transfers[op.firstTask].startPs);
      expect(Array.from(idx?.deps.subarray(idx.depStart[o], idx.depStart[o + 1]) ?? [])).toEqual(op.deps);
      expect(Array.from(idx?.ranks.subarray(idx.rankStart[o], idx.rankStart[o + 1]) ?? [])).toEqual(op.ranks);
    });
    expect(idx?.startPs[0]).toBe(7);
  });
});
