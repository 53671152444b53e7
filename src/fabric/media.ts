// Picks the link medium for a link from the catalog: the cheapest that runs the speed over the length.

import { formatRate } from '../base/units.ts';
import type { Catalog, LinkMedium } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import { LENGTH_M, type LengthClass } from './types.ts';

export interface MediumChoice {
  medium: LinkMedium;
  /** Fiber patch cord for optics (two transceivers and one cord per link); null for DAC and AOC. */
  fiber: LinkMedium | null;
  costPerLinkUsd: number;
  powerPerLinkW: number;
}

const cache = new WeakMap<Catalog, Map<string, MediumChoice>>();

export function chooseMedium(catalog: Catalog, rateBps: number, lengthClass: LengthClass): MediumChoice {
  let byKey = cache.get(catalog);
  if (!byKey) {
    byKey = new Map();
    cache.set(catalog, byKey);
  }
  const key = `${rateBps}/${lengthClass}`;
  const hit = byKey.get(key);
  if (hit) return hit;
  const length = LENGTH_M[lengthClass];
  let best: MediumChoice | null = null;
  for (const m of catalog.media.values()) {
    if (m.type === 'fiber' || m.speedBps !== rateBps || m.maxReachM < length) continue;
    let fiber: LinkMedium | null = null;
    let cost = m.price.usd;
    const power = 2 * m.powerWPerEnd;
    if (m.type === 'optic') {
      fiber =
        [...catalog.media.values()].find((f) => f.type === 'fiber' && f.fiber === m.fiber && f.maxReachM >= length) ??
        null;
      if (!fiber) continue;
      cost = 2 * m.price.usd + fiber.price.usd;
    }
    const c: MediumChoice = { medium: m, fiber, costPerLinkUsd: cost, powerPerLinkW: power };
    if (!best || cost < best.costPerLinkUsd || (cost === best.costPerLinkUsd && power < best.powerPerLinkW)) best = c;
  }
  if (!best)
    throw new DesignError(
      'catalog.media',
      `no cable or optic in the catalog carries ${formatRate(rateBps)} over ${length} m (${lengthClass}); add one to catalog/media.yaml`,
    );
  byKey.set(key, best);
  return best;
}

/** A medium named by id (a custom fabric's link), with the fiber patch cord an optic needs over the length. */
export function namedMedium(catalog: Catalog, id: string, lengthClass: LengthClass): MediumChoice {
  const m = catalog.media.get(id);
  if (!m) throw new Error(`internal: medium ${id} missing from the catalog`);
  if (m.type !== 'optic')
    return { medium: m, fiber: null, costPerLinkUsd: m.price.usd, powerPerLinkW: 2 * m.powerWPerEnd };
  const length = LENGTH_M[lengthClass];
  const fiber =
    [...catalog.media.values()].find((f) => f.type === 'fiber' && f.fiber === m.fiber && f.maxReachM >= length) ?? null;
  return {
    medium: m,
    fiber,
    costPerLinkUsd: 2 * m.price.usd + (fiber?.price.usd ?? 0),
    powerPerLinkW: 2 * m.powerWPerEnd,
  };
}
