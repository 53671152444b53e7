// POST /api/demo's run, on a thread of its own (worker.ts): the quick demo (`aifabric demo --quick`), its progress
// posted step by step, its files (report.html, demo.json, runs/NAME.yaml and .json, as the CLI writes them) in a
// temporary folder of the server's, never in the user's working folder. The result is the JSON `demo --quick
// --json` prints. Left out: the full demo (minutes on every core; `aifabric demo` runs it) and the CLI's exit 4 on
// a failed invariant (the invariants are in each run's JSON under runs/).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../catalog/index.ts';
import { DEMO_STEPS, runDemo } from '../demo/run.ts';
import type { PointProgress } from '../sweep/job.ts';
import { renderReportHere } from './render.ts';
import type { DemoTask, RunOutcome } from './tasks.ts';

/** A demo step as the run's progress event: steps done of the demo's steps, and the one now running. */
export type DemoProgress = { kind: 'progress'; done: number; total: number; step: string };

export async function quickDemo(task: DemoTask): Promise<RunOutcome> {
  const post = (m: PointProgress | DemoProgress) => task.progress.postMessage(m);
  post({ kind: 'started' });
  const t = performance.now();
  try {
    mkdirSync(join(task.dir, 'runs'), { recursive: true });
    const r = runDemo(loadCatalog(), {
      quick: true,
      seed: task.seed,
      pfc: true,
      onStep: (step, done, total) => post({ kind: 'progress', done, total, step }),
      onRun: (name, yaml, result) => {
        writeFileSync(join(task.dir, 'runs', `${name}.yaml`), yaml);
        writeFileSync(join(task.dir, 'runs', `${name}.json`), `${JSON.stringify(result)}\n`);
      },
    });
    post({ kind: 'progress', done: DEMO_STEPS, total: DEMO_STEPS, step: 'report' });
    writeFileSync(join(task.dir, 'report.html'), await renderReportHere(r.report));
    writeFileSync(join(task.dir, 'demo.json'), `${JSON.stringify(r)}\n`);
    return { ok: true, result: r, wallMs: Math.round(performance.now() - t) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  } finally {
    task.progress.close();
  }
}
