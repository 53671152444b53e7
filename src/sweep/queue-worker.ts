// `aifabric worker --queue URL`: takes points from the BullMQ queue and runs them on this machine's worker threads
// (the local pool's worker.ts), so the process's own event loop stays free to renew job locks however long a point
// runs. A job carries the files its scenario references: they are written under a scratch folder that becomes this
// process's working folder, at the same relative paths, so a relative trace path reads the same bytes (an absolute
// path is moved into the folder). A worker whose code differs from the submitter's refuses the job: the run key
// names the code that ran it. A worker killed mid-job loses its lock; after `lockMs` another worker takes the job.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Job, Worker } from 'bullmq';
import { Piscina } from 'piscina';
import { ScenarioError } from '../errors.ts';
import type { PointJob, PointOutcome } from './job.ts';
import { codeHash, sha256 } from './key.ts';
import { AUTH_ERROR, QUEUE_NAME, redactText, redactUrl, retryingConnection } from './redis-url.ts';

const FROM_SOURCES = import.meta.url.endsWith('.ts');

export interface QueueWorkerOptions {
  url: string;
  concurrency: number;
  /** How long a job's lock lasts unless renewed (BullMQ's default 30 s). */
  lockMs: number;
  log?: (line: string) => void;
}

/** Writes the job's files into `dir` and points the scenario at them. */
function materialize(job: PointJob, dir: string): PointJob {
  if (job.files.length === 0) return job;
  const scenario = structuredClone(job.scenario) as unknown as Record<string | number, unknown>;
  for (const f of job.files) {
    const rel = isAbsolute(f.ref) ? join('absolute', sha256(f.ref).slice(0, 16), f.ref.replace(/^.*\//, '')) : f.ref;
    const path = resolve(dir, rel);
    if (!path.startsWith(dir)) throw new Error(`${f.at.join('.')}: ${f.ref} leaves the working folder`);
    let same = false;
    try {
      same = readFileSync(path, 'utf8') === f.content;
    } catch {}
    if (!same) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
    }
    if (isAbsolute(f.ref)) {
      let node = scenario;
      for (const seg of f.at.slice(0, -1)) node = node[seg] as Record<string | number, unknown>;
      node[f.at[f.at.length - 1]] = path;
    }
  }
  return { ...job, scenario: scenario as unknown as PointJob['scenario'] };
}

export async function runQueueWorker(opts: QueueWorkerOptions): Promise<{ close: () => Promise<void> }> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const code = codeHash();
  const dir = mkdtempSync(join(tmpdir(), 'aifabric-worker-'));
  process.chdir(dir);
  const pool = new Piscina<PointJob, PointOutcome>({
    filename: fileURLToPath(new URL(FROM_SOURCES ? './worker.ts' : './worker.js', import.meta.url)),
    // Threads kept for the worker's life: starting one loads the engines and the catalog (about half a second).
    minThreads: opts.concurrency,
    maxThreads: opts.concurrency,
    idleTimeout: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    execArgv: FROM_SOURCES ? ['--import', 'tsx'] : [],
  });
  const { connection, giveUp } = retryingConnection(opts.url, '--queue');
  let refused: ScenarioError | null = null;
  const worker = new Worker<PointJob, PointOutcome>(
    QUEUE_NAME,
    async (job: Job<PointJob, PointOutcome>) => {
      const data = job.data;
      if (data.code !== code)
        return {
          key: data.key,
          ok: false,
          error: `the worker runs other code (${code.slice(0, 12)}) than the sweep's (${data.code.slice(0, 12)}): install the same build on every machine`,
          wallMs: 0,
          worker: `${process.pid}`,
        };
      log(`start ${data.key.slice(0, 12)}`);
      const outcome = await pool.run(materialize(data, dir));
      log(`ran ${data.key.slice(0, 12)} (${outcome.ok ? 'ok' : 'failed'}, ${outcome.wallMs.toFixed(0)} ms)`);
      return outcome;
    },
    {
      connection,
      concurrency: opts.concurrency,
      lockDuration: opts.lockMs,
      // Stalled jobs (a dead worker's) are looked for this often, and taken over up to twice before BullMQ fails
      // them (its default is once; a Redis restart can stall a healthy job as well).
      stalledInterval: Math.max(500, Math.round(opts.lockMs / 2)),
      maxStalledCount: 2,
    },
  );
  const seen = new Set<string>();
  worker.on('error', (e) => {
    const m = redactText(e.message, opts.url);
    if (AUTH_ERROR.test(m)) {
      giveUp();
      refused = new ScenarioError([
        { path: '--queue', message: `${redactUrl(opts.url)} refused the credentials: ${m}` },
      ]);
    } else if (!seen.has(m)) log(`queue: ${m} (retrying)`);
    seen.add(m);
  });
  try {
    await worker.waitUntilReady();
  } catch (e) {
    throw refused ?? e;
  }
  log(`worker ${process.pid}: ${opts.concurrency} threads on the queue (code ${code.slice(0, 12)})`);
  return {
    close: async () => {
      await worker.close();
      await pool.destroy();
    },
  };
}
