// Loads and validates the hardware catalog (every *.yaml under `catalog/`, and the files or directories the user
// adds: `catalog:` in a scenario, `--catalog FILE`). A user entry may not reuse a built-in id: the error names both files.
// The built command reads a built-in file's YAML from what `npm run build` parsed of it (dist/catalog/parsed.json)
// while the file's text is unchanged; every file is validated on load either way.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { LineCounter, parseDocument } from 'yaml';
import { fieldPath } from '../base/field-path.ts';
import { yamlLocation } from '../base/yaml-where.ts';
import { CatalogError } from '../errors.ts';
import {
  CATALOG_VERSION,
  catalogFileSchema,
  type GpuModel,
  type LinkMedium,
  type NicModel,
  type SwitchModel,
} from './schema.ts';

export type { GpuModel, LinkMedium, NicModel, PortGroup, SwitchModel, SwitchRole } from './schema.ts';

export interface Catalog {
  readonly switches: ReadonlyMap<string, SwitchModel>;
  readonly nics: ReadonlyMap<string, NicModel>;
  readonly media: ReadonlyMap<string, LinkMedium>;
  /** GPU and server profiles (catalog/gpus.yaml): the NVLink domain of fabric.gpu. */
  readonly gpus: ReadonlyMap<string, GpuModel>;
}

export const BUILTIN_CATALOG_DIR = fileURLToPath(new URL('../../catalog/', import.meta.url));

let builtin: Catalog | undefined;

/** The catalog shipped with aifabric (cached), optionally extended by more YAML files or directories of them. */
export function loadCatalog(extra: readonly string[] = []): Catalog {
  if (extra.length === 0 && builtin) return builtin;
  const cat = readCatalogDirs([BUILTIN_CATALOG_DIR, ...extra]);
  if (extra.length === 0) builtin = cat;
  return cat;
}

/** The YAML files a path names: the file itself, or a directory's *.yaml / *.yml in name order. */
function catalogFiles(path: string): string[] {
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CatalogError(`catalog: cannot read ${path}: ${code === 'ENOENT' ? 'no such file or directory' : code}`);
  }
  if (!dir) return [path];
  try {
    return readdirSync(path)
      .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
      .sort()
      .map((f) => join(path, f));
  } catch (e) {
    throw new CatalogError(`catalog: cannot read directory ${path}: ${(e as Error).message}`);
  }
}

/** Reads catalog files and directories in order; an id defined twice is an error naming both files. */
export function readCatalogDirs(paths: readonly string[]): Catalog {
  const switches = new Map<string, SwitchModel>();
  const nics = new Map<string, NicModel>();
  const media = new Map<string, LinkMedium>();
  const gpus = new Map<string, GpuModel>();
  const seen = new Map<string, string>();
  for (const path of paths) {
    for (const file of catalogFiles(path)) {
      const { raw, where } = readYaml(file);
      checkVersion(raw, file);
      // jitless: zod's compiled fast path (a `Function` per object schema) costs more to build than it saves on
      // the one or few parses a process makes (about 5 ms of a command's start-up each); the result is the same.
      const r = catalogFileSchema.safeParse(raw ?? {}, { jitless: true });
      if (!r.success) {
        const i = r.error.issues[0];
        throw new CatalogError(`${where(i.path)}: ${pathText(i.path)}: ${i.message}`);
      }
      const add = <T extends { id: string }>(kind: string, list: T[] | undefined, into: Map<string, T>) => {
        for (const [k, item] of (list ?? []).entries()) {
          const prev = seen.get(item.id);
          if (prev)
            throw new CatalogError(
              `${where([kindKey(kind), k, 'id'])}: ${kind} "${item.id}" is already defined in ${prev}${prev.startsWith(BUILTIN_CATALOG_DIR) ? ' (the built-in catalog)' : ''}; ids must be unique: rename it`,
            );
          seen.set(item.id, file);
          into.set(item.id, item);
        }
      };
      add('switch', r.data.switches, switches);
      add('nic', r.data.nics, nics);
      add('medium', r.data.media, media);
      add('gpu', r.data.gpus, gpus);
    }
  }
  for (const s of switches.values()) checkSwitch(s);
  return { switches, nics, media, gpus };
}

const kindKey = (kind: string) => (kind === 'switch' ? 'switches' : kind === 'medium' ? 'media' : `${kind}s`);

const pathText = (path: readonly PropertyKey[]): string => fieldPath(path) || 'catalog';

/** A catalog file's YAML and a function giving `file:line:col` of a path in it (for error messages). */
function readYaml(file: string): { raw: unknown; where: (path: readonly PropertyKey[]) => string } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CatalogError(`catalog: cannot read ${file}: ${(e as Error).message}`);
  }
  const json = file === join(BUILTIN_CATALOG_DIR, basename(file)) ? parsedAtBuild().get(basename(file)) : undefined;
  if (json !== undefined && json.text === text)
    return { raw: JSON.parse(json.json), where: (path) => parseYaml(file, text).where(path) };
  return parseYaml(file, text);
}

function parseYaml(file: string, text: string): { raw: unknown; where: (path: readonly PropertyKey[]) => string } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const pos = lc.linePos(doc.errors[0].pos[0]);
    throw new CatalogError(`${file}:${pos.line}:${pos.col}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  }
  const where = (path: readonly PropertyKey[]) => yamlLocation(doc, lc, file, path);
  return { raw: doc.toJS(), where };
}

/** A built-in catalog file as the build parsed it: its text then, and its YAML as JSON text. */
interface ParsedFile {
  text: string;
  json: string;
}

let parsed: Map<string, ParsedFile> | undefined;

/**
 * dist/catalog/parsed.json, by file name (empty from the sources, or without it): parsing the built-in catalog's
 * YAML took 150-250 ms of every command's start-up on this machine, reading the JSON 1 ms.
 */
function parsedAtBuild(): Map<string, ParsedFile> {
  if (parsed === undefined) {
    parsed = new Map();
    try {
      const text = readFileSync(new URL('./parsed.json', import.meta.url), 'utf8');
      const list = JSON.parse(text) as (ParsedFile & { file: string })[];
      for (const f of list) parsed.set(f.file, { text: f.text, json: f.json });
    } catch {
      // No build output beside this module: every file is parsed.
    }
  }
  return parsed;
}

/**
 * What dist/catalog/parsed.json holds (scripts/build.mjs writes it): each built-in catalog file whose YAML parses
 * and whose value JSON keeps exactly (no Infinity, dates or undefined), with its text. A file that fails is
 * left out, so its error is reported when it is loaded.
 */
export function builtinParsed(): { file: string; text: string; json: string }[] {
  const out: { file: string; text: string; json: string }[] = [];
  for (const file of catalogFiles(BUILTIN_CATALOG_DIR)) {
    try {
      const text = readFileSync(file, 'utf8');
      const { raw } = parseYaml(file, text);
      const json = JSON.stringify(raw);
      if (json !== undefined && isDeepStrictEqual(JSON.parse(json), raw))
        out.push({ file: basename(file), text, json });
    } catch {
      // Reported on load.
    }
  }
  return out;
}

/** A catalog file of another format version is named, with what to do (no older format exists to migrate). */
function checkVersion(raw: unknown, file: string): void {
  const v = raw !== null && typeof raw === 'object' ? (raw as { version?: unknown }).version : undefined;
  if (v === undefined || v === CATALOG_VERSION) return;
  if (typeof v === 'number' && Number.isInteger(v) && v > CATALOG_VERSION)
    throw new CatalogError(
      `${file}: version ${v} is newer than this aifabric reads (${CATALOG_VERSION}); upgrade aifabric, or write version: ${CATALOG_VERSION} with this format (src/catalog/schema.ts)`,
    );
  throw new CatalogError(
    `${file}: version ${JSON.stringify(v)} is not a catalog format version; this aifabric reads version ${CATALOG_VERSION}`,
  );
}

function checkSwitch(s: SwitchModel): void {
  for (const g of s.portGroups) {
    for (const b of g.breakouts) {
      if (b.lanes * b.speedBps > g.speedBps * 1.0001)
        throw new CatalogError(
          `catalog: switch ${s.id}: breakout ${b.lanes}x${b.speedBps / 1e9}G exceeds the port speed`,
        );
    }
  }
  if (s.power.maxW < s.power.typicalW) throw new CatalogError(`catalog: switch ${s.id}: power.maxW is below typicalW`);
}

/** Ports a model offers at a given speed: native ports, or lanes of a breakout. */
export interface PortOption {
  group: number;
  /** Logical ports per physical port (1 = native). */
  lanes: number;
  speedBps: number;
  physical: number;
}

export function portOptions(
  model: SwitchModel,
  speedBps: number,
  use: 'client' | 'fabric' | 'any' = 'any',
): PortOption[] {
  const out: PortOption[] = [];
  model.portGroups.forEach((g, i) => {
    if (use !== 'any' && g.use !== 'any' && g.use !== use) return;
    if (g.speedBps === speedBps) out.push({ group: i, lanes: 1, speedBps, physical: g.count });
    else
      for (const b of g.breakouts)
        if (b.speedBps === speedBps) out.push({ group: i, lanes: b.lanes, speedBps, physical: g.count });
  });
  return out;
}

/** Total logical ports a model can offer at one speed (using every group that can run it). */
export function maxPortsAt(model: SwitchModel, speedBps: number, use: 'client' | 'fabric' | 'any' = 'any'): number {
  const best = new Map<number, number>();
  for (const o of portOptions(model, speedBps, use))
    best.set(o.group, Math.max(best.get(o.group) ?? 0, o.lanes * o.physical));
  let n = 0;
  for (const v of best.values()) n += v;
  return n;
}
