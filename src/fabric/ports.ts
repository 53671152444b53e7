// Port arithmetic shared by the generators: how many hosts and uplinks a switch model offers.

import { formatRate } from '../base/units.ts';
import type { Catalog, SwitchModel } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import { msg } from '../messages.ts';

/** All speeds a model can run (native or by breakout), for ports of a given use. */
export function speedsOf(model: SwitchModel, use: 'client' | 'fabric' | 'any' = 'any'): number[] {
  const s = new Set<number>();
  for (const g of model.portGroups) {
    if (use !== 'any' && g.use !== 'any' && g.use !== use) continue;
    s.add(g.speedBps);
    for (const b of g.breakouts) s.add(b.speedBps);
  }
  return [...s].sort((a, b) => b - a);
}

/** The fastest speed both ends can run, at least `min`. */
export function commonUplinkSpeed(
  lower: SwitchModel,
  upper: SwitchModel,
  min: number,
  lowerUse: 'any' | 'fabric' = 'any',
  upperUse: 'any' | 'fabric' = 'any',
): number {
  const up = new Set(speedsOf(upper, upperUse));
  for (const s of speedsOf(lower, lowerUse)) if (s >= min && up.has(s)) return s;
  return 0;
}

export interface LeafSplit {
  hostsPerLeaf: number;
  uplinks: number;
  uplinkRateBps: number;
  /** Physical ports left over on one leaf. */
  unusedPhysical: number;
}

/**
 * Splits a leaf's ports between hosts (at the NIC speed, by breakout if needed) and uplinks (at
 * `uplinkRateBps`), maximizing hosts under a down:up target; `oversub` 'natural' keeps the model's own
 * split (its fastest port group up, every other port down), as access switches like 48x25G+8x100G are used.
 */
export function splitLeaf(
  model: SwitchModel,
  hostRateBps: number,
  uplinkRateBps: number,
  oversub: number | 'natural',
  hostMultiple: number,
  path: string,
  fixedHosts?: number,
): LeafSplit {
  const groups = model.portGroups.map((g) => ({
    physical: g.count,
    hostLanes: g.speedBps === hostRateBps ? 1 : (g.breakouts.find((b) => b.speedBps === hostRateBps)?.lanes ?? 0),
    upLanes: g.speedBps === uplinkRateBps ? 1 : (g.breakouts.find((b) => b.speedBps === uplinkRateBps)?.lanes ?? 0),
    native: g.speedBps,
  }));
  if (!groups.some((g) => g.hostLanes > 0)) throw new DesignError(path, msg.noPortAtSpeed(model.id, hostRateBps));
  // Uplinks take native ports of the fastest groups first; hosts take what is left.
  const order = groups.map((_, i) => i).sort((a, b) => groups[b].native - groups[a].native);
  const evaluate = (u: number) => {
    const left = groups.map((g) => g.physical);
    let need = u;
    for (const i of order) {
      const g = groups[i];
      if (need === 0 || g.upLanes === 0) continue;
      const phys = Math.min(left[i], Math.ceil(need / g.upLanes));
      need -= Math.min(need, phys * g.upLanes);
      left[i] -= phys;
    }
    if (need > 0) return null;
    let cap = 0;
    for (let i = 0; i < groups.length; i++) cap += left[i] * groups[i].hostLanes;
    return { cap, left };
  };
  const maxUp = groups.reduce((n, g) => n + g.physical * g.upLanes, 0);
  if (oversub === 'natural') {
    const fastest = order[0];
    const g = groups[fastest];
    const hostElsewhere = groups.some((x, i) => i !== fastest && x.hostLanes > 0 && x.native < g.native);
    if (hostElsewhere && g.upLanes > 0) {
      const u = g.physical * g.upLanes;
      const r = evaluate(u);
      if (r) {
        const h = Math.floor(r.cap / hostMultiple) * hostMultiple;
        return finish(h, u, r.left);
      }
    }
    return splitLeaf(model, hostRateBps, uplinkRateBps, 1, hostMultiple, path);
  }
  if (fixedHosts !== undefined) return fixedSplit(fixedHosts, oversub);
  let best: LeafSplit | null = null;
  for (let u = 1; u <= maxUp; u++) {
    const r = evaluate(u);
    if (!r) break;
    let h = Math.min(r.cap, Math.floor((oversub * u * uplinkRateBps) / hostRateBps + 1e-9));
    h = Math.floor(h / hostMultiple) * hostMultiple;
    if (h <= 0) continue;
    if (!best || h > best.hostsPerLeaf) best = finish(h, u, r.left);
  }
  if (!best)
    throw new DesignError(
      path,
      `${model.id} cannot hold one server of ${hostMultiple} x ${formatRate(hostRateBps)} with uplinks at ${formatRate(uplinkRateBps)}; pick a larger switch`,
    );
  return best;

  /** fabric.hostsPerLeaf: exactly h hosts and the fewest uplinks that keep down:up <= o, if the ports hold both. */
  function fixedSplit(h: number, o: number): LeafSplit {
    const need = Math.max(1, Math.ceil((h * hostRateBps) / (o * uplinkRateBps) - 1e-9));
    const r = need <= maxUp ? evaluate(need) : null;
    if (r && r.cap >= h) return finish(h, need, r.left);
    const most = splitLeaf(model, hostRateBps, uplinkRateBps, o, hostMultiple, path).hostsPerLeaf;
    throw new DesignError(
      'fabric.hostsPerLeaf',
      `${h} hosts at ${formatRate(hostRateBps)} and the ${need} uplinks at ${formatRate(uplinkRateBps)} a ${o}:1 leaf needs do not fit the ports of ${model.id} (at most ${most} hosts at this ratio); use hostsPerLeaf <= ${most}, a higher oversubscription or a larger switch`,
    );
  }

  function finish(h: number, u: number, left: number[]): LeafSplit {
    // Physical ports the hosts occupy, taking the fewest ports (most lanes) first.
    let need = h;
    let unused = 0;
    const byLanes = groups.map((_, i) => i).sort((a, b) => groups[b].hostLanes - groups[a].hostLanes);
    for (const i of byLanes) {
      const g = groups[i];
      if (g.hostLanes === 0) {
        unused += left[i];
        continue;
      }
      const phys = Math.min(left[i], Math.ceil(need / g.hostLanes));
      need -= Math.min(need, phys * g.hostLanes);
      unused += left[i] - phys;
    }
    return { hostsPerLeaf: h, uplinks: u, uplinkRateBps, unusedPhysical: unused };
  }
}

/** Divisors of n in ascending order. */
export function divisors(n: number): number[] {
  const small: number[] = [];
  const large: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d === 0) {
      small.push(d);
      if (d * d !== n) large.unshift(n / d);
    }
  }
  return [...small, ...large];
}

/**
 * The fewest upper switches such that every lower switch has the same number of parallel links to each
 * (the count divides the lower switch's uplinks) and each upper switch has enough ports: the smallest
 * divisor d of `uplinks` with lowerCount * uplinks / d <= upperPorts.
 */
export function evenSpread(lowerCount: number, uplinks: number, upperPorts: number): number | null {
  for (const d of divisors(uplinks)) if (lowerCount * (uplinks / d) <= upperPorts) return d;
  return null;
}

export function resolveSwitch(catalog: Catalog, id: string, path: string): SwitchModel {
  const m = catalog.switches.get(id);
  if (!m) throw new DesignError(path, `unknown switch model "${id}" (run \`aifabric catalog\` to list them)`);
  return m;
}
