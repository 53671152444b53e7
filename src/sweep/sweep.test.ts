import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import type { Result } from '../result/types.ts';
import { checkSweep, expandSweep } from '../scenario/sweep.ts';
import { executorContract } from './executor.contract.ts';
import type { Executor } from './executor.ts';
import type { PointJob, PointOutcome } from './job.ts';
import { canonicalJson, codeHash, runKey } from './key.ts';
import { planSweep } from './plan.ts';
import { LocalPool } from './pool.ts';
import { runPoint } from './run-point.ts';
import { runSweep } from './run-sweep.ts';
import { RunStore } from './store.ts';

const catalog = loadCatalog();
const dir = mkdtempSync(join(tmpdir(), 'aifabric-sweep-'));
// A tiny packet run: 2 senders into 1 receiver on a 4-host leaf-spine, 20 KB each (a few hundred events).
const scenario = {
  fabric: { topology: 'leaf-spine', hosts: 4, nic: '100G', switch: 'aurcore-32x100g' },
  network: { pfc: true },
  traffic: [{ pattern: 'incast', senders: ['h1', 'h2'], receiver: 'h0', bytes: '20KB' }],
  engine: 'packet',
};
const withoutStats = (r: Result) => ({ ...r, stats: null });
const code = codeHash();

/** Runs jobs in this thread, one after another: the reference the pool must agree with. */
class InlineExecutor implements Executor {
  ran: string[] = [];
  async run(jobs: PointJob[], onOutcome: (o: PointOutcome) => void): Promise<void> {
    for (const j of jobs) {
      this.ran.push(j.key);
      onOutcome(runPoint(j));
    }
  }
  async close(): Promise<void> {}
}

const plan = (vary: Record<string, unknown[]>, seeds = [1]) => {
  const s = checkSweep({ scenario, vary, seeds }, dir, 'tiny');
  return planSweep(s, expandSweep(s, catalog), code);
};

describe('running sweeps (issue 19)', () => {
  const pool = new LocalPool(2);
  afterAll(() => pool.close());

  const contractJobs = () => {
    const planned = plan({ 'fabric.hosts': [4, 8, 100000] });
    const jobs = planned.map((p) => p.job as PointJob);
    return { good: jobs.slice(0, 2), bad: jobs[2] };
  };
  executorContract('the local thread pool', async () => ({ exec: new LocalPool(2), jobs: contractJobs() }));
  executorContract('the reference (this thread)', async () => ({ exec: new InlineExecutor(), jobs: contractJobs() }));

  // About 5 s: the worker thread loads the engines' sources through tsx, as a sweep run from the sources does.
  it('a point gives the same result, apart from stats, in this thread and in a worker thread', async () => {
    const [p] = plan({ 'network.pfc': [false] }, [7]);
    if (!p.job) throw new Error(p.error);
    const here = runPoint(p.job);
    const there: PointOutcome[] = [];
    await pool.run([p.job], (o) => there.push(o));
    expect(here.ok && there[0].ok).toBe(true);
    if (!here.ok || !there[0].ok) return;
    expect(there[0].worker).not.toBe(here.worker);
    expect(canonicalJson(withoutStats(there[0].result))).toBe(canonicalJson(withoutStats(here.result)));
    expect(here.result.seed).toBe(7);
  });

  it('a rerun computes only the missing points; a failed point is stored with its error and the others go on', async () => {
    const store = new RunStore(join(dir, 'a.db'));
    const all = plan({ 'traffic[0].bytes': ['10KB', '20KB', 'lots'] });
    const first = new InlineExecutor();
    const s1 = await runSweep(all.slice(0, 1), { sweep: 'tiny', code, store, executor: first });
    expect(s1.computed).toBe(1);
    const second = new InlineExecutor();
    const s2 = await runSweep(all, { sweep: 'tiny', code, store, executor: second });
    expect(second.ran).toEqual([all[1].key]);
    expect([s2.computed, s2.reused, s2.failures.length]).toEqual([1, 1, 1]);
    expect(s2.failures[0].error).toMatch(/traffic\[0\]\.bytes/);
    expect(s2.rows.map((r) => r.result !== undefined)).toEqual([true, true, false]);
    const stored = store.list('tiny');
    expect(stored.map((r) => r.key).sort()).toEqual(all.map((p) => p.key).sort());
    expect(stored.find((r) => r.key === all[2].key)?.error).toMatch(/traffic\[0\]\.bytes/);
    expect(store.integrity()).toBe('ok');
    store.close();
  });

  it('a stored result is never overwritten; a stored failure is replaced by a later result', () => {
    const store = new RunStore(join(dir, 'b.db'));
    const run = {
      key: 'k'.repeat(64),
      sweep: 's',
      point: {},
      seed: 1,
      engine: 'packet',
      code,
      scenario: null,
      startedAt: '',
      finishedAt: '',
      wallMs: 0,
      worker: 'w',
    };
    expect(store.put({ ...run, error: 'boom' })).toBe(true);
    expect(store.done(run.key)).toBe(false);
    expect(store.put({ ...run, result: '{"a":1}' })).toBe(true);
    expect(store.put({ ...run, result: '{"a":2}' })).toBe(false);
    expect(store.put({ ...run, error: 'late failure' })).toBe(false);
    expect(store.get('kkkkkk')?.result).toBe('{"a":1}');
    expect(store.list()).toHaveLength(1);
    store.close();
  });

  it('the key changes with the seed, the engine, the code and the contents of a referenced file, and only with them', () => {
    const [p] = plan({ 'network.pfc': [true] });
    const job = p.job as PointJob;
    const key = (o: Partial<{ seed: number; engine: string; code: string; content: string }> = {}) =>
      runKey(
        job.scenario,
        o.engine ?? 'packet',
        o.seed ?? 1,
        [{ ref: 't.csv', at: [], content: o.content ?? 'a' }],
        o.code ?? code,
      );
    const k = key();
    expect(key()).toBe(k);
    expect(
      new Set([k, key({ seed: 2 }), key({ engine: 'flow' }), key({ code: 'x' }), key({ content: 'b' })]).size,
    ).toBe(5);
    expect(runKey({ ...job.scenario }, 'packet', 1, [], code)).toBe(job.key);
  });

  it('a trace file the scenario references is carried with the job and hashed into its key', () => {
    const csv = 'TIMESTAMP,ContextTokens,GeneratedTokens\n0,10,2\n';
    writeFileSync(join(dir, 'trace.csv'), csv);
    const inf = {
      fabric: { topology: 'access-aggregation', hosts: 8, nic: '100G', switch: 'aurcore-32x100g' },
      traffic: [{ inference: { arrivals: { trace: 'trace.csv' }, replicas: 2 } }],
    };
    const s = checkSweep({ scenario: inf, vary: { 'traffic[0].inference.replicas': [1, 2] } }, dir);
    const points = planSweep(s, expandSweep(s, catalog), code, { cwd: dir });
    expect(points.map((p) => p.error)).toEqual([undefined, undefined]);
    expect(points[0].job?.files.map((f) => [f.ref, f.content])).toEqual([['trace.csv', csv]]);
    const missing = planSweep(s, expandSweep(s, catalog), code, { cwd: tmpdir() });
    expect(missing[0].error).toMatch(/cannot read trace\.csv/);
  });
});
