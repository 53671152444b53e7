import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { designFabric } from '../fabric/index.ts';
import type { Fabric, Role } from '../fabric/types.ts';
import { type FabricSpec, fabricSpec } from '../scenario/schema.ts';
import { escapeXml, renderTopologySvg } from './diagram.ts';

const catalog = loadCatalog();
const spec = fabricSpec;
const build = (s: Partial<FabricSpec> & Pick<FabricSpec, 'topology' | 'hosts'>, name?: string): Fabric =>
  designFabric(spec(s), catalog, name).fabric;

/** Checks the SVG is well formed enough for a browser: one root, tags balanced and nested, entities only. */
function checkWellFormed(svg: string): void {
  expect(svg.startsWith('<svg ')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  const stack: string[] = [];
  let roots = 0;
  for (const m of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (close) {
      expect(stack.pop(), `closing </${name}>`).toBe(name);
    } else {
      if (stack.length === 0) roots++;
      if (!self) stack.push(name);
    }
  }
  expect(stack).toEqual([]);
  expect(roots).toBe(1);
  // Every '<' starts a tag and every '&' an entity: text is escaped.
  const stripped = svg.replace(/<(\/?)([A-Za-z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g, '');
  expect(stripped).not.toMatch(/[<>]/);
  expect(svg).not.toMatch(/&(?!(?:amp|lt|gt|quot|apos|#\d+);)/);
}

function rootSize(svg: string): { width: number; height: number; viewBox: string } {
  const m = /^<svg [^>]*width="(\d+)" height="(\d+)" viewBox="([^"]+)"/.exec(svg);
  expect(m).not.toBeNull();
  return { width: Number(m![1]), height: Number(m![2]), viewBox: m![3] };
}

function countTag(svg: string, tag: string): number {
  return svg.split(`<${tag} `).length - 1;
}

function linkCount(f: Fabric, lower: Role, upper: Role): number {
  return f.links.filter((l) => f.nodes[l.a].role === lower && f.nodes[l.b].role === upper).length;
}

describe('renderTopologySvg: a small leaf-spine (512 hosts, aurcore-32x400g)', () => {
  const fabric = build({ topology: 'leaf-spine', hosts: 512, switch: 'aurcore-32x400g' }, 'ls');
  const svg = renderTopologySvg(fabric, catalog);

  it('is a self-contained, well-formed SVG 1280 px wide with a matching viewBox', () => {
    checkWellFormed(svg);
    const { width, height, viewBox } = rootSize(svg);
    expect(width).toBe(1280);
    expect(height).toBeGreaterThan(300);
    expect(viewBox).toBe(`0 0 ${width} ${height}`);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).not.toMatch(/<script|<style|@import|@font-face|href=|url\(/i);
  });

  it('titles the drawing with topology, hosts, switch counts by role and tiers', () => {
    expect(svg).toContain('leaf-spine · 512 hosts · 16 spine, 32 leaf · 2 switch tiers');
  });

  it('labels each tier with its role, count and model, and switches with name and model', () => {
    expect(svg).toMatch(/>32 leaf<\/text>/);
    expect(svg).toMatch(/>16 spine<\/text>/);
    expect(svg).toMatch(/>512 hosts<\/text>/);
    expect(svg).toMatch(/>leaf0<\/text>/);
    expect(svg).toMatch(/>leaf31<\/text>/);
    expect(svg).toMatch(/>spine15<\/text>/);
    expect(svg).toMatch(/>aurcore-32x400g<\/text>/);
  });

  it('draws the first 8 and last switch of a tier over 12 and one "… N more" box for the rest', () => {
    expect(svg).toContain('… 23 more');
    expect(svg).toContain('leaf8 – leaf30');
    expect(svg).toContain('… 7 more');
    expect(svg).not.toMatch(/>leaf8<\/text>/);
    expect(svg).not.toMatch(/>spine14<\/text>/);
  });

  it('groups hosts per leaf and bundles links with counts, speed and medium', () => {
    expect(svg).toContain('16 hosts · 400G');
    expect(svg).toContain('h0 – h15');
    expect(svg).toContain('368 hosts · 400G'); // on the 23 leaves not drawn
    expect(svg).not.toMatch(/>h17<\/text>/);
    expect(svg).toContain('leaf – spine: 512 × 400G · aoc-400g (400G QSFP-DD active optical cable) · row, 30 m');
    expect(svg).toContain('host – leaf: 512 × 400G · dac-400g (400G QSFP-DD passive DAC) · rack, 2.5 m');
    // One line per drawn leaf-spine pair at most: 10 x 10 slots plus 10 host lines.
    expect(countTag(svg, 'line')).toBeLessThanOrEqual(110);
    expect(countTag(svg, 'line')).toBeGreaterThan(50);
  });

  it('is deterministic: the same fabric, or the same spec built again, gives the same string', () => {
    expect(renderTopologySvg(fabric, catalog)).toBe(svg);
    const again = build({ topology: 'leaf-spine', hosts: 512, switch: 'aurcore-32x400g' }, 'ls');
    expect(renderTopologySvg(again, catalog)).toBe(svg);
  });
});

describe('renderTopologySvg: small fabrics', () => {
  it('draws every switch and a host group per leaf when no tier has more than 12 switches', () => {
    const f = build({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g' });
    const svg = renderTopologySvg(f, catalog);
    checkWellFormed(svg);
    expect(svg).not.toContain('more</text>');
    for (const name of ['leaf0', 'leaf1', 'leaf2', 'leaf3', 'spine0', 'spine1']) expect(svg).toMatch(`>${name}</text>`);
    expect(svg.split('16 hosts · 400G').length - 1).toBe(4);
    // 4 leaves x 2 spines, each pair 8 parallel links drawn as one line.
    expect(countTag(svg, 'line')).toBe(8 + 4);
    expect(svg).toContain('8 parallel per pair');
  });

  it('escapes XML special characters in text', () => {
    const f = build({ topology: 'leaf-spine', hosts: 64, switch: 'aurcore-32x400g' }, `a<b> & "c" 'd'`);
    const svg = renderTopologySvg(f, catalog);
    checkWellFormed(svg);
    expect(svg).toContain('fabric &quot;a&lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;&quot;');
    expect(escapeXml(`<&>"'`)).toBe('&lt;&amp;&gt;&quot;&apos;');
  });
});

describe('renderTopologySvg: a 65,536-host k=64 fat-tree', () => {
  const fabric = build({ topology: 'fat-tree', hosts: 65536, switch: 'generic-64x400g', k: 64 });
  const svg = renderTopologySvg(fabric, catalog);

  // Render speed is the bench's to measure (no wall-time asserts in tests); the bounded size is what keeps it fast.
  it('stays small (under 200 KB, a bounded number of elements)', () => {
    checkWellFormed(svg);
    expect(svg.length).toBeLessThan(200_000);
    expect(countTag(svg, 'rect')).toBeLessThan(60);
    expect(countTag(svg, 'line')).toBeLessThan(400);
  });

  it('mentions the counts: 1024 cores, 2048 spines and leaves, 65536 hosts, and the pods', () => {
    expect(svg).toContain('fat-tree · 65536 hosts · 1024 core, 2048 spine, 2048 leaf · 3 switch tiers');
    expect(svg).toMatch(/>1024 core<\/text>/);
    expect(svg).toMatch(/>65536 hosts<\/text>/);
    expect(svg).toContain('64 pods, each 32 leaf + 32 spine; 32 core planes of 32');
    expect(svg).toContain('… 1015 more');
    expect(svg).toContain('… 2039 more');
    expect(svg).toMatch(/>core1023<\/text>/);
    expect(svg).toContain('65248 hosts · 400G');
  });

  it('gives each tier pair a legend line with total count, speed and medium', () => {
    expect(svg).toContain(
      'spine – core: 65536 × 400G · optic-400g-dr4 (400GBASE-DR4 QSFP-DD transceiver) · hall, 150 m',
    );
    expect(svg).toContain('leaf – spine: 65536 × 400G · aoc-400g');
    expect(svg).toContain('host – leaf: 65536 × 400G · dac-400g');
  });

  it('orders tiers top to bottom: core, spine, leaf, hosts', () => {
    const y = (label: string) => {
      const m = new RegExp(`<text x="[\\d.]+" y="([\\d.]+)"[^>]*>${label}</text>`).exec(svg);
      expect(m, label).not.toBeNull();
      return Number(m![1]);
    };
    expect(y('core0')).toBeLessThan(y('spine0'));
    expect(y('spine0')).toBeLessThan(y('leaf0'));
    expect(y('leaf0')).toBeLessThan(y('32 hosts · 400G'));
  });
});

describe('renderTopologySvg: other topologies', () => {
  it('access-aggregation: draws border0 on top and its aggregation uplinks', () => {
    const f = build({ topology: 'access-aggregation', hosts: 2000, nic: '25G', switch: 'aurcore-48x25g-8x100g' });
    const svg = renderTopologySvg(f, catalog);
    checkWellFormed(svg);
    expect(svg).toMatch(/>border0<\/text>/);
    expect(svg).toMatch(/>1 border<\/text>/);
    expect(svg).toContain('2 switch tiers + border');
    const border = linkCount(f, 'aggregation', 'border');
    expect(border).toBeGreaterThan(0);
    expect(svg).toContain(`aggregation – border: ${border} × 100G`);
    expect(svg).toContain(`access – aggregation: ${linkCount(f, 'access', 'aggregation')} × 100G`);
    expect(svg).toContain('48 hosts · 25G');
    expect(svg).toMatch(/groups, each \d+ access \+ \d+ aggregation/);
    // The demo's 384 servers make one group: "1 group" (it read "1 groups", issue 15).
    const one = renderTopologySvg(
      build({ topology: 'access-aggregation', hosts: 384, nic: '25G', switch: 'aurcore-48x25g-8x100g' }),
      catalog,
    );
    expect(one).toMatch(/>1 group, each \d+ access \+ \d+ aggregation/);
    const y = (label: string) => Number(new RegExp(`y="([\\d.]+)"[^>]*>${label}</text>`).exec(svg)![1]);
    expect(y('border0')).toBeLessThan(y('agg0'));
    expect(y('agg0')).toBeLessThan(y('access0'));
  });

  it('rail-optimized: labels rails and groups each rail leaf’s hosts by GPU index', () => {
    const f = build({ topology: 'rail-optimized', hosts: 1024, switch: 'generic-64x800g', gpusPerNode: 8 });
    const svg = renderTopologySvg(f, catalog);
    checkWellFormed(svg);
    expect(svg).toContain('rail-optimized · 1024 hosts');
    expect(svg).toContain('8 GPUs per server (128 servers)');
    expect(svg).toContain('rail 3 · unit 0');
    expect(svg).toContain('GPU 3 of servers 0–63');
    expect(svg).toContain(`leaf – spine: ${linkCount(f, 'leaf', 'spine')} × 800G`);
    expect(svg).toMatch(/\d+ parallel per pair/);
  });

  it('ddc: draws line cards under fabric elements with their counts', () => {
    const f = build({ topology: 'ddc', hosts: 1024, switch: 'generic-ddc-linecard' });
    const svg = renderTopologySvg(f, catalog);
    checkWellFormed(svg);
    const lcs = f.nodes.filter((n) => n.role === 'linecard').length;
    const fes = f.nodes.filter((n) => n.role === 'fabric').length;
    expect(svg).toContain(`ddc · 1024 hosts · ${fes} fabric, ${lcs} linecard`);
    expect(svg).toMatch(/>lc0<\/text>/);
    expect(svg).toMatch(/>fe0<\/text>/);
    expect(svg).toMatch(/>generic-ddc-fabric<\/text>/);
    expect(svg).toContain(`linecard – fabric: ${linkCount(f, 'linecard', 'fabric')} × 400G`);
    expect(svg).toContain('host – linecard: 1024 × 400G');
  });
});
