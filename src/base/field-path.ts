// A field's path as people write it in messages: `traffic[0].job.stepCompute`. The one formatter the scenario
// loader, its rules, the catalog and topology readers, report inputs and sweep files use for error messages.

/** `['traffic', 0, 'job']` -> `traffic[0].job`; an empty path gives ''. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s;
}
