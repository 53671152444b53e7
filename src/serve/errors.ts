// How the HTTP API reports an error: the JSON shape of the CLI's --json errors (src/cli/exit.ts, `errorJson`:
// `{"error": {"code", "message", "field", "location"}}`, with `problems` when there are several) and an HTTP status
// for the kind of error. Spelled here rather than imported because the CLI sits above this folder
// (docs/architecture.md, "Layering"); `code` keeps the CLI's exit codes so a client can treat both alike.
import { CatalogError, DesignError, type InputProblem, LimitError, ScenarioError } from '../errors.ts';

export interface ApiError {
  status: number;
  body: { error: Record<string, unknown> };
}

/** An error body from its problems: the first one's fields, and all of them when there are several. */
export function errorBody(code: number, problems: InputProblem[]): ApiError['body'] {
  const [first] = problems;
  const error: Record<string, unknown> = {
    code,
    message: first?.message ?? '',
    field: first?.path ?? null,
    location: first?.location ?? null,
  };
  if (problems.length > 1)
    error.problems = problems.map((p) => ({ field: p.path, message: p.message, location: p.location ?? null }));
  return { error };
}

/** 400 for bad input, 422 for a scenario over the server's limits or a design that cannot be built, 500 for a
 * bug (413 is the body-size limit's, answered before a handler runs). */
export function apiError(e: unknown): ApiError {
  if (e instanceof LimitError) return { status: 422, body: errorBody(1, e.problems) };
  if (e instanceof ScenarioError) return { status: 400, body: errorBody(1, e.problems) };
  if (e instanceof DesignError)
    return { status: 422, body: errorBody(1, [{ path: e.path, message: e.message.slice(e.path.length + 2) }]) };
  if (e instanceof CatalogError)
    return { status: 400, body: errorBody(1, [{ path: 'catalog', message: e.message.replace(/^catalog: /, '') }]) };
  const message = e instanceof Error ? e.message : String(e);
  return { status: 500, body: errorBody(3, [{ path: 'aifabric', message: `internal error: ${message}` }]) };
}
