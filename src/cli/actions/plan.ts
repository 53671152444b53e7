// `aifabric plan`: one design or the planner's ranking, with the files (--csv, --svg) written whole or not at all.

import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Catalog } from '../../catalog/index.ts';
import { ScenarioError } from '../../errors.ts';
import { planFeasible } from '../../fabric/closest.ts';
import { type Design, designFabric } from '../../fabric/index.ts';
import { cablingCsv, netboxCsvs } from '../../report/csv.ts';
import { renderTopologySvg } from '../../report/diagram.ts';
import { designJson, designText, plannerJson, plannerText } from '../../report/plan.ts';
import { locatingErrors, parseScenario, validateScenario } from '../../scenario/load.ts';
import { readInputText } from '../../scenario/read-input.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { prepareCustomFabric } from '../../scenario/topology-file.ts';
import { catalogFor } from '../catalog-option.ts';
import { intOption } from '../options.ts';
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
  hostsPerLeaf?: string;
  planes?: string;
}

/** The flag that sets each fabric field: problems with a field a flag set are named by the flag. */
const FLAG_OF: Record<keyof FabricFlags, string> = {
  topology: '--topology',
  hosts: '--hosts',
  nic: '--nic',
  switch: '--switch',
  spineSwitch: '--spine-switch',
  coreSwitch: '--core-switch',
  oversubscription: '--oversubscription',
  k: '--k',
  gpusPerNode: '--gpus-per-node',
  nodesPerUnit: '--nodes-per-unit',
  hostsPerLeaf: '--hosts-per-leaf',
  planes: '--planes',
};

/** A count flag: a positive integer here; the schema then checks the field's own range. */
const count = (flags: FabricFlags, key: 'hosts' | 'k' | 'gpusPerNode' | 'nodesPerUnit' | 'hostsPerLeaf' | 'planes') => {
  const v = flags[key];
  return v === undefined ? undefined : intOption(FLAG_OF[key], v, { min: 1 });
};

/** `fabric.hosts` -> `--hosts` when that flag was given. */
export function flagFor(flags: FabricFlags, path: string): string | undefined {
  const m = /^fabric\.([A-Za-z]+)$/.exec(path);
  const key = m?.[1] as keyof FabricFlags | undefined;
  return key && key in FLAG_OF && flags[key] !== undefined ? FLAG_OF[key] : undefined;
}

function renameFlagProblems(e: unknown, flags: FabricFlags): unknown {
  if (!(e instanceof ScenarioError)) return e;
  return new ScenarioError(
    e.problems.map((p) => {
      const flag = flagFor(flags, p.path);
      return flag ? { path: flag, message: p.message } : p;
    }),
  );
}

/** The scenario file (if any) with the CLI flags laid over its `fabric` section, validated as one. */
export function scenarioWithFlags(file: string | undefined, flags: FabricFlags, catalog: Catalog): Scenario {
  let raw: Record<string, unknown> = {};
  if (file) {
    const text = readInputText(file, 'scenario');
    // Validate the file on its own first, so its errors carry file:line:col.
    const base = parseScenario(text, catalog, file);
    if (!Object.values(flags).some((v) => v !== undefined)) return base;
    raw = parseYaml(text) as Record<string, unknown>;
    prepareCustomFabric(raw, file);
  }
  const fabric: Record<string, unknown> = { ...((raw.fabric as Record<string, unknown>) ?? {}) };
  const set = (k: string, v: unknown) => {
    if (v !== undefined) fabric[k] = v;
  };
  set('topology', flags.topology);
  set('hosts', count(flags, 'hosts'));
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
  set('k', count(flags, 'k'));
  set('gpusPerNode', count(flags, 'gpusPerNode'));
  set('nodesPerUnit', count(flags, 'nodesPerUnit'));
  set('hostsPerLeaf', count(flags, 'hostsPerLeaf'));
  set('planes', count(flags, 'planes'));
  try {
    return validateScenario({ ...raw, fabric }, catalog);
  } catch (e) {
    throw renameFlagProblems(e, flags);
  }
}

/** What `aifabric plan` was given (its options are declared in src/cli/commands/plan.ts). */
export interface PlanOptions extends FabricFlags {
  json?: boolean;
  csv?: string;
  svg?: string;
  top: string;
  catalog?: string[];
}

export function plan(file: string | undefined, opts: PlanOptions): void {
  if (file === undefined) planWith(undefined, opts);
  else
    locatingErrors(
      file,
      () => planWith(file, opts),
      (path) => flagFor(opts, path) !== undefined,
    );
}

function planWith(file: string | undefined, opts: PlanOptions): void {
  const top = intOption('--top', opts.top, { min: 1 });
  const catalog = catalogFor(file, opts.catalog);
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
    const r = planFeasible(spec, catalog);
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
