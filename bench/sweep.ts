// Sweeps (issue 19): a 16-point packet sweep through the built command, on the local thread pool with 1 and 2
// workers (the speed-up on this machine's 2 cores), and through a BullMQ queue on a redis-server started here on a
// free port of 127.0.0.1 with 2 worker processes of 1 thread each (the queue's overhead against the local pool of
// 2). Each configuration gets a fresh store, so every point is computed. The load average is printed beside the
// figures: on a shared machine it bounds what a speed-up can show. Needs Debian's redis-server.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redisServerPath, startRedis } from '../test/helpers/redis.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/aifabric.js', import.meta.url));

// 16 points: a 2:1 incast on incast-16's fabric (PFC, DCQCN), 8 sizes x 2 seeds, 0.7-2 M packet events (1.3-3.5 s) each here.
const SWEEP = `base: ${join(ROOT, 'scenarios/incast-16.yaml')}
vary:
  traffic[0].bytes: [160MB, 200MB, 240MB, 280MB, 320MB, 360MB, 400MB, 440MB]
seeds: [1, 2]
`;

function timeSweep(file: string, args: string[]): number {
  const store = join(mkdtempSync(join(tmpdir(), 'aifabric-bench-')), 'runs.db');
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'sweep', file, '--store', store, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`sweep ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return performance.now() - t;
}

async function waitFor(p: ChildProcess, re: RegExp): Promise<void> {
  let err = '';
  await new Promise<void>((done) =>
    p.stderr?.on('data', (d) => {
      err += String(d);
      if (re.test(err)) done();
    }),
  );
}

export async function runSweepBench(): Promise<void> {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  redisServerPath();
  const file = join(mkdtempSync(join(tmpdir(), 'aifabric-bench-')), 'bench.yaml');
  writeFileSync(file, SWEEP);
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version };
  const load = [loadavg()[0]];
  const one = timeSweep(file, ['--workers', '1']);
  load.push(loadavg()[0]);
  const two = timeSweep(file, ['--workers', '2']);
  load.push(loadavg()[0]);
  const redis = await startRedis();
  const workers = [0, 1].map(() =>
    spawn(process.execPath, [BIN, 'worker', '--queue', redis.url, '--concurrency', '1'], { cwd: ROOT }),
  );
  let queue = 0;
  try {
    await Promise.all(workers.map((w) => waitFor(w, /threads on the queue/)));
    queue = timeSweep(file, ['--queue', redis.url]);
    load.push(loadavg()[0]);
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await redis.stop();
  }
  const rows = [
    { name: 'sweep: 16 packet points, local pool, 1 worker', ms: one },
    { name: 'sweep: 16 packet points, local pool, 2 workers', ms: two, speedUp: Number((one / two).toFixed(2)) },
    {
      name: 'sweep: 16 packet points, BullMQ queue, 2 worker processes',
      ms: queue,
      overVsLocal2: Number((queue / two).toFixed(2)),
    },
  ];
  for (const r of rows)
    process.stdout.write(
      `${JSON.stringify({ ...r, ms: undefined, figure: Math.round(r.ms), unit: 'ms', loadavg1: load.map((x) => Number(x.toFixed(2))), machine })}\n`,
    );
}
