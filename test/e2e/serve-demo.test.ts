// `aifabric serve`'s demo routes over real HTTP: GET /api/demo before any demo (404), POST /api/demo running the
// quick demo on a thread with its steps as progress on the run's event stream, a second POST while it runs
// answering the same run, the result equal to what `aifabric demo --quick --json` prints (its committed hash in
// test/results/hashes.json, computed as `npm run check:results` does), its files in the server's temporary
// folder and none in the working folder, and a second demo cancelled. About 15-25 s on a quiet machine (42 s measured
// on this loaded one): one quick demo, the smallest there is (demo.test.ts's --no-pfc run is another), and the only
// way to see the route end to end.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STEPS } from '../../src/demo/run.ts';
import type { Server } from '../../src/serve/server.ts';
import { startBuiltServer } from '../helpers/built-server.ts';
import { quickDemo } from '../helpers/quick-demo.ts';
import { ROOT } from './run-cli.ts';
import { client } from './serve-client.ts';

let server: Server;
const { api, postJson, events } = client(() => server);

beforeAll(async () => {
  server = await startBuiltServer({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
});

/** scripts/check-results.mjs's hash: the JSON without `stats` and `wallMs`, indented by 1, sha256's first 20. */
function resultHash(v: unknown): string {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x === null || typeof x !== 'object') return x;
    return Object.fromEntries(
      Object.entries(x)
        .filter(([k]) => k !== 'stats' && k !== 'wallMs')
        .map(([k, y]) => [k, strip(y)]),
    );
  };
  const text = JSON.stringify(strip(JSON.parse(JSON.stringify(v))), null, 1);
  return createHash('sha256').update(text).digest('hex').slice(0, 20);
}

/** A second demo, cancelled once it started: it stops, and GET /api/demo still gives the last finished one. */
async function cancelled(last: unknown): Promise<void> {
  const { id } = (await (await postJson('/api/demo', { seed: 2 })).json()) as { id: string };
  const evs = await events(id, (kind) => {
    if (kind === 'started') void api(`/api/simulate/${id}`, { method: 'DELETE' });
  });
  expect(evs.at(-1)).toEqual({ kind: 'cancelled', reason: 'cancelled by the client' });
  expect(await (await api('/api/demo')).json()).toEqual(last);
}

describe('the quick demo on the server', () => {
  it('404 before, then runs with progress, and GET /api/demo gives `demo --quick --json`', async () => {
    const before = await api('/api/demo');
    expect(before.status).toBe(404);
    expect(((await before.json()) as { error: { message: string } }).error.message).toMatch(/POST \/api\/demo/);
    const cwd = readdirSync(process.cwd());
    const { id } = (await (await postJson('/api/demo', {})).json()) as { id: string };
    // One demo at a time: asking again while it runs answers the same run.
    expect(((await (await postJson('/api/demo', {})).json()) as { id: string }).id).toBe(id);
    const evs = await events(id);
    const kinds = evs.map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(['queued', 'started']);
    expect(kinds.at(-1)).toBe('result');
    // Each of the demo's DEMO_STEPS steps announces itself, then the report: 0..N-1 of N, then N of N.
    const steps = evs.filter((e) => e.kind === 'progress');
    expect(steps.map((e) => e.done)).toEqual(Array.from({ length: DEMO_STEPS + 1 }, (_, i) => i));
    expect(steps.every((e) => e.total === DEMO_STEPS && typeof e.step === 'string')).toBe(true);
    const got = await (await api('/api/demo')).json();
    expect(got).toEqual(evs.at(-1)?.result);
    const hashes = JSON.parse(readFileSync(join(ROOT, 'test/results/hashes.json'), 'utf8')) as Record<string, string>;
    expect(resultHash(got)).toBe(hashes['demo.quick']);
    // The same as the command's own demo.json (the run's shared `demo --quick`, test/helpers/quick-demo.ts): not a
    // second demo here, and a hash that is stale would not hide a difference.
    const shared = await quickDemo();
    expect(shared.code, shared.stderr).toBe(0);
    expect(resultHash(got)).toBe(resultHash(JSON.parse(readFileSync(join(shared.dir, 'demo.json'), 'utf8'))));
    // Its files are in the server's temporary folder; the working folder has nothing new.
    const dir = join(server.tmpDir, 'demo-1');
    expect(existsSync(join(dir, 'report.html')) && existsSync(join(dir, 'demo.json'))).toBe(true);
    expect(readdirSync(join(dir, 'runs')).length).toBeGreaterThan(0);
    expect(readdirSync(process.cwd())).toEqual(cwd);
    const report = await api(`/api/simulate/${id}/report.html`);
    expect(await report.text()).toBe(readFileSync(join(dir, 'report.html'), 'utf8'));
    await cancelled(got);
  }, 300_000);
});
