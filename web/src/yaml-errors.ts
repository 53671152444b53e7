// A scenario's problems at their line: from POST /api/validate (`{ok, errors: [{line, col, path, message}]}`)
// where the server has it, else from the error POST /api/simulate returns (its `location` is
// `scenario.yaml:LINE:COL`, its `field` the path). One shape for the editor either way.
import { ApiError, postJson } from './api.ts';

export interface YamlProblem {
  line?: number;
  col?: number;
  path?: string;
  message: string;
}

interface Validation {
  ok: boolean;
  errors?: YamlProblem[];
}

/** The problems of the text; an ApiError with `missingRoute` where the server has no /api/validate. */
export async function validateYaml(yaml: string): Promise<YamlProblem[]> {
  const v = await postJson<Validation>('/api/validate', { yaml });
  return v.ok ? [] : (v.errors ?? []);
}

/** The problems of a failed POST /api/simulate, each at its line when the server gave one. */
export function problemsOfError(e: unknown): YamlProblem[] {
  if (!(e instanceof ApiError)) return [{ message: String(e) }];
  return e.problems.map((p) => {
    const at = /:(\d+):(\d+)\s*$/.exec(p.location ?? '');
    return {
      message: p.message,
      path: p.field,
      line: at ? Number(at[1]) : undefined,
      col: at ? Number(at[2]) : undefined,
    };
  });
}

export const where = (p: YamlProblem): string | undefined =>
  p.line !== undefined
    ? `line ${p.line}${p.col !== undefined ? `, column ${p.col}` : ''}${p.path ? ` (${p.path})` : ''}`
    : p.path;
