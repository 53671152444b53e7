// POST /api/validate: scenario text from the editor to its problems, each at its line and column, for the page to
// mark where they are. The same checks as POST /api/simulate before a run (scenario-input.ts: YAML syntax, the
// schema, the catalog references, the rules, and the fields that name files), so text that validates here is
// refused there only for the server's size limits or a design that cannot be built. Left out: those two (they need
// the fabric designed; /api/simulate reports them).
import { LineCounter, parseDocument } from 'yaml';
import { yamlLocation } from '../base/yaml-where.ts';
import type { Catalog } from '../catalog/index.ts';
import { type InputProblem, ScenarioError } from '../errors.ts';
import { scenarioFromText } from './scenario-input.ts';

/** One problem where the editor shows it: 1-based line and column of the field's key or value. */
export interface ValidateError {
  line: number;
  col: number;
  path: string;
  message: string;
}

export type ValidateAnswer = { ok: true } | { ok: false; errors: ValidateError[] };

/** `traffic[0].job.bytes` or `traffic.0.job.bytes` -> ['traffic', 0, 'job', 'bytes']. */
export function pathSegments(path: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const m of path.matchAll(/[^.[\]]+/g)) out.push(/^\d+$/.test(m[0]) ? Number(m[0]) : m[0]);
  return out;
}

const LINE_COL = /:(\d+):(\d+)$/;

/** A problem's line and column: from its `file:line:col` when the loader found it, else where its path leads in the
 * text (the file-path refusals are found before the loader runs), else the top of the document. */
function placed(p: InputProblem, where: (path: PropertyKey[]) => string): ValidateError {
  const m = LINE_COL.exec(p.location ?? '') ?? LINE_COL.exec(where(pathSegments(p.path)));
  return { line: m ? Number(m[1]) : 1, col: m ? Number(m[2]) : 1, path: p.path, message: p.message };
}

export function validateText(text: string, catalog: Catalog): ValidateAnswer {
  try {
    scenarioFromText(text, catalog);
    return { ok: true };
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
    const where = (path: PropertyKey[]) => yamlLocation(doc, lc, 'scenario.yaml', path);
    return { ok: false, errors: e.problems.map((p) => placed(p, where)) };
  }
}
