// `aifabric plan`: one design or the planner's ranking, with the files (--csv, --svg) written whole or not at all.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Catalog, loadCatalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import { type Design, designFabric, planDesigns } from '../../fabric/index.ts';
import { cablingCsv, netboxCsvs } from '../../report/csv.ts';
import { renderTopologySvg } from '../../report/diagram.ts';
import { designJson, designText, plannerJson, plannerText } from '../../report/plan.ts';
import { parseScenario, validateScenario } from '../../scenario/load.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { writeFilesAtomically } from '../output.ts';

export interface FabricFlags {
  topology?: string;
  hosts?: string;
  nic?: string;
  switch?: string;
  spineSwitch?: string;
  coreSwitch?: string;
  oversubscription?: string;
  k?: string;
  gpusPerNode?: string;
  nodesPerUnit?: string;
}

const num = (s: string | undefined) => (s === undefined ? undefined : /^[0-9]+$/.test(s) ? Number(s) : s);

/** The scenario file (if any) with the CLI flags laid over its `fabric` section, validated as one. */
export function scenarioWithFlags(file: string | undefined, flags: FabricFlags, catalog: Catalog): Scenario {
  let raw: Record<string, unknown> = {};
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new ScenarioError([
        { path: 'scenario', message: `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}` },
      ]);
    }
    // Validate the file on its own first, so its errors carry file:line:col.
    const base = parseScenario(text, catalog, file);
    if (!Object.values(flags).some((v) => v !== undefined)) return base;
    raw = parseYaml(text) as Record<string, unknown>;
  }
  const fabric: Record<string, unknown> = { ...((raw.fabric as Record<string, unknown>) ?? {}) };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) fabric[k] = v;
  };
  set('topology', flags.topology);
  set('hosts', num(flags.hosts));
  set('nic', flags.nic);
  set('switch', flags.switch);
  set('spineSwitch', flags.spineSwitch);
  set('coreSwitch', flags.coreSwitch);
  set(
    'oversubscription',
    flags.oversubscription === undefined
      ? undefined
      : /^[0-9.]+$/.test(flags.oversubscription)
        ? Number(flags.oversubscription)
        : flags.oversubscription,
  );
  set('k', num(flags.k));
  set('gpusPerNode', num(flags.gpusPerNode));
  set('nodesPerUnit', num(flags.nodesPerUnit));
  return validateScenario({ ...raw, fabric }, catalog);
}

/** What `aifabric plan` was given (its options are declared in src/cli/commands/plan.ts). */
export interface PlanOptions extends FabricFlags {
  json?: boolean;
  csv?: string;
  svg?: string;
  top: string;
}

export function plan(file: string | undefined, opts: PlanOptions): void {
  const catalog = loadCatalog();
  const scenario = scenarioWithFlags(file, opts, catalog);
  const spec = scenario.fabric;
  let design: Design | undefined;
  let text: string;
  let json: unknown;
  if (spec.topology) {
    design = designFabric(spec, catalog, scenario.name ?? 'fabric');
    json = designJson(design);
    text = designText(design);
  } else {
    const r = planDesigns(spec, catalog);
    const top = Number(opts.top) || 15;
    json = plannerJson(r, top);
    text = plannerText(r, top);
    const best = r.feasible[0];
    if (best && (opts.csv || opts.svg)) {
      design = designFabric(
        { ...spec, topology: best.topology, switch: best.switch, spineSwitch: best.spineSwitch },
        catalog,
      );
    }
  }
  const files: { path: string; content: string }[] = [];
  if (design && opts.csv) {
    files.push({ path: join(opts.csv, 'cabling.csv'), content: cablingCsv(design.fabric, catalog) });
    for (const [name, content] of Object.entries(netboxCsvs(design.fabric, catalog)))
      files.push({ path: join(opts.csv, name), content });
  }
  if (design && opts.svg) files.push({ path: opts.svg, content: renderTopologySvg(design.fabric, catalog) });
  writeFilesAtomically(files, opts.csv ? '--csv' : '--svg');
  process.stdout.write(opts.json ? `${JSON.stringify(json, null, 2)}\n` : text);
  if (!opts.json) for (const f of files) process.stderr.write(`wrote ${f.path}\n`);
}
