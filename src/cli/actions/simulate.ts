import { totalmem } from 'node:os';
import cliProgress from 'cli-progress';
import { parseBytes } from '../../base/units.ts';
import type { Catalog } from '../../catalog/index.ts';
import {
  checkFabricSize,
  checkInferenceRequests,
  checkInferenceSlots,
  checkResources,
  estimateRun,
  maxCompiledTasks,
  type ResourceLimits,
} from '../../engine/guard.ts';
import type { runInference } from '../../engine/inference/index.ts';
import { inferenceItem } from '../../engine/inference/setup.ts';
import { type EngineKind, type EngineRun, loadEngine } from '../../engine/select.ts';
import { ScenarioError } from '../../errors.ts';
import { designGraph } from '../../fabric/index.ts';
import type { Fabric } from '../../fabric/types.ts';
import { type SweepOutput, simulateText, sweepText } from '../../report/simulate.ts';
import type { Result } from '../../result/types.ts';
import { loadScenarioFile, locatingErrors } from '../../scenario/load.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { parseSweep, withBytes } from '../../scenario/sweep.ts';
import { compileTraffic } from '../../workload/compile.ts';
import { catalogFor } from '../catalog-option.ts';
import { intOption, SEED_RANGE, timeOption } from '../options.ts';
import { writeFilesAtomically } from '../output.ts';
import { reportInvariants } from './invariants.ts';

/** The engine code a run needs, imported when the scenario is known (src/engine/select.ts): a training run
 * loads the engine it runs on, not the other two nor the inference service model; an inference run loads that. */
type Runner = { inference: typeof runInference } | { engine: EngineRun };

async function loadRunner(inference: boolean, engine: EngineKind): Promise<Runner> {
  if (inference) return { inference: (await import('../../engine/inference/index.ts')).runInference };
  return { engine: await loadEngine(engine) };
}

function runOnce(
  runner: Runner,
  s: Scenario,
  fabric: Fabric,
  catalog: Catalog,
  engine: EngineKind,
  seed: number,
  untilPs: number,
  name: string,
  showProgress: boolean,
  limits: ResourceLimits,
): Result {
  const inf = inferenceItem(s);
  if (inf) {
    if (!('inference' in runner)) throw new Error('simulate: an inference scenario was given a training engine');
    const llm = 'llm' in inf.spec.service ? inf.spec.service.llm : null;
    const path = `traffic[${inf.index}].inference.${llm ? 'service.llm.maxBatch' : 'concurrency'}`;
    checkInferenceSlots(inf.spec.replicas, llm ? llm.maxBatch : inf.spec.concurrency, path, limits);
    if (inf.spec.requests !== undefined)
      checkInferenceRequests(inf.spec.requests, `traffic[${inf.index}].inference.requests`, limits);
    const bar = showProgress
      ? new cliProgress.SingleBar(
          { format: `${engine} [{bar}] {value} requests | t = {sim}`, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(inferenceItem(s)?.spec.requests ?? 0, 0, { sim: '0 s' });
    const r = runner.inference(engine, fabric, { ...s, seed }, catalog, {
      seed,
      maxTimePs: untilPs,
      name,
      onProgress: (done, _total, now) => bar?.update(done, { sim: `${(now / 1e12).toFixed(1)} s` }),
    });
    bar?.stop();
    return r;
  }
  const program = compileTraffic({ ...s, seed }, fabric, { maxTasks: maxCompiledTasks(limits), catalog });
  checkResources(engine, estimateRun(engine, fabric, program, s.network?.mtu ?? 4096), limits);
  const bar = showProgress
    ? new cliProgress.SingleBar(
        { format: `${engine} [{bar}] {value}/{total} tasks | t = {sim}`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(program.transfers.length, 0, { sim: '0 us' });
  if (!('engine' in runner)) throw new Error('simulate: a training scenario was given the inference model');
  const result = runner.engine(fabric, program, { ...s, seed }, catalog, {
    seed,
    maxTimePs: untilPs,
    name,
    onProgress: (done, _total, now) => bar?.update(done, { sim: `${(now / 1e6).toFixed(1)} us` }),
  });
  bar?.stop();
  return result;
}

/** What a run gave, for its report: one result, or a sweep's points. */
type Run = { sweep: SweepOutput } | { result: Result };

/** What `aifabric simulate` was given (its options are declared in src/cli/commands/simulate.ts). */
export interface SimulateOptions {
  engine?: EngineKind;
  seed?: string;
  until?: string;
  sweep?: string;
  json?: boolean;
  report?: string;
  maxMemory?: string;
  maxEvents?: string;
  catalog?: string[];
}

/** --max-memory (default: half of this machine's memory) and --max-events (default: none). */
function resourceLimits(opts: SimulateOptions): ResourceLimits {
  const mem = opts.maxMemory === undefined ? totalmem() / 2 : parseBytes(opts.maxMemory);
  if (!(mem > 0) || !Number.isFinite(mem))
    throw new ScenarioError([
      { path: '--max-memory', message: `"${opts.maxMemory}" is not a size (write it like --max-memory 8GB)` },
    ]);
  const events = opts.maxEvents === undefined ? Number.POSITIVE_INFINITY : Number(opts.maxEvents);
  if (!(events > 0) || !/^[0-9]+(e[0-9]+)?$/i.test(opts.maxEvents ?? '1'))
    throw new ScenarioError([
      { path: '--max-events', message: `"${opts.maxEvents}" is not a positive whole number (write it like 1e8)` },
    ]);
  return { maxMemoryBytes: mem, maxEvents: events };
}

export async function simulate(file: string, opts: SimulateOptions): Promise<void> {
  const setup = locatingErrors(file, () => {
    const catalog = catalogFor(file, opts.catalog);
    const s = loadScenarioFile(file, catalog);
    const seed = opts.seed === undefined ? s.seed : intOption('--seed', opts.seed, SEED_RANGE);
    const until =
      opts.until === undefined
        ? inferenceItem(s)
          ? Number.POSITIVE_INFINITY
          : 10e12
        : timeOption('--until', opts.until);
    const isInference = inferenceItem(s) !== null;
    const engine: EngineKind = (opts.engine as EngineKind | undefined) ?? s.engine ?? (isInference ? 'flow' : 'packet');
    if (isInference && (opts.sweep !== undefined || s.sweep))
      throw new ScenarioError([
        {
          path: opts.sweep !== undefined ? '--sweep' : 'sweep',
          message: 'sweeps collective sizes; an inference scenario has none (use aifabric capacity for replica counts)',
        },
      ]);
    if (!s.traffic || s.traffic.length === 0)
      throw new ScenarioError([
        {
          path: 'traffic',
          message: 'is required to simulate (e.g. traffic: [{pattern: permutation, bytes: 1MB}])',
        },
      ]);
    const sweepSpec = opts.sweep ?? (s.sweep ? `bytes=${s.sweep.bytes}` : undefined);
    const sweepPath = opts.sweep !== undefined ? '--sweep' : 'sweep.bytes';
    const sweep = sweepSpec === undefined ? null : parseSweep(sweepSpec, sweepPath);
    const limits = resourceLimits(opts);
    checkFabricSize(s.fabric.hosts, limits);
    const fabric = designGraph(s.fabric, catalog, s.name);
    return { catalog, s, seed, until, isInference, engine, sweep, sweepPath, limits, fabric };
  });
  const { catalog, s, seed, until, isInference, engine, sweep, sweepPath, limits, fabric } = setup;
  const runner = await loadRunner(isInference, engine);
  const done = locatingErrors(file, () => {
    const progress = process.stderr.isTTY === true && !opts.json;
    const name = s.name ?? file;
    if (sweep) {
      const points = sweep.values.map((bytes) => {
        const r = runOnce(
          runner,
          withBytes(s, bytes, sweepPath),
          fabric,
          catalog,
          engine,
          seed,
          until,
          name,
          progress,
          limits,
        );
        return { bytes, result: r };
      });
      const out: SweepOutput = {
        version: 1,
        engine,
        scenario: name,
        seed,
        sweep: points.map((p) => ({ bytes: p.bytes, ops: p.result.ops ?? [], completed: p.result.completed })),
      };
      return {
        run: { sweep: out } as Run,
        text: opts.json ? `${JSON.stringify(out)}\n` : sweepText(out),
        results: points.map((p) => p.result),
      };
    }
    const result = runOnce(runner, s, fabric, catalog, engine, seed, until, name, progress, limits);
    return {
      run: { result } as Run,
      text: opts.json ? `${JSON.stringify(result)}\n` : simulateText(result),
      results: [result],
    };
  });
  // The report is drawn after the run (vega renders asynchronously), then written before anything is printed. Its
  // modules (vega, vega-lite: about 180 ms of start-up) load only when a report is asked for.
  if (opts.report) {
    const { reportFromResult, reportFromSweep } = await import('../../report/from-result.ts');
    const { renderReport } = await import('../../report/html.ts');
    const report = 'sweep' in done.run ? reportFromSweep(done.run.sweep) : reportFromResult(done.run.result);
    writeFilesAtomically([{ path: opts.report, content: await renderReport(report) }], '--report');
  }
  process.stdout.write(done.text);
  reportInvariants(done.results);
}
