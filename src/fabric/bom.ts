// Bill of materials: switches by model and role, NICs, cables and optics by type, with totals.
// One function, two sources of counts: a Blueprint (the planner, no graph) or a built Fabric (counted
// from its nodes and links). A test checks the two agree on every generated fabric.
import type { Catalog } from '../catalog/index.ts';
import { chooseMedium, namedMedium } from './media.ts';
import type { Blueprint, Fabric, LengthClass, SwitchRoleName } from './types.ts';

export interface BomItem {
  category: 'switch' | 'nic' | 'cable' | 'transceiver';
  id: string;
  name: string;
  /** Switch role, or the link tier a cable or optic serves. */
  role: string;
  quantity: number;
  unitPriceUsd: number;
  /** Typical power of one unit. */
  unitPowerW: number;
  unitRackUnits: number;
  costUsd: number;
  powerW: number;
  rackUnits: number;
  priceSource: string;
}

export interface Bom {
  items: BomItem[];
  totals: {
    switches: number;
    nics: number;
    cables: number;
    transceivers: number;
    costUsd: number;
    powerW: number;
    rackUnits: number;
    /** Network cost and power per host (NIC endpoint). */
    costPerHostUsd: number;
    powerPerHostW: number;
  };
}

export interface BomCounts {
  switches: { role: SwitchRoleName; model: string; count: number }[];
  nics: { model: string; count: number }[];
  /** `medium`: a medium named for these links (custom fabrics); else the cheapest for the speed and length. */
  links: { tier: string; rateBps: number; lengthClass: LengthClass; count: number; medium?: string }[];
}

export function countsFromBlueprint(bp: Blueprint): BomCounts {
  return {
    switches: bp.switches.map((s) => ({ role: s.role, model: s.model, count: s.count })),
    nics: mergeNics([
      { model: bp.nic.id, count: bp.hosts },
      ...(bp.storage ? [{ model: bp.storage.nic.id, count: bp.storage.nodes }] : []),
    ]),
    links: bp.links.map((l) => ({ tier: l.tier, rateBps: l.rateBps, lengthClass: l.lengthClass, count: l.count })),
  };
}

/** NIC counts by model (the hosts' and the storage nodes' may share one). */
function mergeNics(list: { model: string; count: number }[]): { model: string; count: number }[] {
  const m = new Map<string, number>();
  for (const x of list) m.set(x.model, (m.get(x.model) ?? 0) + x.count);
  return [...m].map(([model, count]) => ({ model, count }));
}

/**
 * Counts taken from the built graph (not from the generator's formulas), for generated and custom fabrics alike:
 * every node with a model but hosts and storage nodes is a bought switch (a generated border has no model; a
 * custom fabric's border may be a catalog switch), and links are counted with the medium each one has (the
 * generators choose the cheapest for its speed and length, as the BOM would; a custom link's named medium is
 * bought as named).
 */
export function countsFromFabric(f: Fabric): BomCounts {
  const sw = new Map<string, { role: SwitchRoleName; model: string; count: number }>();
  const nics = new Map<string, number>();
  for (const n of f.nodes) {
    if (n.role === 'host' || n.role === 'storage') nics.set(n.model ?? '', (nics.get(n.model ?? '') ?? 0) + 1);
    else if (n.model) {
      const k = `${n.role}/${n.model}`;
      const e = sw.get(k) ?? { role: n.role as SwitchRoleName, model: n.model, count: 0 };
      e.count++;
      sw.set(k, e);
    }
  }
  const links = new Map<string, BomCounts['links'][number]>();
  for (const l of f.links) {
    const tier = `${f.nodes[l.a].role}-${f.nodes[l.b].role}`;
    const k = `${tier}/${l.rateBps}/${l.lengthClass}/${l.medium}`;
    const e = links.get(k) ?? { tier, rateBps: l.rateBps, lengthClass: l.lengthClass, count: 0, medium: l.medium };
    e.count++;
    links.set(k, e);
  }
  return {
    switches: [...sw.values()],
    nics: [...nics].map(([model, count]) => ({ model, count })),
    links: [...links.values()],
  };
}

export function billOfMaterials(counts: BomCounts, catalog: Catalog): Bom {
  const items = new Map<string, BomItem>();
  const add = (
    category: BomItem['category'],
    id: string,
    name: string,
    role: string,
    qty: number,
    price: number,
    power: number,
    ru: number,
    source: string,
  ) => {
    if (qty === 0) return;
    const key = `${category}/${id}/${role}`;
    const it = items.get(key);
    if (it) {
      it.quantity += qty;
      it.costUsd = it.quantity * it.unitPriceUsd;
      it.powerW = it.quantity * it.unitPowerW;
      it.rackUnits = it.quantity * it.unitRackUnits;
      return;
    }
    items.set(key, {
      category,
      id,
      name,
      role,
      quantity: qty,
      unitPriceUsd: price,
      unitPowerW: power,
      unitRackUnits: ru,
      costUsd: qty * price,
      powerW: qty * power,
      rackUnits: qty * ru,
      priceSource: source,
    });
  };
  for (const s of counts.switches) {
    const m = catalog.switches.get(s.model);
    if (!m) throw new Error(`internal: switch model ${s.model} missing from the catalog`);
    add('switch', m.id, m.name, s.role, s.count, m.price.usd, m.power.typicalW, m.rackUnits, m.price.source);
  }
  for (const n of counts.nics) {
    const m = catalog.nics.get(n.model);
    if (!m) throw new Error(`internal: NIC model ${n.model} missing from the catalog`);
    add('nic', m.id, m.name, 'host', n.count, m.price.usd, m.power.typicalW, 0, m.price.source);
  }
  for (const l of counts.links) {
    const c = l.medium
      ? namedMedium(catalog, l.medium, l.lengthClass)
      : chooseMedium(catalog, l.rateBps, l.lengthClass);
    const m = c.medium;
    if (m.type === 'optic') {
      // Two transceivers per optical link, and one fiber patch cord.
      add('transceiver', m.id, m.name, l.tier, 2 * l.count, m.price.usd, m.powerWPerEnd, 0, m.price.source);
      if (c.fiber)
        add('cable', c.fiber.id, c.fiber.name, l.tier, l.count, c.fiber.price.usd, 0, 0, c.fiber.price.source);
    } else {
      // DAC and AOC: one cable item per link (an AOC's power is both of its ends).
      add('cable', m.id, m.name, l.tier, l.count, m.price.usd, 2 * m.powerWPerEnd, 0, m.price.source);
    }
  }
  const list = [...items.values()].sort(
    (a, b) =>
      catOrder(a.category) - catOrder(b.category) ||
      b.costUsd - a.costUsd ||
      a.id.localeCompare(b.id) ||
      a.role.localeCompare(b.role),
  );
  const sum = (cat: BomItem['category'] | null, f: (i: BomItem) => number) =>
    list.filter((i) => cat === null || i.category === cat).reduce((s, i) => s + f(i), 0);
  const hosts = counts.nics.reduce((s, n) => s + n.count, 0);
  const costUsd = sum(null, (i) => i.costUsd);
  const powerW = sum(null, (i) => i.powerW);
  return {
    items: list,
    totals: {
      switches: sum('switch', (i) => i.quantity),
      nics: sum('nic', (i) => i.quantity),
      cables: sum('cable', (i) => i.quantity),
      transceivers: sum('transceiver', (i) => i.quantity),
      costUsd,
      powerW,
      rackUnits: sum(null, (i) => i.rackUnits),
      costPerHostUsd: hosts ? costUsd / hosts : 0,
      powerPerHostW: hosts ? powerW / hosts : 0,
    },
  };
}

function catOrder(c: BomItem['category']): number {
  return ['switch', 'nic', 'cable', 'transceiver'].indexOf(c);
}
