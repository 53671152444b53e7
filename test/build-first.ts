// vitest globalSetup: builds dist/ from the current sources before any test runs, so the tests that spawn
// bin/aifabric.js (test/e2e/run-cli.ts) never run a stale build. A build that changes nothing writes nothing.
// Also builds the web page (web/dist/, `npm run build:web`) when a source it bundles is newer than the last
// build, so the browser tests never load a stale page (a vite build takes seconds: skipped when nothing changed).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** What the page bundles: web/ itself and the library sources it imports (report charts and their inputs). */
const WEB_SOURCES = ['web/src', 'web/index.html', 'web/public', 'web/vite.config.ts', 'src', 'package-lock.json'];

function newest(path: string): number {
  const p = join(root, path);
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let m = 0;
  for (const f of readdirSync(p, { recursive: true })) m = Math.max(m, statSync(join(p, String(f))).mtimeMs);
  return m;
}

function webIsStale(): boolean {
  const built = join(root, 'web/dist/index.html');
  if (!existsSync(built)) return true;
  const at = statSync(built).mtimeMs;
  return WEB_SOURCES.some((s) => newest(s) > at);
}

/** Set once the build ran in this vitest process: each project of vitest.config.ts runs the global setups again. */
const BUILT = Symbol.for('aifabric.test.built');

export default function setup(): void {
  const g = globalThis as { [BUILT]?: true };
  if (g[BUILT]) return;
  g[BUILT] = true;
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (webIsStale())
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
}
