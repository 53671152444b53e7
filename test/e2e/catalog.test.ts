// User catalogs (issue 17, item 1): `--catalog FILE` on the commands, `catalog: [file]` in a scenario (relative to
// it), `aifabric catalog validate`, and the error when a user id reuses a built-in one (naming both files).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runMain } from './run-cli.ts';

const LAB = join(ROOT, 'catalog/examples/lab-40g.yaml');

describe('user catalog', () => {
  it('the example 40G catalog validates and adds its switch and NIC', async () => {
    const v = await runMain(['catalog', 'validate', LAB, '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ valid: true, switches: 1, nics: 1, media: 4 });
    const show = await runMain(['catalog', 'show', 'mellanox-sx1036', '--catalog', LAB, '--json']);
    expect(JSON.parse(show.stdout).latencyPs).toBe(230_000);
  });

  it('plan designs with --catalog models: 64 x 40G hosts on SX1036 leaves (18 down, 18 up of 36 ports)', async () => {
    const r = await runMain(
      ['plan', '--topology', 'leaf-spine', '--hosts', '64', '--nic', '40G', '--switch', 'mellanox-sx1036'].concat([
        '--catalog',
        LAB,
        '--json',
      ]),
    );
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    // Non-blocking: 36 ports split 18 hosts + 18 uplinks, so ceil(64 / 18) = 4 leaves; 4 x 18 uplinks over 2 spines.
    expect(d.switchesByRole).toEqual({ leaf: 4, spine: 2 });
    expect(d.bom.items.some((i: { id: string }) => i.id === 'connectx3pro-40g')).toBe(true);
  });

  it("a scenario's catalog list is read relative to the scenario file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aifabric-cat-'));
    writeFileSync(join(dir, 'lab.yaml'), `catalog: [${JSON.stringify(LAB)}]\n`);
    const rel = join(dir, 'sub');
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(rel);
    copyFileSync(LAB, join(rel, 'mine.yaml'));
    const FABRIC = 'fabric: {topology: leaf-spine, hosts: 16, nic: 40G, switch: mellanox-sx1036}\n';
    /** The NICs `plan` counts for a scenario of `head` + FABRIC, where the head names the catalog. */
    const planNics = async (name: string, head: string) => {
      writeFileSync(join(dir, name), head + FABRIC);
      const r = await runMain(['plan', join(dir, name), '--json']);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).bom.totals.nics;
    };
    expect(await planNics('s.yaml', 'catalog: [sub/mine.yaml]\n')).toBe(16);
    // The key spelled with a YAML escape is still the catalog list (scenarioCatalogFiles skips its parse only when
    // the text holds neither the word nor a backslash).
    expect(await planNics('e.yaml', '"\\x63atalog": [sub/mine.yaml]\n')).toBe(16);
    // Without the list the model is unknown, and the error says so.
    writeFileSync(join(dir, 't.yaml'), FABRIC);
    const bad = await runMain(['plan', join(dir, 't.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/mellanox-sx1036/);
  });

  it('an id that collides with a built-in one is an error naming both files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aifabric-cat-'));
    const f = join(dir, 'dup.yaml');
    writeFileSync(
      f,
      'nics:\n  - id: nic-400g\n    vendor: X\n    name: X\n    speed: 400G\n    form: OSFP\n    features: []\n    power: {typicalW: 1, maxW: 2}\n    price: {usd: 1, source: test}\n',
    );
    const r = await runMain(['catalog', 'validate', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}:2:9`);
    expect(r.stderr).toContain(join(ROOT, 'catalog/nics.yaml'));
  });

  it('a malformed entry is reported with file:line:col and the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aifabric-cat-'));
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'switches:\n  - id: x1\n    vendor: X\n');
    const r = await runMain(['catalog', 'validate', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${f}:2:\\d+: switches\\[0\\]`));
  });
});
