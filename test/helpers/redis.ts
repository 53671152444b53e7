// A real redis-server (Debian's package; .ci/run installs it) for the queue's fault tests: on a free port of
// 127.0.0.1, in a temp folder, with its append-only file on and fsynced at every write, so a restart keeps every
// job. Started and stopped by the test; nothing else on the machine is touched.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRedis {
  port: number;
  url: string;
  dir: string;
  /** Stops the server (SIGTERM: it writes its AOF and exits) and waits for it. */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder. */
  start(): Promise<void>;
}

export function redisServerPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'redis-server is not installed: apt-get install redis-server (Debian package; .ci/run installs it)',
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      srv.close(() => done(port));
    });
  });
}

export async function startRedis(opts: { password?: string } = {}): Promise<TestRedis> {
  const bin = redisServerPath();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'aifabric-redis-'));
  let proc: ChildProcess | null = null;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes'];
  args.push('--appendfsync', 'always', ...(opts.password ? ['--requirepass', opts.password] : []));
  const start = () =>
    new Promise<void>((done, fail) => {
      const p = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      proc = p;
      let out = '';
      const timer = setTimeout(() => fail(new Error(`redis-server did not start: ${out}`)), 10_000);
      p.stdout?.on('data', (d) => {
        out += String(d);
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          done();
        }
      });
    });
  await start();
  const auth = opts.password ? `:${opts.password}@` : '';
  return {
    port,
    dir,
    url: `redis://${auth}127.0.0.1:${port}`,
    start,
    stop: () =>
      new Promise<void>((done) => {
        const p = proc as ChildProcess | null;
        if (!p || p.exitCode !== null) return done();
        p.once('exit', () => done());
        p.kill('SIGTERM');
      }),
  };
}
