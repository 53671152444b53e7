// One simulation run as the page follows it: POST /api/simulate, then its server-sent events (docs/serve.md,
// "The events of a run") folded into a state: queued (and where), running with progress (tasks done of total,
// simulated time, events simulated where the engine counts them as it goes, an ETA from the rate so far), then
// the result (with the run's event count), an error or the cancellation.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Result } from '../../src/result/types.ts';
import { api, postJson, runEvents } from './api.ts';

export type RunPhase = 'idle' | 'starting' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface RunState {
  phase: RunPhase;
  id?: string;
  position?: number;
  done?: number;
  total?: number;
  simPs?: number;
  /** Events simulated so far (the packet engine's progress; the result's stats at the end). */
  events?: number;
  /** Wall time since the run started, ms (page clock). */
  elapsedMs?: number;
  etaMs?: number;
  result?: Result;
  wallMs?: number;
  message?: string;
}

interface RunEvent {
  kind: 'queued' | 'started' | 'progress' | 'result' | 'error' | 'cancelled';
  position?: number;
  done?: number;
  total?: number;
  simPs?: number;
  events?: number;
  result?: Result;
  wallMs?: number;
  error?: string;
  reason?: string;
}

const TERMINAL = new Set(['result', 'error', 'cancelled']);

function fold(s: RunState, e: RunEvent, startedAt: number): RunState {
  const elapsedMs = performance.now() - startedAt;
  switch (e.kind) {
    case 'queued':
      return { ...s, phase: 'queued', position: e.position };
    case 'started':
      return { ...s, phase: 'running', elapsedMs };
    case 'progress': {
      const done = e.done ?? 0;
      const total = e.total ?? 0;
      const etaMs = done > 0 && total > done ? (elapsedMs * (total - done)) / done : done >= total ? 0 : undefined;
      return { ...s, phase: 'running', done, total, simPs: e.simPs, events: e.events ?? s.events, elapsedMs, etaMs };
    }
    case 'result':
      return {
        ...s,
        phase: 'done',
        result: e.result,
        events: e.result?.stats?.events ?? s.events,
        wallMs: e.wallMs,
        elapsedMs,
        etaMs: 0,
      };
    case 'error':
      return { ...s, phase: 'failed', message: e.error };
    case 'cancelled':
      return { ...s, phase: 'cancelled', message: e.reason };
  }
}

/** Starts runs (`body`: `{name}` or `{yaml}`, with `engine`) and follows the latest one. */
export function useRun(): {
  state: RunState;
  start: (body: Record<string, unknown>) => Promise<void>;
  cancel: () => void;
} {
  const [state, setState] = useState<RunState>({ phase: 'idle' });
  const source = useRef<EventSource | undefined>(undefined);
  useEffect(() => () => source.current?.close(), []);
  const start = useCallback(async (body: Record<string, unknown>) => {
    source.current?.close();
    setState({ phase: 'starting' });
    let id: string;
    try {
      id = (await postJson<{ id: string }>('/api/simulate', body)).id;
    } catch (e) {
      setState({ phase: 'idle' });
      throw e;
    }
    const startedAt = performance.now();
    setState({ phase: 'queued', id });
    const es = runEvents(id);
    source.current = es;
    const on = (m: MessageEvent<string>) => {
      const e = JSON.parse(m.data) as RunEvent;
      setState((s) => fold(s, e, startedAt));
      if (TERMINAL.has(e.kind)) es.close();
    };
    for (const k of ['queued', 'started', 'progress', 'result', 'error', 'cancelled']) es.addEventListener(k, on);
  }, []);
  const cancel = useCallback(() => {
    const id = state.id;
    if (id) void api(`/api/simulate/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => undefined);
  }, [state.id]);
  return { state, start, cancel };
}
