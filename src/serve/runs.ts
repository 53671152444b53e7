// The runs of `aifabric serve`: simulations, each on a worker thread of the sweeps' local pool (src/sweep/pool.ts,
// worker.ts), and the quick demo on the server's own (threads.ts), never on the server's event loop; at most
// `maxRuns` at once, the others wait in order. A run's events (queued, started, progress, then one of result,
// error, cancelled) are kept, so a client that subscribes late gets them all. Cancelling a running run aborts its
// piscina task, which ends its thread. Left out: keeping runs across restarts (the sweeps' run store does that for
// sweeps) and evicting old runs.
import { randomUUID } from 'node:crypto';
import { MessageChannel, type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { PointJob, PointProgress } from '../sweep/job.ts';
import { LocalPool } from '../sweep/pool.ts';
import type { DemoProgress } from './demo.ts';
import type { RunOutcome } from './tasks.ts';

export type RunEvent =
  | { kind: 'queued'; position: number }
  | PointProgress
  | DemoProgress
  | { kind: 'result'; result: unknown; wallMs: number }
  | { kind: 'error'; error: string }
  | { kind: 'cancelled'; reason: string };

export type RunState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** What a run is: a simulation (POST /api/simulate) or the quick demo (POST /api/demo). */
export type RunKind = 'simulate' | 'demo';

/** Starts a run on a thread: progress goes to `port` (moved to the thread), `signal` ends the thread. */
export type Launch = (port: MessagePort, signal: AbortSignal) => Promise<RunOutcome>;

interface Run {
  id: string;
  kind: RunKind;
  launch: Launch;
  state: RunState;
  result?: unknown;
  events: RunEvent[];
  listeners: Set<(e: RunEvent) => void>;
  abort: AbortController;
  timer?: NodeJS.Timeout;
}

const TERMINAL = new Set<RunEvent['kind']>(['result', 'error', 'cancelled']);

export class RunManager {
  private readonly runs = new Map<string, Run>();
  private readonly waiting: Run[] = [];
  private running = 0;
  private readonly pool: LocalPool;

  constructor(
    private readonly maxRuns: number,
    private readonly maxWallMs: number,
  ) {
    this.pool = new LocalPool(maxRuns);
  }

  /** Queues a simulation; its id names it in the events, result and cancel routes. */
  submit(job: PointJob): string {
    return this.submitRun('simulate', (port, signal) => this.pool.runOne({ ...job, progress: port }, signal, [port]));
  }

  /** Queues a run of any kind. */
  submitRun(kind: RunKind, launch: Launch): string {
    const run: Run = {
      id: randomUUID(),
      kind,
      launch,
      state: 'queued',
      events: [],
      listeners: new Set(),
      abort: new AbortController(),
    };
    this.runs.set(run.id, run);
    this.waiting.push(run);
    this.emit(run, { kind: 'queued', position: this.waiting.length });
    this.next();
    return run.id;
  }

  /** Runs now going (for tests and the page's queue view). */
  get active(): number {
    return this.running;
  }

  state(id: string): RunState | undefined {
    return this.runs.get(id)?.state;
  }

  kind(id: string): RunKind | undefined {
    return this.runs.get(id)?.kind;
  }

  /** A finished run's result (a simulation's `Result`, the demo's JSON); undefined before, or when it failed. */
  result(id: string): unknown {
    return this.runs.get(id)?.result;
  }

  /** Every event so far, then each new one, until a terminal one; returns the unsubscribe function. */
  subscribe(id: string, listener: (e: RunEvent) => void): (() => void) | undefined {
    const run = this.runs.get(id);
    if (!run) return undefined;
    for (const e of run.events) listener(e);
    if (run.state === 'queued' || run.state === 'running') run.listeners.add(listener);
    return () => run.listeners.delete(listener);
  }

  /** Stops a queued or running run; false when there is no such run. */
  cancel(id: string, reason = 'cancelled by the client'): boolean {
    const run = this.runs.get(id);
    if (!run) return false;
    if (run.state === 'queued') {
      this.waiting.splice(this.waiting.indexOf(run), 1);
      this.finish(run, 'cancelled', { kind: 'cancelled', reason });
    } else if (run.state === 'running') {
      run.abort.abort(reason);
    }
    return true;
  }

  async close(): Promise<void> {
    for (const id of this.runs.keys()) this.cancel(id, 'the server is stopping');
    await this.pool.close();
  }

  private emit(run: Run, e: RunEvent): void {
    run.events.push(e);
    for (const l of run.listeners) l(e);
    if (TERMINAL.has(e.kind)) run.listeners.clear();
  }

  private finish(run: Run, state: RunState, e: RunEvent): void {
    run.state = state;
    clearTimeout(run.timer);
    this.emit(run, e);
  }

  private next(): void {
    while (this.running < this.maxRuns && this.waiting.length > 0) {
      const run = this.waiting.shift() as Run;
      this.start(run);
    }
  }

  private start(run: Run): void {
    this.running++;
    run.state = 'running';
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: PointProgress | DemoProgress) => {
      if (run.state === 'running') this.emit(run, m);
    });
    run.timer = setTimeout(
      () => run.abort.abort(`over the run time limit of ${this.maxWallMs / 1000} s`),
      this.maxWallMs,
    );
    const settle = (state: RunState, e: RunEvent) => {
      // Messages the thread posted before its outcome may not have been dispatched yet: they come first.
      for (let m = receiveMessageOnPort(port1); m && run.state === 'running'; m = receiveMessageOnPort(port1))
        this.emit(run, m.message as PointProgress | DemoProgress);
      port1.close();
      this.running--;
      this.finish(run, state, e);
      this.next();
    };
    run.launch(port2, run.abort.signal).then(
      (o: RunOutcome) => {
        if (!o.ok) return settle('failed', { kind: 'error', error: o.error });
        run.result = o.result;
        settle('done', { kind: 'result', result: o.result, wallMs: o.wallMs });
      },
      () =>
        run.abort.signal.aborted
          ? settle('cancelled', { kind: 'cancelled', reason: String(run.abort.signal.reason) })
          : settle('failed', { kind: 'error', error: 'the run stopped (its thread ended)' }),
    );
  }
}
