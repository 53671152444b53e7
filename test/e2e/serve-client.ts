// A client of `aifabric serve` for the tests: real HTTP with the server's token, and a run's server-sent events
// read until the stream ends.
import { expect } from 'vitest';
import type { Server } from '../../src/serve/server.ts';

export type Event = { kind: string; [k: string]: unknown };

export function client(server: () => Server) {
  const base = () => `http://127.0.0.1:${server().address.port}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${base()}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${server().token}`, ...(init.headers as Record<string, string>) },
    });
  const postJson = (path: string, body: unknown) =>
    api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  const postYaml = (yaml: string) =>
    api('/api/simulate', { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } });

  /** The server-sent events of a run, parsed, until the stream ends. */
  async function events(id: string, onEvent?: (kind: string) => void): Promise<Event[]> {
    // The query-parameter token, as EventSource sends it.
    const res = await fetch(`${base()}/api/simulate/${id}/events?token=${server().token}`);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const out: Event[] = [];
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
        const data = /^data: (.*)$/m.exec(buf.slice(0, i))?.[1];
        buf = buf.slice(i + 2);
        if (data) {
          const e = JSON.parse(data) as Event;
          out.push(e);
          onEvent?.(e.kind);
        }
      }
    }
    return out;
  }
  return { base, api, postJson, postYaml, events };
}
