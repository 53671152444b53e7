// `aifabric sweep` and `aifabric runs` as a user meets them (issue 19), through the real command (bin/aifabric.js):
// worker threads, the SQLite store beside the sweep file, a failing point, a rerun that computes nothing, and
// Ctrl-C in the middle of a sweep leaving a whole store that the next run resumes from.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunStore } from '../../src/sweep/store.ts';
import { ROOT, runCli, runMain } from './run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'aifabric-sweep-e2e-'));
const BIN = join(ROOT, 'bin/aifabric.js');
// Incast of 2 x 20 KB on a 4-host leaf-spine: a few hundred packet events per point.
const SCENARIO = `{fabric: {topology: leaf-spine, hosts: 4, nic: 100G, switch: aurcore-32x100g}, network: {pfc: true},
  traffic: [{pattern: incast, senders: [h1, h2], receiver: h0, bytes: 20KB}], engine: packet}`;

describe('aifabric sweep and runs (issue 19)', () => {
  it('runs every point, stores each, lists a failed point and exits 1; a rerun computes nothing', async () => {
    const file = join(dir, 'loss.yaml');
    writeFileSync(file, `scenario: ${SCENARIO}\nvary: {network.loss: [0, 1e-3, 2]}\nseeds: [1, 2]\n`);
    const r = runCli(['sweep', file, '--workers', '2', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const rows = JSON.parse(r.stdout) as {
      key: string;
      point: { 'network.loss': number };
      seed: number;
      result?: { seed: number };
      error?: string;
    }[];
    expect(rows.map((x) => [x.point['network.loss'], x.seed])).toEqual([
      [0, 1],
      [0, 2],
      [1e-3, 1],
      [1e-3, 2],
      [2, 1],
      [2, 2],
    ]);
    expect(rows.slice(0, 4).every((x) => x.result?.seed === x.seed)).toBe(true);
    expect(rows[4].error).toMatch(/network\.loss/);
    expect(r.stderr).toContain('6 points: 4 computed, 0 from the store, 2 failed');
    expect(r.stderr).toMatch(/error: point \{"network.loss":2\} seed 1 \(\w{12}\) failed: .*network\.loss/);
    expect(existsSync(join(dir, 'aifabric-runs.db'))).toBe(true);

    // The same build again (the key holds the code's hash: the sources run by runMain would be other code).
    const again = runCli(['sweep', file, '--workers', '2']);
    expect(again.stderr).toContain('6 points: 0 computed, 4 from the store, 2 failed');
    expect(again.stdout.split('\n')[0]).toMatch(/^key\s+network\.loss\s+seed\s+status\s+completed/);

    const store = ['--store', join(dir, 'aifabric-runs.db')];
    const ls = JSON.parse((await runMain(['runs', 'ls', ...store, '--json'])).stdout) as {
      key: string;
      error?: string;
    }[];
    expect(ls).toHaveLength(6);
    expect(ls.filter((x) => x.error !== undefined)).toHaveLength(2);
    const show = JSON.parse((await runMain(['runs', 'show', rows[0].key.slice(0, 10), ...store, '--json'])).stdout);
    expect(show.result.seed).toBe(1);
    const csv = (await runMain(['runs', 'export', '--csv', ...store])).stdout.trim().split('\n');
    expect(csv).toHaveLength(7);
    expect(csv[0]).toMatch(/^key,network\.loss,seed,status,/);
    const html = join(dir, 'r.html');
    expect((await runMain(['runs', 'report', ...store, '-o', html])).code).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('versus network.loss');
  });

  it('Ctrl-C mid-sweep leaves a whole store; the next run computes only the missing points', async () => {
    const file = join(dir, 'stop.yaml');
    const db = join(dir, 'stop.db');
    // The second point is 10 times the first: Ctrl-C lands while it runs.
    const sizes = ['200KB', '2MB', '100KB', '110KB', '120KB'];
    writeFileSync(file, `scenario: ${SCENARIO}\nvary:\n  traffic[0].bytes: [${sizes.join(', ')}]\n`);
    const child = spawn(process.execPath, [BIN, 'sweep', file, '--workers', '1', '--store', db], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    // Stop once a point is stored (polled; bounded at 60 s).
    const stored = () => (existsSync(db) ? new RunStore(db, { readonly: true }) : null);
    for (let i = 0; i < 3000; i++) {
      const s = stored();
      const n = s?.list().length ?? 0;
      s?.close();
      if (n >= 1) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('stopped:');
    const s = new RunStore(db);
    expect(s.integrity()).toBe('ok');
    const kept = s.list().length;
    s.close();
    expect(kept).toBeGreaterThanOrEqual(1);
    expect(kept).toBeLessThan(5);
    const rest = runCli(['sweep', file, '--workers', '2', '--store', db]);
    expect(rest.code).toBe(0);
    expect(rest.stderr).toContain(`5 points: ${5 - kept} computed, ${kept} from the store, 0 failed`);
  });
});
