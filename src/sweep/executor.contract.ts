// The contract of an Executor (executor.ts) as a test suite every implementation runs: the local thread pool
// (sweep.test.ts) and the BullMQ queue with a worker process (test/e2e/queue.test.ts). Jobs come from the caller,
// who knows what code the executor runs (a queue worker refuses jobs planned by other code).
import { expect, it } from 'vitest';
import type { Executor } from './executor.ts';
import type { PointJob, PointOutcome } from './job.ts';

export interface ContractJobs {
  /** Jobs that run. */
  good: PointJob[];
  /** A job whose run fails (its design cannot be built). */
  bad: PointJob;
}

export function executorContract(name: string, make: () => Promise<{ exec: Executor; jobs: ContractJobs }>): void {
  it(`${name}: every job is reported once, by key; a failing job is an outcome and the others still run`, async () => {
    const { exec, jobs } = await make();
    try {
      const all = [...jobs.good, jobs.bad];
      const seen: PointOutcome[] = [];
      await exec.run(all, (o) => seen.push(o));
      expect(seen.map((o) => o.key).sort()).toEqual(all.map((j) => j.key).sort());
      const bad = seen.find((o) => o.key === jobs.bad.key);
      expect(bad?.ok).toBe(false);
      expect(bad && !bad.ok ? bad.error : '').toMatch(/fabric\.hosts/);
      expect(seen.filter((o) => o.ok)).toHaveLength(jobs.good.length);
    } finally {
      await exec.close();
    }
  });
}
