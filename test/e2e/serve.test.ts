// `aifabric serve`'s API over real HTTP on 127.0.0.1 (port 0): the token, the body and scenario limits, file
// paths refused, /api/plan equal to `plan --json`, a packet run streamed as progress then its result, and a
// cancelled run that stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/serve/server.ts';
import { startBuiltServer } from '../helpers/built-server.ts';
import { runMain } from './run-cli.ts';
import { client } from './serve-client.ts';

let server: Server;
let base: string;
const { api, postJson, postYaml, events } = client(() => server);

beforeAll(async () => {
  // One run at a time, so that a cancelled run that did not stop would hold the next one back.
  server = await startBuiltServer({ port: 0, host: '127.0.0.1', limits: { maxRuns: 1, maxHosts: 1024 } });
  base = `http://127.0.0.1:${server.address.port}`;
});
afterAll(async () => {
  await server?.close();
});

describe('aifabric serve', () => {
  it('listens on 127.0.0.1 only, and prints the URL with the token', () => {
    expect(server.address.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.address.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('refuses a non-loopback --host without --allow-remote (usage error, exit 2)', async () => {
    const r = await runMain(['serve', '--host', '0.0.0.0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--host: 0\.0\.0\.0 is reachable from other machines: add --allow-remote/);
  });

  it('answers 401 without the token or with a wrong one', async () => {
    expect((await fetch(`${base}/api/catalog`)).status).toBe(401);
    const wrong = await fetch(`${base}/api/catalog`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { field: string } }).error.field).toBe('token');
    expect((await api('/api/catalog')).status).toBe(200);
    expect((await fetch(`${base}/api/catalog?token=${server.token}`)).status).toBe(200);
  });

  it('answers 413 to a body over 1 MiB', async () => {
    const res = await postYaml(`# ${'x'.repeat(1024 * 1024)}\n`);
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('body');
  });

  it('refuses a scenario over the host limit, naming the field and the limit', async () => {
    const res = await postYaml(
      'fabric: { topology: leaf-spine, hosts: 2048, nic: 400G, switch: aurcore-32x400g }\ntraffic: [{ pattern: permutation, bytes: 1MB }]\n',
    );
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: { field: string; message: string } };
    expect(error.field).toBe('fabric.hosts');
    expect(error.message).toMatch(/limit of 1024/);
  });

  it("refuses a simulated time over the limit (10 s, simulate's default --until)", async () => {
    const res = await postJson('/api/simulate', { name: 'incast-16', until: '11s' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('until');
  });

  it('refuses a run the guard estimates over the event limit', async () => {
    const res = await postYaml(
      'fabric: { topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g }\ntraffic: [{ pattern: all-to-all, bytes: 1GB }]\n',
    );
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as { error: { field: string; message: string } };
    expect(error.field).toBe('traffic');
    // 16 x 15 flows of 1 GB in 4096-byte packets, 4 events per link on 4 links: about 9.4e8 > 1e8 (guard.ts).
    expect(error.message).toMatch(/9\.38e\+8 events.*over the limit of 100000000/);
  });

  it('refuses fields that name files, before reading them', async () => {
    const custom = await postYaml('fabric: { topology: custom, file: /etc/passwd }\n');
    expect(custom.status).toBe(400);
    const e1 = ((await custom.json()) as { error: { field: string; message: string } }).error;
    expect(e1.field).toBe('fabric.file');
    expect(e1.message).toMatch(/reads no files/);
    const trace = await postYaml(
      'fabric: { topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g }\ntraffic: [{ inference: { arrivals: { trace: /etc/passwd }, replicas: 4 } }]\n',
    );
    expect(trace.status).toBe(400);
    const e2 = ((await trace.json()) as { error: { field: string; message: string } }).error;
    expect(e2.field).toBe('traffic.0.inference.arrivals.trace');
    expect(e2.message).toMatch(/names a trace file/);
    const cat = await postYaml('catalog: [mine.yaml]\nfabric: { topology: leaf-spine, hosts: 16, nic: 100G }\n');
    expect(((await cat.json()) as { error: { field: string } }).error.field).toBe('catalog');
  });

  it('POST /api/plan equals `aifabric plan --json` for a 512-host leaf-spine of aurcore-32x400g', async () => {
    const spec = { topology: 'leaf-spine', hosts: 512, nic: '400G', switch: 'aurcore-32x400g' };
    const res = await postJson('/api/plan', spec);
    expect(res.status).toBe(200);
    const got = (await res.json()) as { switchesByRole: Record<string, number>; bom: { totals: { costUsd: number } } };
    const args = ['--topology', 'leaf-spine', '--hosts', '512', '--nic', '400G', '--switch', 'aurcore-32x400g'];
    const cli = JSON.parse((await runMain(['plan', ...args, '--json'])).stdout) as typeof got;
    expect(got).toEqual(cli);
    // The figures the page shows. Non-blocking leaf-spine of 32-port switches (closed form): 16 hosts and 16
    // uplinks per leaf, so 512 / 16 = 32 leaves, and 32 leaves x 16 uplinks / 32 ports = 16 spines.
    expect(got.switchesByRole).toEqual({ leaf: 32, spine: 16 });
    expect(got.bom.totals.costUsd).toBeGreaterThan(0);
    expect(got.bom.totals.costUsd).toBe(cli.bom.totals.costUsd);
  });

  it('runs incast-16 on the packet engine: started, progress, then the result', async () => {
    const res = await postJson('/api/simulate', { name: 'incast-16', engine: 'packet' });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const evs = await events(id);
    const kinds = evs.map((e) => e.kind);
    expect(kinds[0]).toBe('queued');
    expect(kinds).toContain('started');
    expect(kinds.indexOf('progress')).toBeGreaterThan(kinds.indexOf('started'));
    expect(kinds.at(-1)).toBe('result');
    const result = evs.at(-1)?.result as { completed: boolean; flows: { bytes: number }[] };
    expect(result.completed).toBe(true);
    // The scenario's two 20 MB senders (scenarios/incast-16.yaml).
    expect(result.flows.map((f) => f.bytes)).toEqual([20e6, 20e6]);
    const last = evs.filter((e) => e.kind === 'progress').at(-1) as unknown as { done: number; total: number };
    expect(last.done).toBe(last.total);
  });

  it('cancels a long run: it stops and frees its slot for the next run', async () => {
    // 2 GB per sender: millions of packet events, far longer than this test's timeout if it kept running.
    const long = await postYaml(
      'fabric: { topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g }\ntraffic: [{ pattern: incast, senders: [h1, h2], receiver: h0, bytes: 2GB }]\n',
    );
    const { id } = (await long.json()) as { id: string };
    let stateWhileAnswering: string | undefined;
    const seen = events(id, (kind) => {
      if (kind !== 'started') return;
      // The server answers while the run goes: had the run held the event loop, this answer would come after it.
      void api('/api/catalog').then(() => {
        stateWhileAnswering = server.runs.state(id);
        return api(`/api/simulate/${id}`, { method: 'DELETE' });
      });
    });
    const evs = await seen;
    expect(stateWhileAnswering).toBe('running');
    expect(evs.at(-1)?.kind).toBe('cancelled');
    expect(server.runs.state(id)).toBe('cancelled');
    expect(server.runs.active).toBe(0);
    // With one run at a time, the next run finishes only if the cancelled one let go of its thread.
    const next = await postJson('/api/simulate', { name: 'incast-16' });
    const after = await events(((await next.json()) as { id: string }).id);
    expect(after.at(-1)?.kind).toBe('result');
  }, 60_000);
});
