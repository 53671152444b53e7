// A scenario as a client sends it: YAML text, or the name of a built-in one under scenarios/. No file paths from
// the client: a field that names a file on this machine (a custom fabric's topology file, user catalogs, a trace
// CSV) is refused before anything reads it, so a page cannot make the server read a file. Left out: uploads of
// those files (a later slice: the client would send their contents, as a queue job carries them).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { closest } from '../base/suggest.ts';
import type { Catalog } from '../catalog/index.ts';
import { type InputProblem, ScenarioError } from '../errors.ts';
import { parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { referencedFiles } from '../sweep/key.ts';

const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

/** The built-in scenarios by name (file name without .yaml). */
export function builtinScenarios(): string[] {
  return readdirSync(SCENARIOS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

const NO_FILES = 'the server reads no files named by a client: use a built-in scenario by name, or leave the field out';

/** Fields that name a file, found in the parsed text before validation reads any of them. */
function fileFields(raw: unknown): InputProblem[] {
  if (raw === null || typeof raw !== 'object') return [];
  const r = raw as { fabric?: { file?: unknown }; catalog?: unknown };
  const out: InputProblem[] = [];
  if (r.fabric && typeof r.fabric === 'object' && r.fabric.file !== undefined)
    out.push({ path: 'fabric.file', message: `"${String(r.fabric.file)}" names a topology file: ${NO_FILES}` });
  if (r.catalog !== undefined)
    out.push({ path: 'catalog', message: `names user catalog files: ${NO_FILES} (the built-in catalog is used)` });
  return out;
}

/** Parses and validates scenario text from a client, refusing file paths. */
export function scenarioFromText(text: string, catalog: Catalog): Scenario {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch {
    raw = null; // parseScenario reports the syntax error with its line and column
  }
  const refused = fileFields(raw);
  if (refused.length > 0) throw new ScenarioError(refused);
  const s = parseScenario(text, catalog, 'scenario.yaml');
  // Traces other than the bundled ones are CSV paths (the same rule the sweeps' run key uses).
  const traces = referencedFiles(s).map(({ at, ref }) => ({
    path: at.join('.'),
    message: `"${ref}" names a trace file: ${NO_FILES} (bundled traces: conv, code)`,
  }));
  if (traces.length > 0) throw new ScenarioError(traces);
  return s;
}

/** The text of a built-in scenario; an unknown name gets the nearest one. */
export function builtinText(name: string): string {
  const names = builtinScenarios();
  if (!names.includes(name)) {
    const near = closest(name, names);
    throw new ScenarioError([
      {
        path: 'name',
        message: `"${name}" is no built-in scenario${near ? ` (did you mean ${near}?)` : ''}: one of ${names.join(', ')}`,
      },
    ]);
  }
  return readFileSync(`${SCENARIOS_DIR}${name}.yaml`, 'utf8');
}
