// A self-contained SVG drawing of a fabric: tiers as rows (core or border at the top, hosts at the bottom),
// switches as labelled boxes, links bundled per pair of drawn boxes and counted per tier pair. Large tiers are
// drawn as their first few switches, an ellipsis box "… N more" and the last one, and hosts always as one group
// box per leaf (access switch, line card), so the drawing stays small (tens of KB) at any fabric size.

import { formatRate } from '../base/units.ts';
import type { Catalog } from '../catalog/index.ts';
import type { Fabric, FabricNode, Role } from '../fabric/types.ts';

const WIDTH = 1280;
/** Left edge of the drawing area; the column left of it holds the tier and link labels. */
const X0 = 176;
const X1 = WIDTH - 16;
/** A tier with more switches than this is drawn as HEAD switches, an ellipsis box and TAIL switches. */
const MAX_FULL = 12;
const HEAD = 8;
const TAIL = 1;
const MAX_BOX_W = 150;
const TOP = 118;
const ROW_PITCH = 150;
const BOX_H = 52;
const HOST_H = 44;
const LINE_H = 17;
const FONT = 'DejaVu Sans, Verdana, Arial, Helvetica, sans-serif';

const COLORS: Record<Role, { fill: string; stroke: string }> = {
  border: { fill: '#ece4f7', stroke: '#5b3f98' },
  core: { fill: '#fde4e1', stroke: '#b3261e' },
  spine: { fill: '#e0ecfb', stroke: '#1f5fa8' },
  aggregation: { fill: '#e0ecfb', stroke: '#1f5fa8' },
  fabric: { fill: '#e0ecfb', stroke: '#1f5fa8' },
  leaf: { fill: '#e3f4e6', stroke: '#2e7d32' },
  access: { fill: '#e3f4e6', stroke: '#2e7d32' },
  linecard: { fill: '#e3f4e6', stroke: '#2e7d32' },
  host: { fill: '#f4f4f4', stroke: '#6b6b6b' },
  storage: { fill: '#fff4d6', stroke: '#9a6b00' },
};

/** One drawn box of a switch row: a switch, or the ellipsis standing for the switches not drawn. */
interface Slot {
  id: number;
  row: number;
  /** The switch drawn, or null for the ellipsis box. */
  node: FabricNode | null;
  /** For the ellipsis: how many switches, the first and last of them, and their pod range. */
  hidden: { count: number; first: FabricNode; last: FabricNode; podMin: number; podMax: number } | null;
  x: number;
  w: number;
}

interface Row {
  tier: number;
  nodes: FabricNode[];
  slots: Slot[];
  y: number;
}

/** Links bundled between two drawn slots (or a host group and its slot). */
interface Bundle {
  count: number;
  rates: Map<number, number>;
}

interface HostGroup {
  links: number;
  rates: Map<number, number>;
  minHost: number;
  maxHost: number;
  rails: Set<number>;
  minServer: number;
  maxServer: number;
}

interface PairSummary {
  lower: Role;
  upper: Role;
  count: number;
  rateBps: number;
  medium: string;
  lengthClass: string;
  lengthM: number;
}

/** Escapes text for SVG/XML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

function num(x: number): string {
  return String(Math.round(x * 10) / 10);
}

function ratesText(rates: Map<number, number>, withCounts: boolean): string {
  return [...rates.entries()]
    .sort((p, q) => q[0] - p[0])
    .map(([r, c]) => (withCounts ? `${c} × ${formatRate(r)}` : formatRate(r)))
    .join(' + ');
}

function bump(m: Map<number, number>, k: number, by = 1): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

/** Estimated width of a string in em of a DejaVu-like sans font (wide enough for Arial and Verdana too). */
function widthEm(s: string, bold: boolean): number {
  let w = 0;
  for (const c of s) {
    if (' .,:;·!|il()[]'.includes(c)) w += 0.34;
    else if (c === '…' || c === 'm' || c === 'w' || c === 'M' || c === 'W') w += 0.95;
    else w += bold ? 0.7 : 0.63;
  }
  return w;
}

/** A text element; set smaller, then squeezed (textLength), when its estimated width would overflow maxW. */
function text(
  x: number,
  y: number,
  s: string,
  o: {
    size?: number;
    anchor?: 'start' | 'middle' | 'end';
    weight?: string;
    fill?: string;
    maxW?: number;
    /** A white outline so the text stays legible over lines. */
    halo?: boolean;
  } = {},
): string {
  const anchor = o.anchor ?? 'middle';
  // Shrink the font to fit, down to 7 px, then squeeze.
  const em = widthEm(s, o.weight === 'bold');
  let size = o.size ?? 11;
  if (o.maxW !== undefined) size = Math.max(7, Math.min(size, Math.floor((o.maxW / em) * 2) / 2));
  let attrs = `x="${num(x)}" y="${num(y)}" font-size="${size}"`;
  if (anchor !== 'start') attrs += ` text-anchor="${anchor}"`;
  if (o.weight) attrs += ` font-weight="${o.weight}"`;
  if (o.fill) attrs += ` fill="${o.fill}"`;
  if (o.halo) attrs += ' stroke="#ffffff" stroke-width="3" paint-order="stroke"';
  const estW = em * size;
  if (o.maxW !== undefined && estW > o.maxW) attrs += ` textLength="${num(o.maxW)}" lengthAdjust="spacingAndGlyphs"`;
  return `<text ${attrs}>${escapeXml(s)}</text>`;
}

function podWord(fabric: Fabric, role: Role): string {
  if (role === 'core') return 'plane';
  if (fabric.topology === 'access-aggregation') return 'group';
  if (fabric.topology === 'rail-optimized' && fabric.blueprint.tiers === 2) return 'unit';
  return 'pod';
}

function nodeTag(fabric: Fabric, n: FabricNode): string {
  const parts: string[] = [];
  if (n.rail >= 0) parts.push(`rail ${n.rail}`);
  if (n.pod >= 0) parts.push(`${podWord(fabric, n.role)} ${n.pod}`);
  if (n.role === 'border') parts.push('clients enter here');
  return parts.join(' · ');
}

/** Switch (and border, and storage node) counts by role, highest tier first. */
function roleCounts(fabric: Fabric): { role: Role; tier: number; count: number; models: string[] }[] {
  const by = new Map<Role, { role: Role; tier: number; count: number; models: string[] }>();
  for (const n of fabric.nodes) {
    if (n.role === 'host') continue;
    let e = by.get(n.role);
    if (!e) {
      e = { role: n.role, tier: n.tier, count: 0, models: [] };
      by.set(n.role, e);
    }
    e.count++;
    const model = n.model ?? 'border';
    if (!e.models.includes(model)) e.models.push(model);
  }
  return [...by.values()].sort((p, q) => q.tier - p.tier);
}

/** "64 pods, each 32 leaf + 32 spine; 32 core planes of 32" from the nodes' pod numbers. */
function podSummary(fabric: Fabric): string {
  const perRole = new Map<Role, Map<number, number>>();
  for (const n of fabric.nodes) {
    if (n.role === 'host' || n.pod < 0) continue;
    let m = perRole.get(n.role);
    if (!m) {
      m = new Map();
      perRole.set(n.role, m);
    }
    bump(m, n.pod);
  }
  const parts: string[] = [];
  const grouped = new Map<string, string[]>();
  const order: string[] = [];
  for (const [role, pods] of [...perRole.entries()].sort((p, q) => tierOf(p[0]) - tierOf(q[0]))) {
    const sizes = [...pods.values()];
    const min = Math.min(...sizes);
    const max = Math.max(...sizes);
    const size = min === max ? `${min}` : `${min}–${max}`;
    const word = podWord(fabric, role);
    if (word === 'plane') {
      parts.push(`${pods.size} ${role} plane${pods.size === 1 ? '' : 's'} of ${size}`);
      continue;
    }
    const key = `${pods.size} ${word}${pods.size === 1 ? '' : 's'}`;
    if (!grouped.has(key)) {
      grouped.set(key, []);
      order.push(key);
    }
    grouped.get(key)!.push(`${size} ${role}`);
  }
  const head = order.map((k) => `${k}, each ${grouped.get(k)!.join(' + ')}`);
  return [...head, ...parts].join('; ');
}

function tierOf(role: Role): number {
  switch (role) {
    case 'host':
      return 0;
    case 'leaf':
    case 'access':
    case 'linecard':
      return 1;
    case 'spine':
    case 'aggregation':
    case 'fabric':
      return 2;
    default:
      return 3;
  }
}

/** The x range of the switches storage nodes hang from (their slots are placed already: a higher row). */
function storageSpan(fabric: Fabric, list: FabricNode[], slots: Slot[], slotOf: Int32Array): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const n of list)
    for (let i = fabric.adjStart[n.id]; i < fabric.adjStart[n.id + 1]; i++) {
      const s = slotOf[fabric.peer(fabric.adjLinks[i] as never, n.id)];
      if (s < 0) continue;
      lo = Math.min(lo, slots[s].x - slots[s].w / 2);
      hi = Math.max(hi, slots[s].x + slots[s].w / 2);
    }
  return lo < hi ? [lo, hi] : [X0, X1];
}

/** Renders the fabric as one SVG document (1280 px wide; same fabric, same string). */
export function renderTopologySvg(fabric: Fabric, catalog: Catalog): string {
  const bp = fabric.blueprint;
  const nodes = fabric.nodes;

  // Rows: one per tier that has switches (or the border), highest first, then the hosts.
  const byTier = new Map<number, FabricNode[]>();
  for (const n of nodes) {
    if (n.role === 'host') continue;
    let list = byTier.get(n.tier);
    if (!list) {
      list = [];
      byTier.set(n.tier, list);
    }
    list.push(n);
  }
  const tiers = [...byTier.keys()].sort((p, q) => q - p);
  const rows: Row[] = tiers.map((tier, i) => ({ tier, nodes: byTier.get(tier)!, slots: [], y: TOP + i * ROW_PITCH }));
  const hostRowY = TOP + rows.length * ROW_PITCH;

  // Slots: every switch of a small tier; head, ellipsis and tail of a large one.
  const slots: Slot[] = [];
  const slotOf = new Int32Array(nodes.length).fill(-1);
  rows.forEach((row, r) => {
    const list = row.nodes;
    const drawn: (FabricNode | null)[] =
      list.length <= MAX_FULL ? list : [...list.slice(0, HEAD), null, ...list.slice(list.length - TAIL)];
    const n = drawn.length;
    // Storage nodes go under their storage leaves, clear of the lines down to the hosts.
    const [x0, x1] = list[0].role === 'storage' ? storageSpan(fabric, list, slots, slotOf) : [X0, X1];
    const pitch = Math.min((x1 - x0) / n, MAX_BOX_W + 24);
    const w = Math.min(pitch - 10, MAX_BOX_W);
    const mid = (x0 + x1) / 2;
    drawn.forEach((node, i) => {
      const slot: Slot = { id: slots.length, row: r, node, hidden: null, x: mid + (i - (n - 1) / 2) * pitch, w };
      if (node) slotOf[node.id] = slot.id;
      else {
        const hiddenNodes = list.slice(HEAD, list.length - TAIL);
        let podMin = Number.POSITIVE_INFINITY;
        let podMax = Number.NEGATIVE_INFINITY;
        for (const h of hiddenNodes) {
          slotOf[h.id] = slot.id;
          podMin = Math.min(podMin, h.pod);
          podMax = Math.max(podMax, h.pod);
        }
        slot.hidden = {
          count: hiddenNodes.length,
          first: hiddenNodes[0],
          last: hiddenNodes[hiddenNodes.length - 1],
          podMin,
          podMax,
        };
      }
      slots.push(slot);
      row.slots.push(slot);
    });
  });

  // One pass over the links: bundles between slots, host groups per slot, totals per tier pair.
  const bundles = new Map<number, Bundle>();
  const hostGroups = new Map<number, HostGroup>();
  const pairs = new Map<string, PairSummary>();
  const nSlots = slots.length;
  for (const l of fabric.links) {
    const na = nodes[l.a];
    const nb = nodes[l.b];
    const pk = `${na.role}|${nb.role}|${l.rateBps}|${l.medium}|${l.lengthClass}`;
    const p = pairs.get(pk);
    if (p) p.count++;
    else
      pairs.set(pk, {
        lower: na.role,
        upper: nb.role,
        count: 1,
        rateBps: l.rateBps,
        medium: l.medium,
        lengthClass: l.lengthClass,
        lengthM: l.lengthM,
      });
    if (na.role === 'host') {
      const s = slotOf[l.b];
      let g = hostGroups.get(s);
      if (!g) {
        g = {
          links: 0,
          rates: new Map(),
          minHost: na.id,
          maxHost: na.id,
          rails: new Set(),
          minServer: na.server,
          maxServer: na.server,
        };
        hostGroups.set(s, g);
      }
      g.links++;
      bump(g.rates, l.rateBps);
      g.minHost = Math.min(g.minHost, na.id);
      g.maxHost = Math.max(g.maxHost, na.id);
      g.rails.add(na.rail);
      g.minServer = Math.min(g.minServer, na.server);
      g.maxServer = Math.max(g.maxServer, na.server);
      continue;
    }
    const key = slotOf[l.a] * nSlots + slotOf[l.b];
    let b = bundles.get(key);
    if (!b) {
      b = { count: 0, rates: new Map() };
      bundles.set(key, b);
    }
    b.count++;
    bump(b.rates, l.rateBps);
  }

  const out: string[] = [];
  const roles = roleCounts(fabric);
  const hosts = fabric.hosts.length;
  const switchText = roles.map((r) => `${r.count} ${r.role}`).join(', ');
  const tierText = `${bp.tiers} switch tier${bp.tiers === 1 ? '' : 's'}${fabric.border !== -1 ? ' + border' : ''}`;
  const title = `${fabric.topology} · ${hosts} hosts · ${switchText} · ${tierText}`;
  const sub = [
    `fabric "${fabric.name}"`,
    `NIC ${bp.nic.id} at ${formatRate(bp.hostRateBps)}`,
    bp.gpusPerNode > 1 ? `${bp.gpusPerNode} GPUs per server (${hosts / bp.gpusPerNode} servers)` : '',
  ]
    .filter((s) => s)
    .join(' · ');
  const pods = podSummary(fabric);

  // Links between switch rows (drawn first, under the boxes).
  const edges: string[] = [];
  const edgeLabels: string[] = [];
  const ordered = [...bundles.entries()].sort((p, q) => p[0] - q[0]);
  // Where each bundle meets a box: spread along the box edge in the order of the far ends' x.
  const ends = new Map<number, number[]>();
  const addEnd = (s: number, peer: number) => {
    let e = ends.get(s);
    if (!e) {
      e = [];
      ends.set(s, e);
    }
    if (!e.includes(peer)) e.push(peer);
  };
  for (const [key] of ordered) {
    const lo = Math.floor(key / nSlots);
    const hi = key % nSlots;
    addEnd(lo, hi);
    addEnd(hi, lo);
  }
  for (const e of ends.values()) e.sort((p, q) => slots[p].x - slots[q].x || p - q);
  const attachX = (s: number, peer: number) => {
    const e = ends.get(s)!;
    const slot = slots[s];
    const inner = slot.w - 12;
    return slot.x - inner / 2 + ((e.indexOf(peer) + 1) / (e.length + 1)) * inner;
  };
  // Parallel links per drawn switch pair: labelled on the lines when there are few of them.
  const gapBundles = new Map<number, number>();
  for (const [key] of ordered) {
    const lo = slots[Math.floor(key / nSlots)];
    gapBundles.set(lo.row, (gapBundles.get(lo.row) ?? 0) + 1);
  }
  const parallelByGap = new Map<number, Set<number>>();
  for (const [key, b] of ordered) {
    const lo = slots[Math.floor(key / nSlots)];
    if (!lo.node || !slots[key % nSlots].node) continue;
    let set = parallelByGap.get(lo.row);
    if (!set) {
      set = new Set();
      parallelByGap.set(lo.row, set);
    }
    set.add(b.count);
  }
  for (const [key, b] of ordered) {
    const lo = slots[Math.floor(key / nSlots)];
    const hi = slots[key % nSlots];
    const elided = !lo.node || !hi.node;
    const x1 = attachX(lo.id, hi.id);
    const y1 = rows[lo.row].y;
    const x2 = attachX(hi.id, lo.id);
    const y2 = rows[hi.row].y + BOX_H;
    const sw = Math.min(4, 1 + Math.log2(b.count) * 0.4);
    const stroke = elided ? '#9aa3ad' : '#56606b';
    edges.push(
      `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" stroke="${stroke}" stroke-width="${num(sw)}"${
        elided ? ' stroke-dasharray="5 4"' : ''
      }/>`,
    );
    // Parallel links between drawn switches are labelled once per gap when every pair has the same number.
    const uniform = (parallelByGap.get(lo.row)?.size ?? 0) <= 1;
    if ((elided || (b.count > 1 && !uniform)) && (gapBundles.get(lo.row) ?? 0) <= 16) {
      const t = 0.3;
      edgeLabels.push(
        text(x1 + (x2 - x1) * t, y1 + (y2 - y1) * t - 3, `${b.count} × ${ratesText(b.rates, false)}`, {
          size: 9,
          fill: '#333',
          halo: true,
        }),
      );
    }
  }

  // Rows of switches.
  const boxes: string[] = [];
  for (const row of rows) {
    for (const slot of row.slots) {
      const left = slot.x - slot.w / 2;
      const inner = slot.w - 8;
      if (slot.node) {
        const n = slot.node;
        const c = COLORS[n.role];
        boxes.push(
          `<rect x="${num(left)}" y="${num(row.y)}" width="${num(slot.w)}" height="${BOX_H}" rx="5" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"/>`,
        );
        boxes.push(text(slot.x, row.y + 16, n.name, { size: 12, weight: 'bold', maxW: inner }));
        boxes.push(text(slot.x, row.y + 30, n.model ?? 'border (north-south)', { size: 9.5, maxW: inner }));
        const tag = nodeTag(fabric, n);
        if (tag) boxes.push(text(slot.x, row.y + 44, tag, { size: 9, fill: '#555', maxW: inner }));
      } else if (slot.hidden) {
        const h = slot.hidden;
        const c = COLORS[h.first.role];
        boxes.push(
          `<rect x="${num(left)}" y="${num(row.y)}" width="${num(slot.w)}" height="${BOX_H}" rx="5" fill="#ffffff" stroke="${c.stroke}" stroke-width="1.2" stroke-dasharray="4 3"/>`,
        );
        boxes.push(text(slot.x, row.y + 16, `… ${h.count} more`, { size: 12, weight: 'bold', maxW: inner }));
        boxes.push(text(slot.x, row.y + 30, `${h.first.name} – ${h.last.name}`, { size: 9.5, maxW: inner }));
        if (h.podMin >= 0) {
          const w = podWord(fabric, h.first.role);
          const range = h.podMin === h.podMax ? `${w} ${h.podMin}` : `${w}s ${h.podMin}–${h.podMax}`;
          boxes.push(text(slot.x, row.y + 44, range, { size: 9, fill: '#555', maxW: inner }));
        }
      }
    }
    // Tier label in the left column.
    const inRow = roles.filter((x) => x.tier === row.tier);
    const y = row.y + 14;
    inRow.forEach((x, i) => {
      boxes.push(text(12, y + i * 36, `${x.count} ${x.role}`, { size: 13, anchor: 'start', weight: 'bold' }));
      boxes.push(
        text(12, y + i * 36 + 14, x.models.join(', '), { size: 9.5, anchor: 'start', fill: '#444', maxW: X0 - 24 }),
      );
    });
    boxes.push(text(12, row.y + BOX_H + 2, `tier ${row.tier}`, { size: 9, anchor: 'start', fill: '#777' }));
  }

  // Hosts: one group box per drawn slot that has hosts, joined to it by one labelled line.
  const hostBoxes: string[] = [];
  const hostSlots = [...hostGroups.keys()].sort((p, q) => p - q);
  const hc = COLORS.host;
  for (const s of hostSlots) {
    const g = hostGroups.get(s)!;
    const slot = slots[s];
    const left = slot.x - slot.w / 2;
    const inner = slot.w - 8;
    const rowY = rows[slot.row].y;
    const rate = ratesText(g.rates, false);
    hostBoxes.push(
      `<line x1="${num(slot.x)}" y1="${num(hostRowY)}" x2="${num(slot.x)}" y2="${num(rowY + BOX_H)}" stroke="#56606b" stroke-width="${num(Math.min(4, 1 + Math.log2(g.links) * 0.4))}"${slot.node ? '' : ' stroke-dasharray="5 4"'}/>`,
    );
    hostBoxes.push(
      text(slot.x + 4, (hostRowY + rowY + BOX_H) / 2 + 4, `${g.links} × ${rate}`, {
        size: 9.5,
        anchor: 'start',
        fill: '#333',
      }),
    );
    hostBoxes.push(
      `<rect x="${num(left)}" y="${hostRowY}" width="${num(slot.w)}" height="${HOST_H}" rx="5" fill="${hc.fill}" stroke="${hc.stroke}"${slot.node ? '' : ' stroke-dasharray="4 3"'}/>`,
    );
    const first = `${g.links} hosts · ${rate}`;
    hostBoxes.push(text(slot.x, hostRowY + 17, first, { size: 11, weight: 'bold', maxW: inner }));
    let second: string;
    if (g.rails.size === 1 && bp.gpusPerNode > 1) {
      const rail = [...g.rails][0];
      second = `GPU ${rail} of servers ${g.minServer}–${g.maxServer}`;
    } else if (g.maxHost - g.minHost + 1 === g.links) {
      second = g.links === 1 ? nodes[g.minHost].name : `${nodes[g.minHost].name} – ${nodes[g.maxHost].name}`;
    } else second = `servers ${g.minServer}–${g.maxServer}`;
    if (!slot.node && slot.hidden) second = `on the ${slot.hidden.count} ${slot.hidden.first.role} above`;
    hostBoxes.push(text(slot.x, hostRowY + 32, second, { size: 9, fill: '#444', maxW: inner }));
  }
  hostBoxes.push(text(12, hostRowY + 14, `${hosts} hosts`, { size: 13, anchor: 'start', weight: 'bold' }));
  hostBoxes.push(
    text(12, hostRowY + 28, `${bp.nic.id} · ${formatRate(bp.hostRateBps)}`, {
      size: 9.5,
      anchor: 'start',
      fill: '#444',
    }),
  );
  hostBoxes.push(text(12, hostRowY + HOST_H + 2, 'tier 0', { size: 9, anchor: 'start', fill: '#777' }));

  // Link totals per tier pair in the gaps of the left column, and as legend lines below.
  const summaries = [...pairs.values()].sort(
    (p, q) => tierOf(q.upper) - tierOf(p.upper) || q.rateBps - p.rateBps || (p.medium < q.medium ? -1 : 1),
  );
  const gapLabels: string[] = [];
  const byGap = new Map<string, PairSummary[]>();
  for (const s of summaries) {
    const k = `${s.lower}|${s.upper}`;
    const list = byGap.get(k) ?? [];
    list.push(s);
    byGap.set(k, list);
  }
  const rowOfRole = (role: Role) => rows.findIndex((r) => r.nodes.some((n) => n.role === role));
  for (const list of byGap.values()) {
    const { lower, upper } = list[0];
    const upperRow = rowOfRole(upper);
    const lowerRow = lower === 'host' ? -1 : rowOfRole(lower);
    if (upperRow < 0 || (lower !== 'host' && lowerRow < 0)) continue;
    const lowerY = lowerRow < 0 ? hostRowY : rows[lowerRow].y;
    const y = (rows[upperRow].y + BOX_H + lowerY) / 2 - 4;
    const total = list.reduce((a, s) => a + s.count, 0);
    const rates = new Map<number, number>();
    for (const s of list) bump(rates, s.rateBps, s.count);
    gapLabels.push(text(12, y, `${lower} – ${upper}`, { size: 10, anchor: 'start', fill: '#555' }));
    gapLabels.push(
      text(12, y + 14, `${total} × ${ratesText(rates, false)}`, {
        size: 12,
        anchor: 'start',
        weight: 'bold',
        maxW: X0 - 24,
      }),
    );
    const par = parallelByGap.get(lowerRow);
    if (par && par.size === 1 && [...par][0] > 1)
      gapLabels.push(text(12, y + 27, `${[...par][0]} parallel per pair`, { size: 9, anchor: 'start', fill: '#555' }));
  }

  const legend: string[] = [];
  let ly = hostRowY + HOST_H + 40;
  legend.push(text(16, ly, 'Links', { size: 13, anchor: 'start', weight: 'bold' }));
  for (const s of summaries) {
    ly += LINE_H;
    const medium = catalog.media.get(s.medium);
    const mediumText = medium ? `${s.medium} (${medium.name})` : s.medium;
    legend.push(
      text(
        16,
        ly,
        `${s.lower} – ${s.upper}: ${s.count} × ${formatRate(s.rateBps)} · ${mediumText} · ${s.lengthClass}, ${s.lengthM} m`,
        { size: 11, anchor: 'start', maxW: WIDTH - 32 },
      ),
    );
  }
  const elided = rows.filter((r) => r.nodes.length > MAX_FULL);
  if (pods || elided.length) {
    ly += LINE_H + 6;
    legend.push(text(16, ly, 'Structure', { size: 13, anchor: 'start', weight: 'bold' }));
  }
  if (pods) {
    ly += LINE_H;
    legend.push(text(16, ly, pods, { size: 11, anchor: 'start', maxW: WIDTH - 32 }));
  }
  if (elided.length) {
    ly += LINE_H;
    legend.push(
      text(
        16,
        ly,
        `Tiers of more than ${MAX_FULL} switches show the first ${HEAD}, one box for the rest and the last ${TAIL}; ` +
          'dashed lines go to or from those boxes. Hosts are grouped per switch.',
        { size: 11, anchor: 'start', fill: '#444', maxW: WIDTH - 32 },
      ),
    );
  }
  const height = Math.ceil(ly + 20);

  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}" fill="#1d1d1f">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(16, 30, title, { size: 18, anchor: 'start', weight: 'bold', maxW: WIDTH - 32 }),
    text(16, 52, sub, { size: 12, anchor: 'start', fill: '#444', maxW: WIDTH - 32 }),
    pods ? text(16, 70, pods, { size: 12, anchor: 'start', fill: '#444', maxW: WIDTH - 32 }) : '',
  ].filter((s) => s);
  out.push(...head);
  out.push('<g id="links">', ...edges, ...edgeLabels, '</g>');
  out.push('<g id="hosts">', ...hostBoxes, '</g>');
  out.push('<g id="switches">', ...boxes, '</g>');
  out.push('<g id="labels">', ...gapLabels, '</g>');
  out.push('<g id="legend">', ...legend, '</g>');
  out.push('</svg>');
  return out.join('\n');
}
