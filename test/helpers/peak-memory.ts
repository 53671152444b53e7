// Peak memory of one run in a fresh process, for the resource guard's memory test (src/engine/guard.test.ts):
// peak RSS (the engine's own peak and the RSS at the end) above the RSS after a GC at the start, through the
// design, compile and run, beside the guard's estimate. A fresh process, because a test worker's heap already
// holds other tests' garbage. Run as `node --expose-gc --import tsx test/helpers/peak-memory.ts ENGINE YAML`.
import { loadCatalog } from '../../src/catalog/index.ts';
import { estimateRun } from '../../src/engine/guard.ts';
import { type EngineKind, runEngine } from '../../src/engine/index.ts';
import { designFabric } from '../../src/fabric/index.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { compileTraffic } from '../../src/workload/compile.ts';

const [engine, yaml] = process.argv.slice(2) as [EngineKind, string];
const catalog = loadCatalog();
const s = parseScenario(yaml, catalog);
(globalThis as { gc?: () => void }).gc?.();
const rss0 = process.memoryUsage.rss();
const fabric = designFabric(s.fabric, catalog).fabric;
const program = compileTraffic(s, fabric);
const est = estimateRun(engine, fabric, program, s.network?.mtu ?? 4096);
const r = runEngine(engine, fabric, program, s, catalog, { seed: s.seed });
const peak = Math.max(r.stats.peakRssMB * 1e6, process.memoryUsage.rss());
process.stdout.write(`${JSON.stringify({ estimatedBytes: est.peakBytes, measuredBytes: peak - rss0 })}\n`);
