// What crosses from the server's event loop to its checking threads (worker.ts) and back: plain data, since a
// thread gets a structured clone. Every answer is a value or the HTTP error the server sends as it is (errors.ts):
// error classes do not survive the crossing, so the thread maps them to a status and body itself.
import type { MessagePort } from 'node:worker_threads';
import type { ApiError } from './errors.ts';
import type { ServeLimits } from './limits.ts';

/** The parse-heavy requests: each parses or designs something a client sent (up to the 1 MiB body limit, which
 * takes the YAML parser and the schema about a second), so none of them runs on the event loop. */
export type CheckTask =
  | { kind: 'validate'; yaml: unknown }
  | { kind: 'prepare'; body: unknown; limits: ServeLimits }
  | { kind: 'plan'; body: unknown; top: number }
  | { kind: 'plan-file'; body: unknown }
  | { kind: 'report'; result: unknown }
  | { kind: 'runs'; path: string; sweep?: string; status?: string };

export type CheckAnswer = { ok: true; value: unknown } | ({ ok: false } & ApiError);

/** The quick demo in a thread: its files go to `dir` (a temporary folder of the server's). */
export interface DemoTask {
  dir: string;
  seed: number;
  progress: MessagePort;
}

/** How a run (a simulation or the demo) ended, as the run manager records it. */
export type RunOutcome = { ok: true; result: unknown; wallMs: number } | { ok: false; error: string };
