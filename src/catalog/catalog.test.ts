import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CatalogError } from '../errors.ts';
import { BUILTIN_CATALOG_DIR, builtinParsed, loadCatalog, maxPortsAt, readCatalogDirs } from './index.ts';

const c = loadCatalog();

describe('the built-in catalog', () => {
  it("is read by the built command from the build's parse (dist/catalog/parsed.json) as from its YAML", async () => {
    // vitest builds dist/ first (test/build-first.ts): its copy holds every built-in file with today's text.
    const dist = join(BUILTIN_CATALOG_DIR, '../dist/catalog/');
    const files = readdirSync(BUILTIN_CATALOG_DIR).filter((f) => f.endsWith('.yaml'));
    const built = JSON.parse(readFileSync(join(dist, 'parsed.json'), 'utf8')) as { file: string; text: string }[];
    expect(built.map((f) => f.file).sort()).toEqual(files.sort());
    for (const f of built) expect(f.text, f.file).toBe(readFileSync(join(BUILTIN_CATALOG_DIR, f.file), 'utf8'));
    expect(builtinParsed()).toEqual(built);
    const { loadCatalog: loadBuilt } = await import(pathToFileURL(join(dist, 'index.js')).href);
    expect(loadBuilt()).toEqual(readCatalogDirs([BUILTIN_CATALOG_DIR]));
  });

  it('has the ids the product and the seed name', () => {
    for (const id of [
      'aurcore-32x400g',
      'aurcore-32x100g',
      'aurcore-48x25g-8x100g',
      'generic-64x400g',
      'generic-128x400g',
      'generic-64x800g',
      'generic-144x800g',
      'generic-ddc-linecard',
      'generic-ddc-fabric',
    ])
      expect(c.switches.has(id), id).toBe(true);
    for (const s of [25e9, 100e9, 200e9, 400e9, 800e9])
      expect([...c.nics.values()].some((n) => n.speedBps === s)).toBe(true);
    for (const t of ['dac', 'aoc', 'optic', 'fiber'] as const)
      expect([...c.media.values()].some((m) => m.type === t)).toBe(true);
  });

  it("describes the seed's training switch: 32x400G, 12.8T, RoCEv2 with PFC and ECN", () => {
    const s = c.switches.get('aurcore-32x400g')!;
    expect(maxPortsAt(s, 400e9)).toBe(32);
    expect(s.switchingCapacityBps).toBe(12.8e12);
    for (const f of ['rocev2', 'pfc', 'ecn']) expect(s.features).toContain(f);
  });

  it("describes the seed's inference switches", () => {
    const a = c.switches.get('aurcore-48x25g-8x100g')!;
    expect(a.portGroups.map((g) => [g.count, g.speedBps])).toEqual([
      [48, 25e9],
      [8, 100e9],
    ]);
    expect(maxPortsAt(c.switches.get('aurcore-32x100g')!, 100e9)).toBe(32);
  });

  it('switching capacity of the 51.2T and 115.2T parts matches their ports', () => {
    for (const [id, t] of [
      ['generic-64x400g', 25.6e12],
      ['generic-128x400g', 51.2e12],
      ['generic-64x800g', 51.2e12],
      ['generic-144x800g', 115.2e12],
    ] as const) {
      const s = c.switches.get(id)!;
      expect(s.switchingCapacityBps, id).toBe(t);
      expect(
        s.portGroups.reduce((n, g) => n + g.count * g.speedBps, 0),
        id,
      ).toBe(t);
    }
  });

  it('every price names its source (a public figure or an estimate with its reasoning)', () => {
    const all = [...c.switches.values(), ...c.nics.values(), ...c.media.values()];
    for (const x of all) {
      expect(x.price.usd, x.id).toBeGreaterThan(0);
      expect(x.price.source.length, x.id).toBeGreaterThan(10);
    }
  });

  it('typical power never exceeds maximum power', () => {
    for (const s of c.switches.values()) expect(s.power.typicalW).toBeLessThanOrEqual(s.power.maxW);
  });
});

describe('catalog validation on load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aifabric-cat-'));
  it('rejects a malformed entry with the file:line:col and the field', () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      'nics:\n  - {id: nic-x, vendor: v, name: n, speed: fast, form: f, features: [], power: {typicalW: 1, maxW: 2}, price: {usd: 1, source: "estimate: x"}}\n',
    );
    expect(() => readCatalogDirs([dir])).toThrow(CatalogError);
    expect(() => readCatalogDirs([dir])).toThrow(/bad.yaml:2:44: nics\[0\]\.speed: expected a rate such as 400G/);
    rmSync(join(dir, 'bad.yaml'));
  });
  it('names a file of a newer format version, and of a version that is not one', () => {
    writeFileSync(join(dir, 'v2.yaml'), 'version: 2\nnics: []\n');
    expect(() => readCatalogDirs([dir])).toThrow(
      /v2\.yaml: version 2 is newer than this aifabric reads \(1\); upgrade aifabric, or write version: 1/,
    );
    writeFileSync(join(dir, 'v2.yaml'), 'version: one\nnics: []\n');
    expect(() => readCatalogDirs([dir])).toThrow(/v2\.yaml: version "one" is not a catalog format version/);
    writeFileSync(join(dir, 'v2.yaml'), 'version: 1\nnics: []\n');
    expect(() => readCatalogDirs([dir])).not.toThrow();
    rmSync(join(dir, 'v2.yaml'));
  });
  it('rejects an id defined twice', () => {
    writeFileSync(
      join(dir, 'dup.yaml'),
      'nics:\n  - {id: nic-400g, vendor: v, name: n, speed: 400G, form: f, features: [], power: {typicalW: 1, maxW: 2}, price: {usd: 1, source: "estimate: x"}}\n',
    );
    expect(() => readCatalogDirs([BUILTIN_CATALOG_DIR, dir])).toThrow(
      /dup\.yaml:2:10: nic "nic-400g" is already defined in .*catalog\/nics\.yaml \(the built-in catalog\)/,
    );
    // A single file (not a directory) is read the same way: `--catalog FILE`.
    expect(() => readCatalogDirs([BUILTIN_CATALOG_DIR, join(dir, 'dup.yaml')])).toThrow(/already defined/);
    rmSync(dir, { recursive: true, force: true });
  });
});
