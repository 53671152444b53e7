// `aifabric serve`'s routes for the web page, over real HTTP on 127.0.0.1 (port 0) with the token: the editor's
// validation (errors at their line), the scenario's JSON Schema, the design downloads (the same bytes as `plan
// --csv/--svg`), a run's result and report, the run store, the security headers, and a large request that does
// not hold the event loop. The demo routes are in serve-demo.test.ts.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../src/scenario/schema.ts';
import type { Server } from '../../src/serve/server.ts';
import { RunStore } from '../../src/sweep/store.ts';
import { startBuiltServer } from '../helpers/built-server.ts';
import { runMain } from './run-cli.ts';
import { client } from './serve-client.ts';

let server: Server;
let dir: string;
const { api, postJson, events } = client(() => server);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aifabric-serve-api-'));
  server = await startBuiltServer({ port: 0, host: '127.0.0.1', runsDb: join(dir, 'runs.db') });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Validated = { ok: boolean; errors?: { line: number; col: number; path: string; message: string }[] };
const validate = async (yaml: string) => (await (await postJson('/api/validate', { yaml })).json()) as Validated;

// Lines 1-5 of every case below.
const FABRIC = 'fabric:\n  topology: leaf-spine\n  hosts: 16\n  nic: 100G\n  switch: aurcore-32x100g\n';

describe('POST /api/validate', () => {
  it('accepts a valid scenario', async () => {
    expect(await validate(`${FABRIC}traffic: [{ pattern: permutation, bytes: 1MB }]\n`)).toEqual({ ok: true });
  });

  it('puts a YAML syntax error at its line: the flow list opened on line 7 and never closed', async () => {
    const r = await validate(`${FABRIC}traffic:\n  - pattern: incast\n    senders: [h1, h2\n    receiver: h0\n`);
    expect(r.ok).toBe(false);
    // The parser notices the list is unterminated at the next key (line 9), inside the list item it opened in.
    expect(r.errors).toMatchObject([{ line: 9, path: 'scenario', message: expect.stringMatching(/not valid YAML/) }]);
  });

  it('names an unknown field and puts it at its key (line 6, column 3)', async () => {
    const r = await validate(`${FABRIC}  oversubscriptio: 2\n`);
    expect(r.errors).toEqual([
      {
        line: 6,
        col: 3,
        path: 'fabric.oversubscriptio',
        message: expect.stringMatching(/unknown field "oversubscriptio" \(did you mean oversubscription\?\)/),
      },
    ]);
  });

  it('puts an out-of-range value at its key: hosts -4 on line 3, oversubscription 0.5 on line 6', async () => {
    const r = await validate(`${FABRIC.replace('hosts: 16', 'hosts: -4')}  oversubscription: 0.5\n`);
    expect(r.errors).toEqual([
      { line: 3, col: 3, path: 'fabric.hosts', message: expect.stringMatching(/-4 is out of range/) },
      { line: 6, col: 3, path: 'fabric.oversubscription', message: expect.stringMatching(/at least 1/) },
    ]);
  });

  it('puts a field that names a file at its key, as /api/simulate refuses it', async () => {
    const r = await validate(`${FABRIC}traffic:\n  - inference: { arrivals: { trace: /etc/passwd }, replicas: 4 }\n`);
    // Line 7: `  - inference: { arrivals: { trace: ...`; 29 characters come before the key `trace`.
    expect(r.errors).toMatchObject([{ line: 7, col: 30, path: 'traffic.0.inference.arrivals.trace' }]);
  });

  it('answers 400 without the text', async () => {
    const res = await postJson('/api/validate', {});
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('yaml');
  });

  it('checks a large scenario on a thread: the server answers others meanwhile', async () => {
    let text = `${FABRIC}traffic:\n  - flows:\n`;
    for (let i = 0; text.length < 256 * 1024; i++)
      text += `      - { src: h${i % 16}, dst: h${(i + 1) % 16}, bytes: 1MB }\n`;
    const order: string[] = [];
    const big = postJson('/api/validate', { yaml: text }).then(async (r) => {
      order.push('validate');
      return (await r.json()) as Validated;
    });
    // Parsing and checking 256 KiB takes a quarter of a second or more (1 MiB: 1.1 s, measured on this machine); had
    // it run on the event loop, this request would be answered after it.
    await new Promise((r) => setTimeout(r, 50));
    await api('/api/catalog').then(() => order.push('catalog'));
    expect((await big).ok).toBe(true);
    expect(order).toEqual(['catalog', 'validate']);
  });
});

describe('GET /api/schema', () => {
  it('is the scenario JSON Schema of `aifabric schema` (the same zod schema)', async () => {
    const res = await api('/api/schema');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(scenarioJsonSchema());
  });
});

describe('POST /api/plan/files', () => {
  const spec = { topology: 'leaf-spine', hosts: 64, nic: '400G', switch: 'aurcore-32x400g' };

  it('gives the bytes `aifabric plan --csv DIR --svg FILE` writes, for each format', async () => {
    const args = ['--topology', 'leaf-spine', '--hosts', '64', '--nic', '400G', '--switch', 'aurcore-32x400g'];
    const r = await runMain(['plan', ...args, '--csv', join(dir, 'csv'), '--svg', join(dir, 'topology.svg')]);
    expect(r.code).toBe(0);
    const file: Record<string, string> = {
      'cabling-csv': 'csv/cabling.csv',
      'netbox-devices': 'csv/netbox-devices.csv',
      'netbox-interfaces': 'csv/netbox-interfaces.csv',
      'netbox-cables': 'csv/netbox-cables.csv',
      svg: 'topology.svg',
    };
    for (const [format, path] of Object.entries(file)) {
      const res = await postJson('/api/plan/files', { spec, format });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${basename(path)}"`);
      const got = Buffer.from(await res.arrayBuffer());
      expect(got.equals(readFileSync(join(dir, path))), format).toBe(true);
    }
  });

  it('refuses an unknown format, naming the ones there are', async () => {
    const res = await postJson('/api/plan/files', { spec, format: 'pdf' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { field: string; message: string } };
    expect(error.field).toBe('format');
    expect(error.message).toMatch(/cabling-csv, netbox-devices, netbox-interfaces, netbox-cables, svg/);
  });
});

describe('a finished run: result.json and report.html', () => {
  it('gives the result the events carried, and its HTML report', async () => {
    const { id } = (await (await postJson('/api/simulate', { name: 'incast-16', engine: 'analytic' })).json()) as {
      id: string;
    };
    const last = (await events(id)).at(-1);
    expect(last?.kind).toBe('result');
    const res = await api(`/api/simulate/${id}/result.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(last?.result);
    const html = await api(`/api/simulate/${id}/report.html`);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const text = await html.text();
    expect(text).toMatch(/^<!doctype html>/i);
    expect(text).not.toMatch(/<script/i);
    expect((await api('/api/simulate/nope/result.json')).status).toBe(404);
  });
});

describe('GET /api/runs', () => {
  it('is empty with a note when there is no store, then lists the store, filtered by sweep and status', async () => {
    const none = (await (await api('/api/runs')).json()) as { runs: unknown[]; note: string };
    expect(none.runs).toEqual([]);
    expect(none.note).toMatch(/no run store at .*runs\.db/);
    const store = new RunStore(join(dir, 'runs.db'));
    const at = { startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', wallMs: 1000, worker: 'w' };
    const base = { seed: 1, engine: 'flow', code: 'c', scenario: null, ...at };
    // 2 ms simulated, slowest flow 1.5 ms, 3 pause frames: the metrics are 2 ms, 1500 us and 3.
    const result = {
      completed: true,
      simulatedPs: 2e9,
      flows: [{ fctPs: 1.5e9 }],
      ops: [],
      counters: { drops: 0, pauseFrames: 3, timeouts: 0 },
    };
    store.put({ ...base, key: 'k1', sweep: 'a', point: { 'fabric.hosts': 16 }, result: JSON.stringify(result) });
    store.put({ ...base, key: 'k2', sweep: 'a', point: { 'fabric.hosts': 32 }, error: 'it broke' });
    store.put({ ...base, key: 'k3', sweep: 'b', point: {}, result: JSON.stringify(result) });
    store.close();
    type Runs = {
      runs: { key: string; status: string; metrics: Record<string, unknown> | null; error: string | null }[];
    };
    const all = (await (await api('/api/runs')).json()) as Runs;
    expect(all.runs.map((r) => [r.key, r.status])).toEqual([
      ['k1', 'done'],
      ['k2', 'failed'],
      ['k3', 'done'],
    ]);
    expect(all.runs[0].metrics).toMatchObject({ completed: true, simMs: 2, maxFctUs: 1500, pauseFrames: 3 });
    expect(all.runs[1]).toMatchObject({ metrics: null, error: 'it broke' });
    const a = (await (await api('/api/runs?sweep=a&status=done')).json()) as Runs;
    expect(a.runs.map((r) => r.key)).toEqual(['k1']);
    const bad = await api('/api/runs?status=running');
    expect(bad.status).toBe(400);
  });
});

describe('security headers', () => {
  it('every answer carries a strict CSP and nosniff: JSON, errors, a 404, downloads and the event stream', async () => {
    const { id } = (await (await postJson('/api/simulate', { name: 'incast-16', engine: 'analytic' })).json()) as {
      id: string;
    };
    const stream = await fetch(
      `http://127.0.0.1:${server.address.port}/api/simulate/${id}/events?token=${server.token}`,
    );
    const answers = [
      await api('/api/catalog'),
      await fetch(`http://127.0.0.1:${server.address.port}/api/catalog`),
      await api('/no/such/page'),
      await postJson('/api/plan/files', {
        spec: { topology: 'leaf-spine', hosts: 16, nic: '400G', switch: 'aurcore-32x400g' },
        format: 'svg',
      }),
      stream,
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 200, 200]);
    for (const r of answers) {
      const csp = r.headers.get('content-security-policy') ?? '';
      const directives = new Map(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([k, ...v]) => [k, v]),
      );
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(directives.get('connect-src')).toEqual(["'self'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(csp).not.toMatch(/unsafe-eval/);
      expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    }
    await stream.body?.cancel();
  });
});
