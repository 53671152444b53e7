// What crosses from the process that plans a sweep to whatever runs its points (a worker thread, a worker process on
// another machine through the queue) and back: plain JSON, so the same messages go through piscina and BullMQ.

import type { MessagePort } from 'node:worker_threads';
import type { EngineKind } from '../engine/index.ts';
import type { Result } from '../result/types.ts';
import type { Scenario } from '../scenario/schema.ts';

/** A file the scenario references, carried with the job so that a remote worker needs no shared disk. */
export interface PointFile {
  ref: string;
  /** Where the reference sits in the scenario (`traffic`, 0, `inference`, `arrivals`, `trace`). */
  at: (string | number)[];
  content: string;
}

/** One point to run. */
export interface PointJob {
  key: string;
  scenario: Scenario;
  engine: EngineKind;
  seed: number;
  /** Simulated-time limit; null for none (an inference service runs until its requests are done). */
  untilPs: number | null;
  name: string;
  files: PointFile[];
  /** The hash of the code that planned it (key.ts): a worker running other code refuses the job. */
  code: string;
  /** Where a worker thread posts `started` and progress messages (`aifabric serve`); never set on the queue. */
  progress?: MessagePort;
}

/** What a worker thread posts on a job's `progress` port. */
export type PointProgress =
  | { kind: 'started' }
  | { kind: 'progress'; done: number; total: number; simPs: number; events?: number };

/** What came back: a result or the error that stopped the point, with where and how long it ran. */
export type PointOutcome =
  | { key: string; ok: true; result: Result; wallMs: number; worker: string }
  | { key: string; ok: false; error: string; wallMs: number; worker: string };
