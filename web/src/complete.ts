// Field-name completion for the scenario editor: the path of the block-style YAML mapping the cursor is in
// (found by indentation, `- ` items as `[]`), then the names the scenario's JSON Schema (GET /api/schema, the same
// zod schema the docs are built from) allows there, starting with the word being typed.
// Leaves out: flow style (`{ a: 1, b| }`) and keys that are not plain words; there it offers nothing.

export interface JsonSchema {
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
}

const KEY = /^(\s*)(-\s+)?([A-Za-z_][\w-]*)\s*:(.*)$/;
const DASH = /^(\s*)-\s*$/;
const opensBlock = (rest: string) => /^\s*(#.*)?$/.test(rest);

/** The mapping path at the end of `before` (the text up to the cursor) and the word being typed there; null
 * where the cursor is not on a key being typed (after a colon, in flow style). */
export function pathAtCursor(before: string): { path: string[]; partial: string } | null {
  const lines = before.split('\n');
  const current = lines.pop() ?? '';
  const cur = /^(\s*)(-\s+)?([A-Za-z_][\w-]*)?$/.exec(current);
  if (!cur) return null;
  const path: string[] = [];
  let want = cur[1].length + (cur[2]?.length ?? 0);
  if (cur[2]) {
    path.unshift('[]');
    want = cur[1].length;
  }
  for (let i = lines.length - 1; i >= 0 && want > 0; i--) {
    const m = KEY.exec(lines[i]);
    if (!m) {
      const d = DASH.exec(lines[i]);
      if (d && d[1].length < want) {
        path.unshift('[]');
        want = d[1].length;
      }
      continue;
    }
    const dash = m[1].length;
    const key = dash + (m[2]?.length ?? 0);
    if (key < want && opensBlock(m[4])) {
      path.unshift(m[3]);
      want = key;
    }
    if (m[2] && dash < want) {
      path.unshift('[]');
      want = dash;
    }
  }
  return { path, partial: cur[3] ?? '' };
}

function resolve(root: JsonSchema, s: JsonSchema): JsonSchema {
  const ref = /^#\/(\$defs|definitions)\/(.+)$/.exec(s.$ref ?? '');
  if (!ref) return s;
  const defs = ref[1] === '$defs' ? root.$defs : root.definitions;
  return defs?.[ref[2]] ?? s;
}

/** The schema's alternatives at a node, flattened (anyOf, oneOf, allOf, references). */
function variants(root: JsonSchema, s: JsonSchema): JsonSchema[] {
  const r = resolve(root, s);
  const subs = [...(r.anyOf ?? []), ...(r.oneOf ?? []), ...(r.allOf ?? [])];
  return subs.length === 0 ? [r] : [r, ...subs.flatMap((x) => variants(root, x))];
}

/** The field names the schema allows at a path (`[]` steps into a list's items). */
export function fieldsAt(root: JsonSchema, path: string[]): string[] {
  let nodes = [root];
  for (const step of path)
    nodes = nodes.flatMap((n) =>
      variants(root, n).flatMap((v) => {
        const next = step === '[]' ? v.items : v.properties?.[step];
        return next ? [next] : [];
      }),
    );
  const names = new Set<string>();
  for (const n of nodes)
    for (const v of variants(root, n)) for (const k of Object.keys(v.properties ?? {})) names.add(k);
  return [...names];
}

/** Completions for the text up to the cursor: the allowed names that start with the word typed (not equal to it). */
export function completions(root: JsonSchema, before: string): { partial: string; names: string[] } {
  const at = pathAtCursor(before);
  if (!at) return { partial: '', names: [] };
  const names = fieldsAt(root, at.path).filter((n) => n.startsWith(at.partial) && n !== at.partial);
  return { partial: at.partial, names };
}
