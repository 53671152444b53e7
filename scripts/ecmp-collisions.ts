// Why a multi-rail ring all-reduce on a leaf-spine Clos falls short of NCCL's model (issues 14 and 15): per-flow
// ECMP hashes each ring edge that crosses leaves onto one uplink, and the busiest uplink serializes its M edges.
// Runs the demo's switch-claim slice (4 servers x 8 GPUs on two leaves of the 32x400G Clos, channels auto) on the
// analytic engine (the non-blocking time) and on the flow engine for several seeds, reads M from the per-link
// bytes, and compares the measured busbw with the closed form T(M) = T_ideal + (M - 1) x edge bytes / line rate.
// Then the exact distribution of M under uniform hashing and the busbw to expect from it.
// Leaves out: the packet engine (its congestion control loses more on the shared uplink; see the report),
// adaptive routing and packet spraying (the fabric hashes per flow).
// Usage: node --import tsx scripts/ecmp-collisions.ts [seeds=8] > table.md
import { loadCatalog } from '../src/catalog/index.ts';
import { type EngineKind, runEngine } from '../src/engine/index.ts';
import { designFabric } from '../src/fabric/index.ts';
import { parseScenario } from '../src/scenario/load.ts';
import { compileTraffic } from '../src/workload/compile.ts';

const RANKS = 32;
const RAILS = 8;
const BYTES = 256 * 2 ** 20; // NCCL runs Simple here: a ring edge's wire bytes are 2(n-1)/n x bytes / channels
const EDGE = ((2 * (RANKS - 1)) / RANKS) * (BYTES / RAILS);
const UPLINKS = 16; // per leaf: 16 hosts down, 16 up on a 32-port leaf
const EDGES_PER_SIDE = 8; // two cross-leaf edges per ring, 8 rings: 8 leave each leaf, 8 enter each
const SIDES = 4; // leaf0 up, leaf1 up, spine down to leaf0, spine down to leaf1 (16 parallel links each way)
const catalog = loadCatalog();

function run(engine: EngineKind, seed: number) {
  const yaml = `fabric: {topology: leaf-spine, hosts: ${RANKS}, nic: 400G, switch: aurcore-32x400g, gpusPerNode: ${RAILS}}
traffic: [{collective: all-reduce, algorithm: ring, bytes: ${BYTES}}]`;
  const s = { ...parseScenario(yaml, catalog), seed };
  const fabric = designFabric(s.fabric, catalog).fabric;
  return runEngine(engine, fabric, compileTraffic(s, fabric), s, catalog, { seed });
}

/** P(no bin holds more than k) when b balls fall uniformly in n bins: b!/n^b [x^b] (sum_{j<=k} x^j/j!)^n. */
function pMaxAtMost(k: number, b: number, n: number): number {
  let poly = [1];
  const term = Array.from({ length: k + 1 }, (_, j) => 1 / factorial(j));
  for (let i = 0; i < n; i++) {
    const next = new Array<number>(Math.min(poly.length + k, b + 1)).fill(0);
    for (let a = 0; a < poly.length; a++) for (let j = 0; j <= k && a + j <= b; j++) next[a + j] += poly[a] * term[j];
    poly = next;
  }
  return ((poly[b] ?? 0) * factorial(b)) / n ** b;
}

function factorial(x: number): number {
  let f = 1;
  for (let i = 2; i <= x; i++) f *= i;
  return f;
}

function main(): void {
  const seeds = Number(process.argv[2] ?? 8);
  const ideal = run('analytic', 1).ops?.[0];
  if (!ideal) throw new Error('no op');
  const lineBps = 400e9;
  const edgePs = (EDGE * 8 * 1e12) / lineBps;
  const closedBusbw = (m: number) => (ideal.busbwGBps * ideal.timePs) / (ideal.timePs + (m - 1) * edgePs);
  console.log(`non-blocking (analytic, NCCL model): ${ideal.busbwGBps.toFixed(1)} GB/s\n`);
  console.log('| seed | M (edges on busiest uplink) | flow busbw GB/s | closed form GB/s | off |');
  console.log('|---|---|---|---|---|');
  for (let seed = 1; seed <= seeds; seed++) {
    const r = run('flow', seed);
    const op = r.ops?.[0];
    if (!op) throw new Error('no op');
    const worst = Math.max(...(r.links ?? []).filter((l) => l.tiers === 'leaf-spine').map((l) => l.bytes));
    const m = Math.round(worst / EDGE);
    const c = closedBusbw(m);
    const off = ((op.busbwGBps / c - 1) * 100).toFixed(1);
    console.log(`| ${seed} | ${m} | ${op.busbwGBps.toFixed(1)} | ${c.toFixed(1)} | ${off}% |`);
  }
  console.log(`\nM under uniform per-flow hashing (${EDGES_PER_SIDE} edges on ${UPLINKS} links, ${SIDES} sides):\n`);
  console.log('| M | P(M) | closed-form busbw GB/s |');
  console.log('|---|---|---|');
  let expected = 0;
  let below = 0;
  for (let m = 1; m <= EDGES_PER_SIDE; m++) {
    const atMost = pMaxAtMost(m, EDGES_PER_SIDE, UPLINKS) ** SIDES;
    const p = atMost - below;
    below = atMost;
    expected += p * closedBusbw(m);
    if (p > 1e-5) console.log(`| ${m} | ${p.toFixed(4)} | ${closedBusbw(m).toFixed(1)} |`);
  }
  console.log(
    `\nexpected busbw: ${expected.toFixed(1)} GB/s (${((expected / ideal.busbwGBps) * 100).toFixed(0)}% of non-blocking)`,
  );
}

main();
