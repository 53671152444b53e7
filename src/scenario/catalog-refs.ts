// The user catalog files a scenario names (`catalog: [file, ...]`), resolved against the scenario's folder. Read
// before the scenario is validated, since validation checks model ids against the catalog they add. Leaves the
// checks of the field itself (a list of strings) to the schema.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Absolute paths of the scenario's `catalog` entries; none when the file cannot be read or parsed (the scenario
 * loader then reports that with its location). */
export function scenarioCatalogFiles(file: string): string[] {
  let raw: unknown;
  try {
    const text = readFileSync(file, 'utf8');
    // Most scenarios name no catalog: without the word (or an escape that could spell it) there is nothing to
    // find, and the scenario loader's own parse is the only one (the fuzz test spent a fifth of its time here).
    if (!text.includes('catalog') && !text.includes('\\')) return [];
    raw = parseYaml(text);
  } catch {
    return [];
  }
  const list = raw !== null && typeof raw === 'object' ? (raw as { catalog?: unknown }).catalog : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter((p): p is string => typeof p === 'string' && p !== '').map((p) => resolve(dirname(file), p));
}
