// The web page of `aifabric serve` (issue 20): the bundle's size (bytes as built, and gzip at zlib's default
// level, what a compressing server would send) and its first load in Debian's chromium against the real server on
// 127.0.0.1: navigation start to the first contentful paint (the page's root is empty until the bundle has run
// and React has drawn), and to the Design page's figures (one /api/plan answer more). Median of several loads,
// each in a fresh browser context (nothing cached). Builds web/dist/ first, so the figures are for the current
// sources. Leaves out: the network (loopback), and compression on the wire (the server sends files as they are).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startServer } from '../src/serve/server.ts';
import { WEB_DIST } from '../src/serve/static.ts';
import { launchChromium } from '../test/browser/chromium.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Every file of the build, and those the first load fetches (index.html, the entry bundle and its stylesheet;
 * the other pages' chunks come when they are opened). */
function bundleSize(): {
  bytes: number;
  gzipBytes: number;
  files: number;
  firstLoadBytes: number;
  firstLoadGzipBytes: number;
} {
  let bytes = 0;
  let gzipBytes = 0;
  let firstLoadBytes = 0;
  let firstLoadGzipBytes = 0;
  const files = readdirSync(WEB_DIST, { recursive: true })
    .map(String)
    .filter((f) => /\.(js|css|html|svg)$/.test(f));
  for (const f of files) {
    const b = readFileSync(join(WEB_DIST, f));
    const z = gzipSync(b).length;
    bytes += b.length;
    gzipBytes += z;
    if (/(^|\/)index[-.]/.test(f)) {
      firstLoadBytes += b.length;
      firstLoadGzipBytes += z;
    }
  }
  return { bytes, gzipBytes, files: files.length, firstLoadBytes, firstLoadGzipBytes };
}

async function firstLoads(runs: number): Promise<{ fcpMs: number[]; readyMs: number[] }> {
  const server = await startServer({ port: 0, host: '127.0.0.1' });
  const browser = await launchChromium();
  const fcpMs: number[] = [];
  const readyMs: number[] = [];
  try {
    for (let i = 0; i <= runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(server.url);
      await page.waitForSelector('[data-testid=total-cost]');
      const ready = await page.evaluate<number>('performance.now()');
      const fcp = await page.evaluate<number>(
        "(performance.getEntriesByName('first-contentful-paint')[0] || { startTime: NaN }).startTime",
      );
      await context.close();
      // The first load warms the server's file cache and chromium's start-up: not counted.
      if (i === 0) continue;
      fcpMs.push(fcp);
      readyMs.push(ready);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return { fcpMs, readyMs };
}

/** Prints one JSON line for the bundle's size and one for the first load. */
export async function runUiBench(runs = 7): Promise<void> {
  const build = spawnSync(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) throw new Error('npm run build:web failed');
  const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version };
  const size = bundleSize();
  const line = (o: object) => process.stdout.write(`${JSON.stringify({ ...o, machine })}\n`);
  line({
    name: 'web page: bundle size (gzip)',
    figure: size.gzipBytes,
    unit: 'bytes',
    ...size,
  });
  const t = await firstLoads(runs);
  line({
    name: 'web page: first load to first contentful paint, chromium, loopback',
    figure: Math.round(median(t.fcpMs)),
    unit: 'ms',
    minMs: Math.round(Math.min(...t.fcpMs)),
    maxMs: Math.round(Math.max(...t.fcpMs)),
    designShownMs: Math.round(median(t.readyMs)),
    runs,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await runUiBench();
