// POST /api/validate: scenario text from the editor to its problems, each at its line and column, for the page to
// mark where they are. The same checks as POST /api/simulate before a run (scenario-input.ts: YAML syntax, the
// schema, the catalog references, the rules, and the fields that name files), so text that validates here is
// refused there only for the server's size limits or a design that cannot be built. Left out: those two (they need
// the fabric designed; /api/simulate reports them).
import { type Document, isMap, isNode, isSeq, LineCounter, parseDocument } from 'yaml';
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

/** Where the field at `path` starts: its key in a mapping, its item in a list; undefined when the text has no
 * such field (a missing one). The loader's own locations point at a field's value (src/base/yaml-where.ts); the
 * editor marks the key, which is also where an unknown field's name is. */
function keyOffset(doc: Document, path: PropertyKey[]): number | undefined {
  let node: unknown = doc.contents;
  let at: unknown;
  for (const p of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isNode(it.key) && (it.key as { value?: unknown }).value === p);
      if (!pair) return undefined;
      at = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof p === 'number' && node.items[p] !== undefined) {
      at = node = node.items[p];
    } else return undefined;
  }
  return isNode(at) && at.range ? at.range[0] : undefined;
}

const LINE_COL = /:(\d+):(\d+)$/;

/** A problem's line and column: its key's when the text has the field, else the loader's `file:line:col` (a
 * syntax error, a missing field's section), else the top of the document. */
function placed(p: InputProblem, doc: Document, lc: LineCounter): ValidateError {
  const offset = doc.errors.length === 0 ? keyOffset(doc, pathSegments(p.path)) : undefined;
  if (offset !== undefined) {
    const pos = lc.linePos(offset);
    return { line: pos.line, col: pos.col, path: p.path, message: p.message };
  }
  const m = LINE_COL.exec(p.location ?? '');
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
    return { ok: false, errors: e.problems.map((p) => placed(p, doc, lc)) };
  }
}
