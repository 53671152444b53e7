// A training job's storage traffic (job.storage), between its GPU hosts and the fabric's storage nodes
// (fabric.storage): each iteration's dataset reads, and the checkpoint written every `checkpointEvery`
// iterations. Both are `flows` ops outside the iteration's compute and collectives (iteration -1), so the
// iteration's time and communication figures stay those of the job; their bytes share the fabric with it.
//
//   dataset reads of iteration i: GPU g reads datasetGBps x its step compute time from storage node g mod S,
//     from the start of iteration i (the input pipeline prefetches the batch while the GPU computes), after
//     GPU g's part of iteration i-1
//   checkpoint after iteration i: every GPU writes its 1/world share of params x checkpointBytesPerParam to
//     storage node g mod S (a sharded checkpoint: torch.distributed.checkpoint, Megatron's dist-ckpt), after its
//     part of iteration i; training does not wait for it (an asynchronous save, as Megatron's async_save)
// Left out: the storage system's own limits (disks, metadata servers): a storage node takes bytes at its NIC rate.
import { ScenarioError } from '../errors.ts';
import type { Fabric, NodeId } from '../fabric/types.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { ProgramBuilder } from './builder.ts';

/** The labels of the storage ops (what a result's ops carry: the demo tells storage bytes apart by them). */
export const STORAGE_OP = { reads: 'dataset reads', checkpoint: 'checkpoint' } as const;

type TrafficItem = NonNullable<Scenario['traffic']>[number];
type JobItem = Extract<TrafficItem, { job: unknown }>;

/** Adds job item `item`'s storage traffic, once compileJob has built its iterations. */
export function compileJobStorage(
  b: ProgramBuilder,
  f: Fabric,
  t: JobItem,
  item: number,
  stepComputePs: number,
  cls: 'roce' | 'lossy',
): void {
  const st = t.job.storage;
  if (!st || (st.datasetGBps === 0 && st.checkpointEvery === 0)) return;
  const path = `traffic[${item}].job.storage`;
  if (f.storage.length === 0)
    throw new ScenarioError([
      {
        path,
        message: 'storage traffic needs storage nodes: add fabric.storage: {nodes: 8} (or leave job.storage out)',
      },
    ]);
  // The job's GPU hosts and its ops per iteration, from what compileJob built.
  const byIter = new Map<number, number[]>();
  const gpus = new Set<number>();
  for (const op of b.ops) {
    if (op.item !== item || op.iteration < 0) continue;
    const l = byIter.get(op.iteration);
    if (l) l.push(op.id);
    else byIter.set(op.iteration, [op.id]);
    for (const h of op.ranks) gpus.add(h);
  }
  const hosts = [...gpus].sort((x, y) => x - y) as NodeId[];
  const S = f.storage.length;
  const stor = (k: number) => f.storage[k % S] as NodeId;
  const readBytes = Math.round(st.datasetGBps * 1e9 * (stepComputePs / 1e12));
  const shardBytes = Math.ceil((t.job.params * st.checkpointBytesPerParam) / hosts.length);
  const start = t.start ?? 0;
  const flows = (label: string, deps: number[], bytes: number, toStorage: boolean) => {
    b.beginOp({
      kind: 'flows',
      ranks: hosts,
      bytes: bytes * hosts.length,
      deps,
      item,
      iteration: -1,
      label,
      startPs: start,
      cls,
    });
    hosts.forEach((h, k) => {
      b.task(toStorage ? { src: h, dst: stor(k), bytes } : { src: stor(k), dst: h, bytes });
    });
    b.endOp();
  };
  for (let it = 0; it < t.job.iterations; it++) {
    if (readBytes > 0) flows(`${STORAGE_OP.reads} it${it}`, byIter.get(it - 1) ?? [], readBytes, false);
    if (st.checkpointEvery > 0 && (it + 1) % st.checkpointEvery === 0)
      flows(`${STORAGE_OP.checkpoint} it${it}`, byIter.get(it) ?? [], shardBytes, true);
  }
}
