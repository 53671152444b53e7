// Where a field of a parsed YAML document sits, as `file:line:col`: the one place the scenario loader, the
// catalog loader and the topology-file reader find a field's position for their error messages. A path that leaves
// the document ends at the deepest node it reached (the list or mapping the missing item belongs in).
import { type Document, isMap, isNode, isSeq, type LineCounter } from 'yaml';

export function yamlLocation(doc: Document, lc: LineCounter, file: string, path: readonly PropertyKey[]): string {
  let node: unknown = doc.contents;
  let best: unknown = node;
  for (const p of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isNode(it.key) && (it.key as { value?: unknown }).value === p);
      if (!pair) break;
      best = pair.value ?? pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof p === 'number') {
      node = node.items[p];
      best = node ?? best;
    } else break;
  }
  if (!isNode(best) || !best.range) return file;
  const pos = lc.linePos(best.range[0]);
  return `${file}:${pos.line}:${pos.col}`;
}
