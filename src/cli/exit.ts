// The exit codes every command uses, and how an error is shown: one line per problem on stderr, or with --json one
// JSON object on stdout (`{"error": {"code", "message", "field", "location"}}`) so scripts never parse prose.
// Kept free of zod and the engines: main.ts loads it at start-up.
import { CatalogError, DesignError, type InputProblem, LimitError, ScenarioError } from '../errors.ts';

/** The exit codes (README, "Exit codes"; every command's doc). */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** Bad input (a scenario, result or catalog file) or an impossible request (no design, an SLO no count meets). */
  input: 1,
  /** The command line is wrong: an unknown command or option, a missing argument, an option value that is not
   * what the option takes. */
  usage: 2,
  /** A bug in aifabric: an error it did not expect. */
  internal: 3,
  /** A bug in an engine: a result whose invariant failed (the result is still printed; stderr names the invariant). */
  invariant: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ErrorReport {
  code: ExitCode;
  problems: InputProblem[];
}

/** What an error thrown by a command means: its exit code and the problems to show. */
export function errorReport(e: unknown): ErrorReport {
  if (e instanceof ScenarioError) {
    // A problem with an option's value is a usage error; one with a file's content is bad input.
    const usage =
      !(e instanceof LimitError) && e.problems.length > 0 && e.problems.every((p) => p.path.startsWith('--'));
    return { code: usage ? EXIT.usage : EXIT.input, problems: e.problems };
  }
  if (e instanceof DesignError)
    return { code: EXIT.input, problems: [{ path: e.path, message: e.message.slice(e.path.length + 2) }] };
  if (e instanceof CatalogError)
    return { code: EXIT.input, problems: [{ path: 'catalog', message: e.message.replace(/^catalog: /, '') }] };
  const err = e as Error;
  return {
    code: EXIT.internal,
    problems: [{ path: 'aifabric', message: `internal error: ${err?.message ?? String(e)}` }],
  };
}

/** The --json form of an error: the first problem's fields, and every problem when there are several. */
export function errorJson(r: ErrorReport): string {
  const [first] = r.problems;
  const error: Record<string, unknown> = {
    code: r.code,
    message: first?.message ?? '',
    field: first?.path ?? null,
    location: first?.location ?? null,
  };
  if (r.problems.length > 1)
    error.problems = r.problems.map((p) => ({ field: p.path, message: p.message, location: p.location ?? null }));
  return `${JSON.stringify({ error })}\n`;
}
