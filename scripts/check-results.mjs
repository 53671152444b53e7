// `npm run check:results`: every case's `--json` output, with its `stats` blocks (wall time, memory) and `wallMs`
// timings removed, hashed and compared with the committed hashes in test/results/hashes.json. A refactoring that changes
// nothing a user sees keeps every hash; an intended change of results updates them (`-- --update`) in a commit
// that says which results changed and why.
//
//   npm run check:results                  the quick cases (scenarios/, goldens, small bench scenarios)
//   npm run check:results -- --full        also the full bench scenarios (minutes)
//   npm run check:results -- --only NAME   the cases whose name contains NAME
//   npm run check:results -- --save DIR    also write each stripped output to DIR/NAME.json (for a diff)
//   npm run check:results -- --update      write the hashes of this run (of the cases that ran)
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from './results-cases.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const hashesPath = join(root, 'test/results/hashes.json');
const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const value = (f) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
const only = value('--only');
const saveDir = value('--save');
const cases = CASES.filter((c) => (flag('--full') || !c.full) && (only === undefined || c.name.includes(only)));
// The cases run the built CLI (bin/aifabric.js runs dist/): build it from the current sources first, never compare
// a stale build.
if (spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' }).status !== 0) process.exit(1);

const tmp = mkdtempSync(join(tmpdir(), 'aifabric-results-'));

/** The output without its `stats` blocks and the demo's step timings (`wallMs`): the only parts that may differ
 * between two runs of the same code. */
function strip(v) {
  if (Array.isArray(v)) return v.map(strip);
  if (v === null || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) if (k !== 'stats' && k !== 'wallMs') out[k] = strip(x);
  return out;
}

function run(c) {
  const args = c.args.map((a) => (a === '$FILE' ? writeCase(c) : a.replace('$ROOT', root)));
  return new Promise((resolvePromise) => {
    const t = performance.now();
    const p = spawn(process.execPath, [join(root, 'bin/aifabric.js'), ...args], { cwd: tmp });
    const out = [];
    const err = [];
    p.stdout.on('data', (d) => out.push(d));
    p.stderr.on('data', (d) => err.push(d));
    p.on('close', (code) => {
      const ms = performance.now() - t;
      const stdout = Buffer.concat(out).toString('utf8');
      let text;
      try {
        text = JSON.stringify(strip(JSON.parse(stdout)), null, 1);
      } catch {
        text = `exit ${code}\n${stdout}\n${Buffer.concat(err).toString('utf8')}`;
      }
      resolvePromise({
        name: c.name,
        code,
        ms,
        text,
        hash: createHash('sha256').update(text).digest('hex').slice(0, 20),
      });
    });
  });
}

function writeCase(c) {
  // Relative to the CLI's working directory: a result names its scenario file when the scenario has no name.
  writeFileSync(join(tmp, `${c.name}.yaml`), c.yaml);
  return `${c.name}.yaml`;
}

const committed = (() => {
  try {
    return JSON.parse(readFileSync(hashesPath, 'utf8'));
  } catch {
    return {};
  }
})();
const results = [];
const queue = [...cases];
const workers = Math.max(1, Math.min(Number(value('--jobs') ?? cpus().length), 4));
await Promise.all(
  Array.from({ length: workers }, async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const r = await run(c);
      results.push(r);
      const want = committed[r.name];
      const verdict = want === undefined ? 'new' : want === r.hash ? 'same' : 'CHANGED';
      process.stdout.write(`${verdict.padEnd(7)} ${r.name} (${(r.ms / 1000).toFixed(1)} s, exit ${r.code})\n`);
      if (saveDir) {
        mkdirSync(saveDir, { recursive: true });
        writeFileSync(join(saveDir, `${r.name}.json`), r.text);
      }
    }
  }),
);
rmSync(tmp, { recursive: true, force: true });
const changed = results.filter((r) => committed[r.name] !== undefined && committed[r.name] !== r.hash);
const fresh = results.filter((r) => committed[r.name] === undefined);
if (flag('--update')) {
  const next = { ...committed };
  for (const r of results) next[r.name] = r.hash;
  const sorted = Object.fromEntries(Object.entries(next).sort(([a], [b]) => a.localeCompare(b)));
  mkdirSync(join(root, 'test/results'), { recursive: true });
  writeFileSync(hashesPath, `${JSON.stringify(sorted, null, 2)}\n`);
  process.stdout.write(`wrote ${results.length} hashes to test/results/hashes.json\n`);
  process.exit(0);
}
process.stdout.write(
  `${results.length - changed.length - fresh.length} identical, ${changed.length} changed, ${fresh.length} without a committed hash\n`,
);
process.exit(changed.length === 0 && fresh.length === 0 ? 0 : 1);
