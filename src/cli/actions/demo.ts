// `aifabric demo`: the main job. Designs a training and an inference fabric from the catalog, simulates both,
// prints the seed's comparison with measured evidence and verdicts, and writes a self-contained HTML report.
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { loadCatalog } from '../../catalog/index.ts';
import { DEMO_STEPS, type DemoResult, runDemo } from '../../demo/run.ts';
import { renderReport } from '../../report/html.ts';
import type { Result } from '../../result/types.ts';
import { intOption, SEED_RANGE } from '../options.ts';
import { writeFilesAtomically } from '../output.ts';
import { reportInvariants } from './invariants.ts';

export { SCENARIO_DIR } from '../../demo/run.ts';

const VERDICT = {
  supported: 'supported',
  'not supported': 'NOT supported',
  depends: 'depends',
  'not decided at quick scale': 'not decided at quick scale',
} as const;

/** The demo's text output: what ran, then each row of the seed's table with the claim, evidence and verdict. */
export function demoText(r: DemoResult, reportPath: string): string {
  const out: string[] = [];
  const e = r.evidence;
  out.push(
    `aifabric demo${r.options.quick ? ' --quick' : ''} (seed ${r.options.seed}): the seed's training-versus-inference comparison, measured`,
  );
  out.push('');
  for (const d of r.report.designs ?? [])
    out.push(
      `  ${d.name}: ${d.summary}; $${Math.round(d.totals.costUsd).toLocaleString('en-US')}, ${(d.totals.powerW / 1000).toFixed(1)} kW, $${Math.round(d.totals.perHostUsd).toLocaleString('en-US')} per host`,
    );
  out.push('');
  out.push(
    `  training: ${e.training.gpus} GPUs, iteration ${e.training.iterationMs.toFixed(1)} ms (compute ${e.training.computeMs.toFixed(1)}, communication ${e.training.commMs.toFixed(1)}, exposed ${e.training.exposedCommMs.toFixed(1)}); busbw ${e.training.busbwGBps.toFixed(1)} GB/s leaf-spine, ${e.training.busbwRailGBps.toFixed(1)} GB/s rail-optimized (packet engine)`,
  );
  out.push(
    `  inference: ${e.inference.requests} requests at ${e.inference.ratePerS.toFixed(1)}/s on ${e.inference.replicas} replicas; p99 TTFT ${e.inference.p99TtftMs.toFixed(1)} ms, p99 TPOT ${e.inference.p99TpotMs.toFixed(1)} ms, token jitter ${e.inference.jitterMs.toFixed(1)} ms; ${e.inference.replicasForSlo} replicas meet the SLO`,
  );
  let aspect = '';
  for (const c of r.claims) {
    if (c.aspect !== aspect) {
      aspect = c.aspect;
      out.push('');
      out.push(`${aspect}`);
    }
    out.push(`  ${c.side.padEnd(9)} claim:    ${c.claim}`);
    out.push(`  ${''.padEnd(9)} measured: ${c.evidence}`);
    out.push(`  ${''.padEnd(9)} verdict:  ${VERDICT[c.verdict]} (${c.rule})`);
  }
  const count = (v: string) => r.claims.filter((c) => c.verdict === v).length;
  out.push('');
  out.push(
    `${r.claims.length} claims: ${count('supported')} supported, ${count('depends')} depend on conditions, ${count('not supported')} not supported`,
  );
  out.push(`report: ${reportPath}`);
  return `${out.join('\n')}\n`;
}

/** What `aifabric demo` was given (its options are declared in src/cli/commands/demo.ts). */
export interface DemoOptions {
  quick?: boolean;
  /** Default: aifabric-demo, or aifabric-demo-quick with --quick (a quick run never overwrites a full one). */
  out?: string;
  seed: string;
  pfc: boolean;
  json?: boolean;
  catalog?: string[];
}

/**
 * The seam a test injects through: each engine result of the demo passes here before its invariants are checked
 * (a test marks one failed to see exit 4; the engines themselves are not replaced).
 */
export interface DemoHooks {
  onResult?: (r: Result) => void;
}

export async function demo(opts: DemoOptions, hooks: DemoHooks = {}): Promise<void> {
  const seed = intOption('--seed', opts.seed, SEED_RANGE);
  const catalog = loadCatalog((opts.catalog ?? []).map((f) => resolve(f)));
  const tty = process.stderr.isTTY === true;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: 'demo [{bar}] {value}/{total} {step}', stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(DEMO_STEPS, 0, { step: '' });
  const t0 = performance.now();
  const dir = resolve(opts.out ?? (opts.quick === true ? 'aifabric-demo-quick' : 'aifabric-demo'));
  // Each simulation's scenario and --json result, as runs/NAME.yaml and runs/NAME.json (what the evidence reads).
  const runs: { path: string; content: string }[] = [];
  // Only the invariants are kept: the demo's runs are large, and most are dropped once their numbers are read.
  const results: Pick<Result, 'invariants'>[] = [];
  const r = runDemo(catalog, {
    quick: opts.quick === true,
    seed,
    pfc: opts.pfc,
    onResult: (x) => {
      hooks.onResult?.(x);
      results.push({ invariants: x.invariants });
    },
    onStep: (label, done, total) => {
      if (bar) bar.update(done, { step: label });
      else
        process.stderr.write(`[${done + 1}/${total}] ${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    },
    onRun: (name, yaml, result) => {
      runs.push({ path: resolve(dir, 'runs', `${name}.yaml`), content: yaml });
      runs.push({ path: resolve(dir, 'runs', `${name}.json`), content: `${JSON.stringify(result)}\n` });
    },
  });
  bar?.update(DEMO_STEPS, { step: 'done' });
  bar?.stop();
  const reportPath = resolve(dir, 'report.html');
  writeFilesAtomically(
    [
      { path: reportPath, content: await renderReport(r.report) },
      { path: resolve(dir, 'demo.json'), content: `${JSON.stringify(r)}\n` },
      ...runs,
    ],
    '--out',
  );
  process.stdout.write(opts.json ? `${JSON.stringify(r)}\n` : demoText(r, reportPath));
  // A failed invariant in any of the demo's runs is a bug, as in simulate: printed on stderr, exit 4.
  reportInvariants(results);
}
