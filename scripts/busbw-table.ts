// Writes the bus-bandwidth table of docs/simulate.md ("NCCL's cost model"): ring all-reduce on servers of 8 GPUs,
// 1 MiB to 16 GiB, 8 to 1,024 GPUs, 100/200/400/800G NICs, on the analytic engine with the scenario defaults
// (protocol auto, channels auto: one ring per NIC), and the model's constants with their sources. Flow-engine
// spot checks with --flow (slower). Usage: node --import tsx scripts/busbw-table.ts [--flow] > table.md, or
// `--flow --write` to replace the block between docs/simulate.md's busbw-table markers (test/goldens.test.ts
// checks that the committed block is what this script prints now).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadCatalog } from '../src/catalog/index.ts';
import { type EngineKind, runEngine } from '../src/engine/index.ts';
import { designFabric } from '../src/fabric/index.ts';
import { parseScenario } from '../src/scenario/load.ts';
import { compileTraffic } from '../src/workload/compile.ts';
import { NCCL_2_20_3, PROTOCOLS, protocolChunkBytes, wireEfficiency } from '../src/workload/nccl/index.ts';

const SIZES = [20, 22, 24, 26, 28, 30, 32, 34].map((k) => 2 ** k);
const GPUS = [8, 64, 512, 1024];
const NICS = ['100G', '200G', '400G', '800G'];
const catalog = loadCatalog();

const label = (b: number) => (b >= 2 ** 30 ? `${b / 2 ** 30} GiB` : `${b / 2 ** 20} MiB`);

/**
 * The GPU of a row's servers: H100 (NVLink 4, NCCL's 18 x 20.6 GB/s = 370.8 GB/s inside a server: catalog/gpus.yaml)
 * with 100G to 400G NICs, as HGX H100 servers ship them; B200 (NVLink 5) with 800G NICs, as HGX B200 servers do.
 * Without a profile a server's NVLink would be the plain default, and the 8-GPU row would reach it exactly.
 */
const gpuOf = (nic: string) => (nic === '800G' ? 'b200' : 'h100');

/** One run: busbw (GB/s) and the protocol the model chose. */
function run(gpus: number, nic: string, bytes: number, engine: EngineKind): { busbw: number; protocol: string } {
  const sw = nic === '800G' ? 'generic-144x800g' : 'generic-128x400g';
  const yaml = `fabric: {topology: rail-optimized, hosts: ${gpus}, nic: ${nic}, switch: ${sw}, gpusPerNode: 8, gpu: ${gpuOf(nic)}}
traffic: [{collective: all-reduce, algorithm: ring, bytes: ${bytes}}]`;
  const s = parseScenario(yaml, catalog);
  const d = designFabric(s.fabric, catalog);
  const program = compileTraffic(s, d.fabric);
  const r = runEngine(engine, d.fabric, program, s, catalog, { seed: s.seed });
  const op = r.ops?.[0];
  return { busbw: op?.busbwGBps ?? Number.NaN, protocol: program.ops[0].protocol ?? '-' };
}

function table(): string[] {
  const out = [
    `| GPUs | GPU | NIC | ${SIZES.map(label).join(' | ')} |`,
    `|---|---|---|${SIZES.map(() => '---:').join('|')}|`,
  ];
  for (const g of GPUS)
    for (const nic of g === 8 ? ['any'] : NICS) {
      const cells = SIZES.map((b) => {
        const { busbw, protocol } = run(g, nic === 'any' ? '400G' : nic, b, 'analytic');
        return `${busbw.toFixed(1)} ${protocol}`;
      });
      const gpu = gpuOf(nic === 'any' ? '400G' : nic).toUpperCase();
      out.push(`| ${g} | ${gpu} | ${nic} | ${cells.join(' | ')} |`);
    }
  return out;
}

function spotChecks(): string[] {
  const out = ['| GPUs | NIC | size | analytic | flow | flow / analytic |', '|---|---|---|---:|---:|---:|'];
  for (const [g, nic, b] of [
    [64, '400G', 2 ** 20],
    [64, '400G', 2 ** 26],
    [64, '400G', 2 ** 30],
    [512, '400G', 2 ** 26],
  ] as const) {
    const a = run(g, nic, b, 'analytic').busbw;
    const f = run(g, nic, b, 'flow').busbw;
    out.push(`| ${g} | ${nic} | ${label(b)} | ${a.toFixed(2)} | ${f.toFixed(2)} | ${(f / a).toFixed(4)} |`);
  }
  return out;
}

function constants(): string[] {
  const k = NCCL_2_20_3;
  const row = (name: string, v: string, src: string) => `| ${name} | ${v} | ${src} |`;
  const pp = (x: Record<string, number>) => PROTOCOLS.map((p) => `${p} ${x[p]}`).join(', ');
  return [
    '| constant | value | source |',
    '|---|---|---|',
    row('baseLat ring (us)', pp(k.baseLatUs.ring), 'tuning.cc `baseLat`'),
    row('baseLat tree (us)', pp(k.baseLatUs.tree), 'tuning.cc `baseLat`'),
    row('hwLat NVLink ring (us)', pp(k.hwLatUs.nvlink.ring), 'tuning.cc `hwLat[NCCL_HW_NVLINK]`'),
    row('hwLat NET ring (us)', pp(k.hwLatUs.net.ring), 'tuning.cc `hwLat[NCCL_HW_NET]`'),
    row('hwLat NVLink tree (us)', pp(k.hwLatUs.nvlink.tree), 'tuning.cc `hwLat[NCCL_HW_NVLINK]`'),
    row('hwLat NET tree (us)', pp(k.hwLatUs.net.tree), 'tuning.cc `hwLat[NCCL_HW_NET]`'),
    row('net overhead (us per step)', `${k.netOverheadUs} (x3 Simple)`, 'tuning.cc `getNetOverhead` (Intel x86)'),
    row('ring LL bandwidth', 'x 1/4, cap llMaxBw (Hopper: 87.7, 22.5, 19.0 GB/s for 1, 2, 4+ nodes)', 'tuning.cc'),
    row('ring LL128 bandwidth', 'x 0.92 (x 0.7 at 1 GPU per node), cap 36.7 GB/s per channel', 'tuning.cc'),
    row('tree bandwidth', 'x 0.92, cap 38.7/41.4/36.0 GB/s per channel; LL /3.8; LL128 x 120/128', 'tuning.cc'),
    row(
      'ring plateau',
      `latency x ${k.ringPlateau} (Simple all-reduce, several nodes)`,
      'tuning.cc `ncclTopoGetAlgoTime`',
    ),
    row('inter-node steps of a ring all-reduce', '2 x nNodes', 'tuning.cc `nInterSteps`'),
    ...PROTOCOLS.map((p) =>
      row(
        `${p} line format, chunk`,
        `${wireEfficiency(p)} data per wire byte, ${protocolChunkBytes(p)} B per chunk`,
        'device.h, init.cc',
      ),
    ),
  ];
}

/** The table, the flow spot checks (with `flow`) and the constants, as docs/simulate.md holds them. */
export function busbwTableMarkdown(flow: boolean): string {
  const lines = [
    `Ring all-reduce bus bandwidth (GB/s, nccl-tests' busbw) and the protocol NCCL's model picks, on the analytic`,
    `engine: rail-optimized fabrics of 8-GPU servers (H100; B200 with 800G NICs: \`fabric.gpu\`), every rail used`,
    `(channels: auto), network defaults.`,
    '',
    ...table(),
    '',
    ...(flow ? ['Flow-engine spot checks:', '', ...spotChecks(), ''] : []),
    `Constants (${NCCL_2_20_3.release}):`,
    '',
    ...constants(),
  ];
  return `${lines.join('\n')}\n`;
}

export const SIMULATE_MD = fileURLToPath(new URL('../docs/simulate.md', import.meta.url));
const START = '<!-- busbw-table:start -->\n';
const END = '<!-- busbw-table:end -->';

/** The block between docs/simulate.md's busbw-table markers. */
export function committedBusbwTable(doc = readFileSync(SIMULATE_MD, 'utf8')): string {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${SIMULATE_MD}: no busbw-table markers`);
  return doc.slice(a + START.length, b);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = busbwTableMarkdown(process.argv.includes('--flow'));
  if (process.argv.includes('--write')) {
    const doc = readFileSync(SIMULATE_MD, 'utf8');
    const old = committedBusbwTable(doc);
    const at = doc.indexOf(START) + START.length;
    writeFileSync(SIMULATE_MD, doc.slice(0, at) + text + doc.slice(at + old.length));
  } else process.stdout.write(text);
}
