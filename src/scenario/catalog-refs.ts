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
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const list = raw !== null && typeof raw === 'object' ? (raw as { catalog?: unknown }).catalog : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter((p): p is string => typeof p === 'string' && p !== '').map((p) => resolve(dirname(file), p));
}
