// `aifabric sweep --queue` and `aifabric worker` against a real redis-server (issue 19), with the faults a queue
// must survive: kill -9 of one of two workers in the middle of a job, a Redis restart mid-sweep (append-only file
// on), a point that fails on a worker, and Ctrl-C of the submitter followed by a resume. Workers and submitters are
// real processes of the built command (bin/aifabric.js). Each test has its own Redis on a free port.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/index.ts';
import type { Result } from '../../src/result/types.ts';
import { checkSweep, expandSweep } from '../../src/scenario/sweep.ts';
import { executorContract } from '../../src/sweep/executor.contract.ts';
import type { PointJob } from '../../src/sweep/job.ts';
import { canonicalJson } from '../../src/sweep/key.ts';
import { planSweep } from '../../src/sweep/plan.ts';
import { QueueExecutor } from '../../src/sweep/queue.ts';
import { runPointResult } from '../../src/sweep/run-point.ts';
import { RunStore } from '../../src/sweep/store.ts';
import { startRedis, type TestRedis } from '../helpers/redis.ts';
import { ROOT } from './run-cli.ts';

const BIN = join(ROOT, 'bin/aifabric.js');
const dir = mkdtempSync(join(tmpdir(), 'aifabric-queue-'));
// A 4-host incast of 20 KB per sender (a few ms a point); the kill test's points are 20 MB per sender, 0.3 s of
// packet events (89,000 events; at 2 MB, 40 ms, a kill could land after the job had finished).
const SCENARIO_OBJ = {
  fabric: { topology: 'leaf-spine', hosts: 4, nic: '100G', switch: 'aurcore-32x100g' },
  network: { pfc: true },
  traffic: [{ pattern: 'incast', senders: ['h1', 'h2'], receiver: 'h0', bytes: '20KB' }],
  engine: 'packet',
};
const SCENARIO = JSON.stringify(SCENARIO_OBJ);

interface Proc {
  p: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
  /** Resolves when stderr matches (bounded at 60 s). */
  waitErr: (re: RegExp) => Promise<RegExpExecArray>;
}

const procs: Proc[] = [];
const servers: TestRedis[] = [];
afterEach(async () => {
  for (const x of procs.splice(0)) if (x.p.exitCode === null && x.p.signalCode === null) x.p.kill('SIGKILL');
  for (const r of servers.splice(0)) await r.stop();
});

function run(args: string[]): Proc {
  const p = spawn(process.execPath, [BIN, ...args], { cwd: dir });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; done: (m: RegExpExecArray) => void }[] = [];
  p.stdout.on('data', (d) => {
    out += String(d);
  });
  p.stderr.on('data', (d) => {
    err += String(d);
    for (const w of [...waiters]) {
      const m = w.re.exec(err);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done(m);
      }
    }
  });
  const exited = new Promise<number | null>((done) => p.on('exit', (code) => done(code)));
  const waitErr = (re: RegExp) =>
    new Promise<RegExpExecArray>((done, fail) => {
      const m = re.exec(err);
      if (m) return done(m);
      const t = setTimeout(() => fail(new Error(`timed out waiting for ${re} in:\n${err}`)), 60_000);
      waiters.push({
        re,
        done: (x) => {
          clearTimeout(t);
          done(x);
        },
      });
    });
  const x = { p, out: () => out, err: () => err, exited, waitErr };
  procs.push(x);
  return x;
}

const redis = async (password?: string) => {
  const r = await startRedis({ password });
  servers.push(r);
  return r;
};
const worker = (url: string) => run(['worker', '--queue', url, '--concurrency', '1', '--lock', '2s']);
const sweepFile = (name: string, vary: string) => {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `scenario: ${SCENARIO}\nvary:\n${vary}\n`);
  return file;
};
const storeRows = (db: string) => {
  const s = new RunStore(db, { readonly: true });
  try {
    return s.list();
  } finally {
    s.close();
  }
};

describe('sweeps on a BullMQ queue with real Redis and worker processes (issue 19)', () => {
  executorContract('the BullMQ queue with a worker process', async () => {
    const r = await redis();
    const w = worker(r.url);
    await w.waitErr(/threads on the queue/);
    // The worker runs the build: jobs name the build's code hash, which dist/sweep/key.js computes over dist/.
    const built = join(ROOT, 'dist/sweep/key.js');
    const { codeHash } = (await import(built)) as { codeHash: () => string };
    const spec = checkSweep({ scenario: SCENARIO_OBJ, vary: { 'fabric.hosts': [4, 8, 100000] } }, dir, 'contract');
    const jobs = planSweep(spec, expandSweep(spec, loadCatalog()), codeHash()).map((p) => p.job as PointJob);
    return { exec: await QueueExecutor.connect(r.url), jobs: { good: jobs.slice(0, 2), bad: jobs[2] } };
  });

  it('kill -9 of one of two workers mid-job: the other takes the job over after its lock; one row per point', async () => {
    const r = await redis();
    const a = worker(r.url);
    const b = worker(r.url);
    await Promise.all([a.waitErr(/threads on the queue/), b.waitErr(/threads on the queue/)]);
    const file = sweepFile('kill', '  traffic[0].bytes: [20MB, 21MB, 22MB]');
    const db = join(dir, 'kill.db');
    const sub = run(['sweep', file, '--queue', r.url, '--store', db, '--json']);
    const [, key] = await a.waitErr(/start (\w{12})/);
    a.p.kill('SIGKILL');
    expect(await sub.exited).toBe(0);
    // The killed job finished on the other worker, after the lock of 2 s expired.
    expect(b.err()).toContain(`ran ${key}`);
    const rows = storeRows(db);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((x) => x.key)).size).toBe(3);
    expect(rows.every((x) => x.result !== undefined)).toBe(true);
    // A remote worker's result is the one this thread computes for the same point (apart from stats).
    const out = JSON.parse(sub.out()) as { point: Record<string, unknown>; result: Result }[];
    const spec = checkSweep({ scenario: SCENARIO_OBJ, vary: { 'traffic[0].bytes': ['20MB'] } }, dir, 'kill');
    const [p] = planSweep(spec, expandSweep(spec, loadCatalog()), 'any');
    if (!p.job) throw new Error(p.error);
    const there = out.find((x) => x.point['traffic[0].bytes'] === '20MB');
    expect(canonicalJson({ ...there?.result, stats: null })).toBe(
      canonicalJson({ ...runPointResult(p.job), stats: null }),
    );
  });

  it('a Redis restart mid-sweep (append-only file on): the sweep finishes with every point once', async () => {
    const r = await redis();
    const a = worker(r.url);
    const b = worker(r.url);
    await Promise.all([a.waitErr(/threads on the queue/), b.waitErr(/threads on the queue/)]);
    const file = sweepFile('restart', '  traffic[0].bytes: [1MB, 1.1MB, 1.2MB, 1.3MB]');
    const db = join(dir, 'restart.db');
    const sub = run(['sweep', file, '--queue', r.url, '--store', db]);
    await a.waitErr(/start \w{12}/);
    await r.stop();
    await new Promise((done) => setTimeout(done, 500));
    await r.start();
    expect(await sub.exited).toBe(0);
    const rows = storeRows(db);
    expect(rows.map((x) => x.result !== undefined)).toEqual([true, true, true, true]);
    expect(new Set(rows.map((x) => x.key)).size).toBe(4);
  });

  it('a point that fails on a worker is stored with its error, the others finish; the password is never printed', async () => {
    const password = 'pw-never-shown-7f3a';
    const r = await redis(password);
    const w = worker(r.url);
    await w.waitErr(/threads on the queue/);
    const file = sweepFile('fail', '  fabric.hosts: [4, 100000]');
    const db = join(dir, 'fail.db');
    const sub = run(['sweep', file, '--queue', r.url, '--store', db]);
    expect(await sub.exited).toBe(1);
    expect(sub.err()).toMatch(
      /error: point \{"fabric.hosts":100000\} seed 1 \(\w{12}\) failed: DesignError: fabric.hosts/,
    );
    const rows = storeRows(db);
    expect(rows.map((x) => [x.point['fabric.hosts'], x.result !== undefined])).toEqual(
      expect.arrayContaining([
        [4, true],
        [100000, false],
      ]),
    );
    // A wrong password is reported without the password either.
    const wrong = run([
      'sweep',
      file,
      '--queue',
      `redis://:not-${password}@127.0.0.1:${r.port}`,
      '--store',
      join(dir, 'x.db'),
    ]);
    expect(await wrong.exited).toBe(2);
    expect(wrong.err()).toMatch(/--queue: redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ refused the credentials: WRONGPASS/);
    for (const x of [w, sub, wrong]) expect(x.out() + x.err()).not.toContain(password);
    expect(w.err()).toContain(`redis://:***@127.0.0.1:${r.port}`);
  });

  it('Ctrl-C of the submitter, then a resume: finished results are collected, no point runs twice', async () => {
    const r = await redis();
    const w = worker(r.url);
    await w.waitErr(/threads on the queue/);
    const file = sweepFile('resume', '  traffic[0].bytes: [500KB, 510KB, 520KB, 530KB]');
    const db = join(dir, 'resume.db');
    const first = run(['sweep', file, '--queue', r.url, '--store', db]);
    await w.waitErr(/ran \w{12}/);
    first.p.kill('SIGINT');
    expect(await first.exited).toBe(130);
    // The worker goes on with the queued points while no submitter waits; the resumed submitter collects them.
    await w.waitErr(/(ran \w{12}[\s\S]*){4}/);
    const second = run(['sweep', file, '--queue', r.url, '--store', db]);
    expect(await second.exited).toBe(0);
    const rows = storeRows(db);
    expect(rows).toHaveLength(4);
    expect(rows.every((x) => x.result !== undefined)).toBe(true);
    const ran = [...w.err().matchAll(/ran (\w{12})/g)].map((m) => m[1]);
    expect(ran.sort()).toEqual(rows.map((x) => x.key.slice(0, 12)).sort());
  });
});
