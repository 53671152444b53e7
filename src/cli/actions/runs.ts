// `aifabric runs ls | show KEY | export --csv | report -o FILE`: read the run store of `aifabric sweep`.
import { existsSync } from 'node:fs';
import { ScenarioError } from '../../errors.ts';
import type { Result } from '../../result/types.ts';
import { pointMetrics } from '../../sweep/metrics.ts';
import { RunStore, type StoredRun } from '../../sweep/store.ts';
import { rowsCsv, rowsText, type TableRow } from '../../sweep/table.ts';
import { writeFilesAtomically } from '../output.ts';

export interface RunsOptions {
  store?: string;
  sweep?: string;
  json?: boolean;
  csv?: boolean;
  output?: string;
}

function openStore(opts: RunsOptions): RunStore {
  const path = opts.store ?? 'aifabric-runs.db';
  if (!existsSync(path))
    throw new ScenarioError([
      {
        path: '--store',
        message: `no run store at ${path} (run aifabric sweep first, or name the store with --store PATH)`,
      },
    ]);
  return new RunStore(path, { readonly: true });
}

function withStore<T>(opts: RunsOptions, f: (s: RunStore) => T): T {
  const store = openStore(opts);
  try {
    return f(store);
  } finally {
    store.close();
  }
}

const tableRow = (r: StoredRun): TableRow => ({
  key: r.key,
  point: r.point,
  seed: r.seed,
  ...(r.result !== undefined ? { result: JSON.parse(r.result) as Result } : { error: r.error }),
});

/** One object per run for `ls --json`: everything but the scenario and result bodies, with the key metrics. */
function summary(r: StoredRun) {
  const { scenario: _s, result, ...rest } = r;
  return { ...rest, metrics: result === undefined ? null : pointMetrics(JSON.parse(result) as Result) };
}

export function runsLs(opts: RunsOptions): void {
  withStore(opts, (store) => {
    const runs = store.list(opts.sweep);
    process.stdout.write(opts.json ? `${JSON.stringify(runs.map(summary))}\n` : rowsText(runs.map(tableRow)));
  });
}

export function runsShow(key: string, opts: RunsOptions): void {
  withStore(opts, (store) => {
    const r = store.get(key);
    if (!r)
      throw new ScenarioError([
        {
          path: 'key',
          message: `no single run has a key starting with "${key}" (aifabric runs ls lists them; give at least 6 characters)`,
        },
      ]);
    const full = { ...r, result: r.result === undefined ? undefined : (JSON.parse(r.result) as unknown) };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(full)}\n`);
      return;
    }
    process.stdout.write(
      `key       ${r.key}\nsweep     ${r.sweep}\npoint     ${JSON.stringify(r.point)}\nseed      ${r.seed}\nengine    ${r.engine}\ncode      ${r.code.slice(0, 16)}\nran       ${r.startedAt} .. ${r.finishedAt} (${r.wallMs.toFixed(0)} ms on ${r.worker})\n`,
    );
    if (r.result !== undefined)
      process.stdout.write(`metrics   ${JSON.stringify(pointMetrics(JSON.parse(r.result) as Result))}\n`);
    else process.stdout.write(`error     ${r.error}\n`);
  });
}

export function runsExport(opts: RunsOptions): void {
  withStore(opts, (store) => process.stdout.write(rowsCsv(store.list(opts.sweep).map(tableRow))));
}

export async function runsReport(opts: RunsOptions): Promise<void> {
  const runs = withStore(opts, (store) => store.list(opts.sweep));
  const { reportFromRuns } = await import('../../sweep/report.ts');
  const { renderReport } = await import('../../report/html.ts');
  const output = opts.output ?? 'sweep-report.html';
  writeFilesAtomically([{ path: output, content: await renderReport(reportFromRuns(runs)) }], '--output');
  process.stderr.write(`wrote ${output} (${runs.length} runs)\n`);
}
