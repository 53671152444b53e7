// Loads and validates the hardware catalog (every *.yaml under `catalog/`, or directories the user adds).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
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

/** The catalog shipped with aifabric (cached), optionally extended by more directories of YAML files. */
export function loadCatalog(extraDirs: readonly string[] = []): Catalog {
  if (extraDirs.length === 0 && builtin) return builtin;
  const cat = readCatalogDirs([BUILTIN_CATALOG_DIR, ...extraDirs]);
  if (extraDirs.length === 0) builtin = cat;
  return cat;
}

export function readCatalogDirs(dirs: readonly string[]): Catalog {
  const switches = new Map<string, SwitchModel>();
  const nics = new Map<string, NicModel>();
  const media = new Map<string, LinkMedium>();
  const gpus = new Map<string, GpuModel>();
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir)
        .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
        .sort();
    } catch (e) {
      throw new CatalogError(`catalog: cannot read directory ${dir}: ${(e as Error).message}`);
    }
    for (const f of files) {
      const file = join(dir, f);
      let raw: unknown;
      try {
        raw = parseYaml(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new CatalogError(`${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
      }
      checkVersion(raw, file);
      const r = catalogFileSchema.safeParse(raw ?? {});
      if (!r.success) {
        const i = r.error.issues[0];
        throw new CatalogError(`${file}: ${i.path.join('.')}: ${i.message}`);
      }
      const add = <T extends { id: string }>(kind: string, list: T[] | undefined, into: Map<string, T>) => {
        for (const item of list ?? []) {
          const prev = seen.get(item.id);
          if (prev)
            throw new CatalogError(`${file}: ${kind} "${item.id}" is already defined in ${prev}; ids must be unique`);
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
