// `aifabric catalog`: the hardware catalog as tables or JSON, and one entry in full.

import { resolve } from 'node:path';
import { closest } from '../../base/suggest.ts';
import { formatRate, formatSize } from '../../base/units.ts';
import { BUILTIN_CATALOG_DIR, type Catalog, loadCatalog, readCatalogDirs } from '../../catalog/index.ts';
import { DesignError } from '../../errors.ts';
import { msg } from '../../messages.ts';
import { table, usd } from '../../report/plan.ts';

function ports(
  groups: { count: number; speedBps: number; use: string; breakouts: { lanes: number; speedBps: number }[] }[],
) {
  return groups
    .map(
      (g) =>
        `${g.count}x${formatRate(g.speedBps)}${g.use !== 'any' ? ` ${g.use}` : ''}${g.breakouts.length ? ` (${g.breakouts.map((b) => `${b.lanes}x${formatRate(b.speedBps)}`).join('/')})` : ''}`,
    )
    .join(' + ');
}

export function catalogText(c: Catalog): string {
  const out: string[] = [];
  out.push(
    table(
      ['switch', 'ports', 'capacity', 'buffer', 'latency', 'power typ/max', 'roles', 'price'],
      [...c.switches.values()].map((s) => [
        s.id,
        ports(s.portGroups),
        `${formatRate(s.switchingCapacityBps)}b/s`,
        formatSize(s.bufferBytes),
        `${s.latencyPs / 1000} ns`,
        `${s.power.typicalW}/${s.power.maxW} W`,
        s.roles.join(','),
        usd(s.price.usd),
      ]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['nic', 'speed', 'power', 'price'],
      [...c.nics.values()].map((n) => [n.id, formatRate(n.speedBps), `${n.power.typicalW} W`, usd(n.price.usd)]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['medium', 'type', 'speed', 'reach', 'power/end', 'price'],
      [...c.media.values()].map((m) => [
        m.id,
        m.type,
        m.speedBps ? formatRate(m.speedBps) : '-',
        `${m.maxReachM} m`,
        `${m.powerWPerEnd} W`,
        usd(m.price.usd),
      ]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['gpu', 'NVLink', 'links', 'per link', 'NCCL per link', 'per GPU', 'domain', 'NVLS'],
      [...c.gpus.values()].map((g) => [
        g.id,
        String(g.nvlinkGeneration),
        String(g.links),
        `${formatRate(g.linkRateBps)}b/s`,
        `${formatRate(g.ncclLinkRateBps)}b/s`,
        `${formatRate(g.links * g.ncclLinkRateBps)}b/s`,
        g.nvlinkDomain === 'server' ? 'server' : `${g.nvlinkDomain} GPUs`,
        g.nvls ? 'yes' : 'no',
      ]),
    ),
  );
  return `${out.join('\n')}\n`;
}

/** `aifabric catalog [--json]`: every switch, NIC, medium and GPU profile. */
export function listCatalog(opts: { json?: boolean; catalog?: string[] }): void {
  const c = loadCatalog((opts.catalog ?? []).map((f) => resolve(f)));
  if (opts.json)
    process.stdout.write(
      `${JSON.stringify({ version: 1, switches: [...c.switches.values()], nics: [...c.nics.values()], media: [...c.media.values()], gpus: [...c.gpus.values()] }, null, 2)}\n`,
    );
  else process.stdout.write(catalogText(c));
}

/** `aifabric catalog show <id> [--json]`: one entry in full. */
export function showCatalogEntry(id: string, opts: { json?: boolean; catalog?: string[] }): void {
  const c = loadCatalog((opts.catalog ?? []).map((f) => resolve(f)));
  const item = c.switches.get(id) ?? c.nics.get(id) ?? c.media.get(id) ?? c.gpus.get(id);
  if (!item) {
    const all = [...c.switches.keys(), ...c.nics.keys(), ...c.media.keys(), ...c.gpus.keys()];
    throw new DesignError('id', msg.unknownModel('catalog entry', id, closest(id, all), 'every id'));
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(item, null, 2)}\n`);
  else process.stdout.write(`${showText(item)}\n`);
}

function showText(item: object): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(item)) {
    if (k === 'portGroups') lines.push(`ports: ${ports(v as Parameters<typeof ports>[0])}`);
    else if (k.endsWith('Bps') && typeof v === 'number') lines.push(`${k.replace(/Bps$/, '')}: ${formatRate(v)}b/s`);
    else if (k === 'bufferBytes') lines.push(`buffer: ${formatSize(v as number)}`);
    else if (k === 'latencyPs') lines.push(`latency: ${(v as number) / 1000} ns`);
    else if (k === 'price') {
      const p = v as { usd: number; source: string };
      lines.push(`price: ${usd(p.usd)} (source: ${p.source})`);
    } else if (typeof v === 'object') lines.push(`${k}: ${JSON.stringify(v)}`);
    else lines.push(`${k}: ${String(v)}`);
  }
  return lines.join('\n');
}

/** `aifabric catalog validate FILE`: the file alone against the format, then beside the built-in catalog (ids). */
export function validateCatalog(file: string, opts: { json?: boolean }): void {
  const own = readCatalogDirs([resolve(file)]);
  loadCatalog([resolve(file)]);
  const counts = { switches: own.switches.size, nics: own.nics.size, media: own.media.size, gpus: own.gpus.size };
  if (opts.json) process.stdout.write(`${JSON.stringify({ file, valid: true, ...counts })}\n`);
  else
    process.stdout.write(
      `${file}: valid (${counts.switches} switches, ${counts.nics} NICs, ${counts.media} media, ${counts.gpus} GPU profiles; no id collides with ${BUILTIN_CATALOG_DIR})\n`,
    );
}
