// The topology file of `fabric: {topology: custom, file: lab.yaml}`: switches, hosts and the links between them,
// written by hand or by `aifabric import netbox`. This is its format and its reading (YAML with positions, so each
// problem carries file:line:col); what it means as a fabric (ports, speeds, media, routing) is src/fabric/custom.ts.
// Leaves out: port names (the builder hands ports out as the generators do) and multi-homed hosts.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { fieldPath } from '../base/field-path.ts';
import { yamlLocation } from '../base/yaml-where.ts';
import { type InputProblem, ScenarioError } from '../errors.ts';
import { readInputText } from './read-input.ts';
import { duration, length, rate } from './schema.ts';

/** Node names: what traffic items name hosts by (`src: a1`), and the ends of links. */
const nodeName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/, 'expected a name of letters, digits and _ . : / - (e.g. leaf1, srv3-gpu0)');

const ROLES = ['leaf', 'spine', 'core', 'access', 'aggregation', 'linecard', 'fabric', 'border'] as const;

export const topologyFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  switches: z
    .array(
      z.strictObject({
        name: nodeName,
        /** A catalog switch id; the border (where inference clients enter) may leave it out. */
        model: z.string().optional(),
        /** As the generators use them: leaf/access/linecard are tier 1, spine/aggregation/fabric 2, core and border 3.
         * Default: leaf for a switch with hosts on it, else spine. */
        role: z.enum(ROLES).optional(),
      }),
    )
    .default([]),
  hosts: z
    .array(
      z.strictObject({
        name: nodeName,
        /** A catalog NIC id, or a speed (the cheapest NIC of that speed). */
        nic: z.string(),
        /** Hosts with the same server form one server (its GPUs: rails and intra-server links). */
        server: z.string().optional(),
      }),
    )
    .min(1),
  links: z
    .array(
      z.strictObject({
        a: nodeName,
        b: nodeName,
        speed: rate({ gt: 0, max: 1.6e12 }),
        /** Cable length: picks the medium (DAC, AOC, optics by reach) and the propagation delay (5 ns/m). */
        length: length({ gt: 0, max: 100_000 }).optional(),
        /** A catalog medium id for this cable (default: the cheapest that carries the speed over the length). */
        media: z.string().optional(),
        /** One-way propagation delay instead of a length (a lab's long spool of fibre, an emulated WAN hop). */
        delay: duration({ min: 0, max: 1e12 }).optional(),
      }),
    )
    .min(1),
});

export type TopologyFile = z.output<typeof topologyFileSchema>;

export interface ReadTopology {
  file: string;
  data: TopologyFile;
  /** `file:line:col` of a path into the file (`['links', 3, 'speed']`). */
  where: (path: readonly PropertyKey[]) => string;
}

export const pathText = (path: readonly PropertyKey[]): string => fieldPath(path) || 'topology';

/** Reads and validates a topology file; every problem is a ScenarioError with its file:line:col. */
export function readTopologyFile(file: string): ReadTopology {
  const text = readInputText(file, 'fabric.file');
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const pos = lc.linePos(doc.errors[0].pos[0]);
    throw new ScenarioError([
      {
        path: 'topology',
        location: `${file}:${pos.line}:${pos.col}`,
        message: `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`,
      },
    ]);
  }
  const where = (path: readonly PropertyKey[]) => yamlLocation(doc, lc, file, path);
  const r = topologyFileSchema.safeParse(doc.toJS() ?? {});
  if (!r.success)
    throw new ScenarioError(
      r.error.issues.map((i): InputProblem => {
        const keys = i.code === 'unrecognized_keys' ? i.keys : [];
        const path = keys.length ? [...i.path, keys[0]] : i.path;
        return {
          path: pathText(path),
          location: where(keys.length ? i.path : path),
          message: keys.length ? `unknown field "${keys[0]}" (see docs/topology.md)` : i.message,
        };
      }),
    );
  return { file, data: r.data, where };
}

/**
 * Before the scenario is validated: `fabric.file` resolved against the scenario's folder, and `fabric.hosts` filled
 * from the file when the scenario leaves it out (a custom fabric's hosts are the file's). Mutates `raw`.
 */
export function prepareCustomFabric(raw: unknown, scenarioFile: string | undefined): void {
  if (raw === null || typeof raw !== 'object') return;
  const fabric = (raw as { fabric?: unknown }).fabric as Record<string, unknown> | undefined;
  if (!fabric || typeof fabric !== 'object' || fabric.topology !== 'custom' || typeof fabric.file !== 'string') return;
  const file = resolve(scenarioFile ? dirname(scenarioFile) : '.', fabric.file);
  fabric.file = file;
  if (fabric.hosts !== undefined) return;
  try {
    const doc = parseDocument(readFileSync(file, 'utf8')).toJS() as { hosts?: unknown } | null;
    if (doc && Array.isArray(doc.hosts) && doc.hosts.length > 0) fabric.hosts = doc.hosts.length;
  } catch {
    // Unreadable: a placeholder count lets validation pass, so that designing the fabric reads the file again and
    // reports why it cannot (rather than a missing fabric.hosts the user was right to leave out).
    fabric.hosts = 1;
  }
}
