// Traffic classes as the packet engine's port queues (portQueues) and the limit of eight (IEEE 802.1Q priorities).
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/index.ts';
import { parseScenario } from '../scenario/load.ts';
import { portQueues } from './classes.ts';

const catalog = loadCatalog();
const FABRIC = 'fabric: {topology: leaf-spine, hosts: 4, nic: 100G, switch: aurcore-32x400g}\n';

describe('traffic classes as port queues', () => {
  it('without network.classes the packet engine keeps its fixed queues (null)', () => {
    expect(portQueues(parseScenario(FABRIC, catalog).network)).toBeNull();
  });

  it('control is queue 0 alone at the first level; roce and lossy keep 1 and 2; levels by priority, highest first', () => {
    const s = parseScenario(
      `${FABRIC}network: {classes: {realtime: {priority: 6}, bulk: {priority: 0, weight: 3, pfc: true}}}\n`,
      catalog,
    );
    const q = portQueues(s.network);
    expect(q?.names).toEqual(['', 'roce', 'lossy', 'realtime', 'bulk']);
    expect(Array.from(q?.level ?? [])).toEqual([0, 2, 2, 1, 2]);
    expect(Array.from(q?.weight ?? [])).toEqual([0, 1, 1, 1, 3]);
    expect(Array.from(q?.lossless ?? [])).toEqual([0, 1, 0, 0, 1]);
    expect(q?.queueOf('bulk')).toBe(4);
    expect(q?.queueOf('nosuch')).toBe(-1);
  });

  it('more than eight classes with roce and lossy is an error naming network.classes', () => {
    const seven = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`c${i}`, {}]));
    const six = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`c${i}`, {}]));
    const yaml = (c: object) => `${FABRIC}network: {classes: ${JSON.stringify(c)}}\n`;
    expect(portQueues(parseScenario(yaml(six), catalog).network)?.names.length).toBe(9);
    expect(() => parseScenario(yaml(seven), catalog)).toThrow(/network\.classes.*9 traffic classes.*at most 8/s);
  });
});
