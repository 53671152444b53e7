// What a collective operation is, whatever its algorithm: its name (the MPI/NCCL operations the workload
// compiles) and nccl-tests' bus-bandwidth convention (COLL-01), which turns a measured time into the bandwidth
// figure people compare. Algorithms, schedules and their costs live elsewhere (training/collectives.ts for the
// schedules, engine/analytic/collectives.ts for the closed forms); this file imports nothing so both can use it.

export type CollectiveOp = 'all-reduce' | 'reduce-scatter' | 'all-gather' | 'broadcast' | 'all-to-all' | 'reduce';

/** nccl-tests bus-bandwidth factor: busbw = algbw x factor (COLL-01, nccl-tests doc/PERFORMANCE.md). */
export function busBandwidthFactor(op: CollectiveOp, ranks: number): number {
  switch (op) {
    case 'all-reduce':
      return (2 * (ranks - 1)) / ranks;
    case 'reduce-scatter':
    case 'all-gather':
    case 'all-to-all':
      return (ranks - 1) / ranks;
    case 'broadcast':
    case 'reduce':
      return 1;
  }
}

/** algbw = S / t (bytes per second), busbw = algbw x factor. */
export function bandwidths(op: CollectiveOp, ranks: number, bytes: number, timeS: number) {
  const algbw = bytes / timeS;
  return { algbwBps: algbw, busbwBps: algbw * busBandwidthFactor(op, ranks) };
}

/** The time a collective takes at a given bus bandwidth (bytes/s): t = S x factor / busbw. */
export function timeAtBusBandwidthS(op: CollectiveOp, ranks: number, bytes: number, busbwBps: number): number {
  return (bytes * busBandwidthFactor(op, ranks)) / busbwBps;
}
