// Reads a scenario (YAML or JSON), validates it against the schema and the catalog, and reports every
// problem with its path, its file:line:col and a fix.

import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { fieldPath } from '../base/field-path.ts';
import { isMapping } from '../base/mapping.ts';
import { closest } from '../base/suggest.ts';
import { parseRateBps } from '../base/units.ts';
import { yamlLocation } from '../base/yaml-where.ts';
import type { Catalog } from '../catalog/index.ts';
import { DesignError, type InputProblem, ScenarioError } from '../errors.ts';
import { msg } from '../messages.ts';
import { ruleProblems } from './rules.ts';
import {
  dcqcnSchema,
  ecnSchema,
  fabricSchema,
  failureSchema,
  hpccSchema,
  inferenceSchema,
  jobSchema,
  llmServiceSchema,
  networkSchema,
  pfcSchema,
  type Scenario,
  type ScenarioInput,
  scenarioSchema,
  tcpSchema,
  trafficItemSchema,
} from './schema.ts';
import { prepareCustomFabric } from './topology-file.ts';

export function loadScenarioFile(file: string, catalog: Catalog): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ScenarioError([
      { path: 'scenario', message: msg.unreadable(file, err.code === 'ENOENT' ? 'no such file' : err.message) },
    ]);
  }
  return parseScenario(text, catalog, file);
}

/** Parses scenario text (YAML, of which JSON is a subset) and validates it. */
export function parseScenario(text: string, catalog: Catalog, file = '<input>'): Scenario {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const pos = lc.linePos(e.pos[0]);
    const isJson = file.endsWith('.json');
    throw new ScenarioError([
      {
        path: 'scenario',
        location: `${file}:${pos.line}:${pos.col}`,
        message: (isJson ? msg.jsonSyntax : msg.yamlSyntax)(
          e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
        ),
      },
    ]);
  }
  const raw = doc.toJS() as unknown;
  prepareCustomFabric(raw, file === '<input>' ? undefined : file);
  return validateScenario(raw, catalog, (path) => locate(doc, lc, file, path));
}

/** Validates an already-parsed object (the HTTP API and tests use this directly). */
export function validateScenario(
  raw: unknown,
  catalog: Catalog,
  where: (path: PropertyKey[]) => string | undefined = () => undefined,
): Scenario {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ScenarioError([{ path: 'scenario', message: msg.notAnObject(), location: where([]) }]);
  const version = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && version > 1)
    throw new ScenarioError([
      { path: 'version', message: msg.unsupportedVersion(version), location: where(['version']) },
    ]);
  // Version 1 is the first scenario format, so no older one exists to migrate from.
  if (typeof version === 'number' && version < 1)
    throw new ScenarioError([{ path: 'version', message: msg.olderVersion(version), location: where(['version']) }]);
  prepareCustomFabric(raw, undefined);
  // jitless: zod's compiled fast path (a `Function` per object schema) costs more to build than it saves on
  // the one or few parses a process makes (about 5 ms of a command's start-up each); the result is the same.
  const r = scenarioSchema.safeParse(raw, { jitless: true });
  if (!r.success) throw new ScenarioError(r.error.issues.flatMap((i) => toProblems(i, raw, where)));
  const problems = [...checkCatalogRefs(r.data, catalog, where), ...ruleProblems(r.data, where)];
  if (problems.length > 0) throw new ScenarioError(problems);
  return r.data;
}

type Issue = z.core.$ZodIssue;

const pathString = (path: PropertyKey[]): string => fieldPath(path) || 'scenario';

function valueAt(raw: unknown, path: PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

// The sections whose items take one of several forms, each form named by its first field (a traffic item is a
// pattern, flows, a collective, an inference service or a job; a failure a link or a switch). A field that is known
// to the section but not to the item's form gets no "did you mean" (it would name the field itself) but the forms.
// A form's first field, when it is a choice, lists its values (`pattern: incast`) in the message for an item that
// names no form.
const formsOf = (options: readonly { shape: object }[]) =>
  options.map((o) => {
    const fields = Object.keys(o.shape);
    const first = (o.shape as Record<string, { options?: unknown }>)[fields[0]];
    const values = Array.isArray(first.options) ? first.options.map(String) : undefined;
    return { kind: fields[0], fields, values };
  });
const ITEM_FORMS: Record<string, { kind: string; fields: string[]; values?: string[] }[]> = {
  traffic: formsOf(trafficItemSchema.options),
  'network.failures': formsOf(failureSchema.options),
};

/** A zod schema's definition, as far as fieldsIn reads it. */
interface SchemaDef {
  type: string;
  shape?: object;
  options?: readonly { def: unknown }[];
  innerType?: { def: unknown };
  in?: { def: unknown };
  element?: { def: unknown };
}

/**
 * The fields of an object schema under its wrappers (optional, a default, a transform, a list of it), or every
 * form's of a union, once each in the forms' order: a section's fields as the schema has them, none forgotten.
 */
function fieldsIn(t: { def: unknown }): string[] {
  const d = t.def as SchemaDef;
  if (d.type === 'object') return Object.keys(d.shape ?? {});
  if (d.type === 'union') return [...new Set((d.options ?? []).flatMap(fieldsIn))];
  const inner = d.innerType ?? d.in ?? d.element;
  return inner ? fieldsIn(inner) : [];
}
const flowsForm = trafficItemSchema.options.find((o) => 'flows' in o.shape)?.shape as { flows: { def: unknown } };

// Field names per section, read from the schema itself, for "did you mean" suggestions.
const KNOWN_KEYS: Record<string, string[]> = {
  '': Object.keys(scenarioSchema.shape),
  fabric: Object.keys(fabricSchema.shape),
  network: Object.keys(networkSchema.shape),
  'network.ecn': Object.keys(ecnSchema.shape),
  'network.dcqcn': Object.keys(dcqcnSchema.shape),
  'network.hpcc': Object.keys(hpccSchema.shape),
  'network.tcp': Object.keys(tcpSchema.shape),
  'network.pfc': Object.keys(pfcSchema.shape),
  'network.burstLoss': fieldsIn(networkSchema.shape.burstLoss),
  'network.failures': fieldsIn(failureSchema),
  'fabric.intraServer': fieldsIn(fabricSchema.shape.intraServer),
  traffic: fieldsIn(trafficItemSchema),
  'traffic.inference': Object.keys(inferenceSchema.shape),
  'traffic.inference.arrivals': fieldsIn(inferenceSchema.shape.arrivals),
  'traffic.inference.service': fieldsIn(inferenceSchema.shape.service),
  'traffic.inference.service.llm': Object.keys(llmServiceSchema.shape),
  'traffic.inference.bytes': fieldsIn(inferenceSchema.shape.bytes),
  'traffic.inference.faults': fieldsIn(inferenceSchema.shape.faults),
  'traffic.inference.disaggregation': fieldsIn(inferenceSchema.shape.disaggregation),
  'traffic.job': Object.keys(jobSchema.shape),
  'traffic.flows': fieldsIn(flowsForm.flows),
};

/** The message for a field the section knows but this item's form does not take. */
function fieldOfOtherForm(section: string, key: string, item: unknown): string {
  const forms = ITEM_FORMS[section] ?? [];
  const has = (k: string) => item !== null && typeof item === 'object' && k in item;
  const own = forms.filter((f) => f.kind !== key && has(f.kind));
  if (forms.some((f) => f.kind === key) && own.length > 0)
    return msg.twoItemForms(
      section,
      own[0].kind,
      key,
      forms.map((f) => f.kind),
    );
  if (own.length > 0) {
    const takers = forms.filter((f) => f.fields.includes(key)).map((f) => f.kind);
    return msg.fieldOfOtherForm(key, own[0].kind, own[0].fields, takers);
  }
  return msg.unknownField(key, undefined);
}

/**
 * The problems of an item of a section of several forms that names none of them (`{senders: 4, bytes: 1MB}`, no
 * pattern): the forms' fields it lacks, what it has, and the forms that take its fields; its unknown fields apart,
 * each with its suggestion. The problems of the form with the fewest would name one form's missing field, as if
 * the item were of that form ("flows: is required" for `{class: roce}`).
 */
function noItemForm(
  section: string,
  item: Record<string, unknown>,
  path: PropertyKey[],
  where: (p: PropertyKey[]) => string | undefined,
): InputProblem[] {
  const forms = ITEM_FORMS[section];
  const known = KNOWN_KEYS[section];
  const keys = Object.keys(item).filter((k) => known.includes(k));
  const takers = forms.filter((f) => keys.every((k) => f.fields.includes(k)));
  // No form takes all its fields (`{receiver: h0, ranks: 4}`): the forms, and the schema to pick one.
  const fixes = takers.map((f) => (f.values ? `${f.kind} (one of ${f.values.join(', ')})` : f.kind));
  const got = `{${Object.entries(item)
    .map(([k, v]) => `${k}: ${describe(v)}`)
    .join(', ')}}`;
  const kinds = forms.map((f) => f.kind);
  return [
    {
      path: pathString(path),
      message: msg.noItemForm(section, kinds, got, fixes, takers.length > 0 ? keys : []),
      location: where(path),
    },
    ...Object.keys(item)
      .filter((k) => !known.includes(k))
      .map((k) => ({
        path: pathString([...path, k]),
        message: msg.unknownField(k, closest(k, known)),
        location: where([...path, k]) ?? where(path),
      })),
  ];
}

function toProblems(i: Issue, raw: unknown, where: (p: PropertyKey[]) => string | undefined): InputProblem[] {
  const path = [...i.path];
  const got = valueAt(raw, path);
  switch (i.code) {
    case 'unrecognized_keys':
      return i.keys.map((k) => {
        const section = path.filter((p) => typeof p === 'string').join('.');
        const known = KNOWN_KEYS[section] ?? [];
        return {
          path: pathString([...path, k]),
          message: known.includes(k) ? fieldOfOtherForm(section, k, got) : msg.unknownField(k, closest(k, known)),
          location: where([...path, k]) ?? where(path),
        };
      });
    case 'invalid_type':
      if (got === undefined)
        return [
          { path: pathString(path), message: msg.missingField(requiredHint(path)), location: where(path.slice(0, -1)) },
        ];
      return [
        {
          path: pathString(path),
          message: msg.wrongType(EXPECTED[i.expected] ?? `a ${i.expected}`, describe(got)),
          location: where(path),
        },
      ];
    case 'invalid_value':
      if (got === undefined && i.values.length > 1)
        return [
          {
            path: pathString(path),
            message: msg.missingField(`one of ${i.values.join(', ')}`),
            location: where(path.slice(0, -1)),
          },
        ];
      return [
        {
          path: pathString(path),
          message:
            i.values.length === 1
              ? `must be ${String(i.values[0])}`
              : msg.badEnum(got, i.values, typeof got === 'string' ? closest(got, i.values.map(String)) : undefined),
          location: where(path),
        },
      ];
    case 'too_small':
      return [
        {
          path: pathString(path),
          message: i.origin === 'array' ? msg.tooFewItems(Number(i.minimum)) : msg.tooSmall(i.minimum, i.inclusive),
          location: where(path),
        },
      ];
    case 'too_big':
      return [{ path: pathString(path), message: msg.tooBig(i.maximum, i.inclusive), location: where(path) }];
    case 'invalid_union': {
      // Report the branch that got furthest: the one whose problems are the fewest, and of those one whose type
      // matched (a number out of range rather than "must be catalog" for `switchLatency: -1`).
      const typeMiss = (b: Issue[]) =>
        b.every((x) => x.path.length === 0 && (x.code === 'invalid_type' || x.code === 'invalid_value')) ? 1 : 0;
      const branches = i.errors
        .filter((b) => b.length > 0)
        .sort((a, b) => a.length - b.length || typeMiss(a as Issue[]) - typeMiss(b as Issue[]));
      const keyed = branches.find((b) => b.every((x) => x.code !== 'unrecognized_keys' || x.path.length > 0));
      // An item of a section of several forms that names exactly one form's first field is that form: its problems
      // (an inference service missing a field and with a stray `class` is no flows item without flows).
      const section = path.filter((p) => typeof p === 'string').join('.');
      const forms = ITEM_FORMS[section];
      const named = forms?.flatMap((f, ix) => (isMapping(got) && f.kind in got ? [ix] : []));
      if (named?.length === 0 && i.errors.length === forms.length && isMapping(got))
        return noItemForm(section, got, path, where);
      const own = named?.length === 1 && i.errors.length === forms.length ? i.errors[named[0]] : undefined;
      const pick = own?.length ? own : (keyed ?? branches[0]);
      if (!pick)
        return [{ path: pathString(path), message: 'does not match any accepted form', location: where(path) }];
      return pick.flatMap((x) => toProblems({ ...x, path: [...path, ...x.path] } as Issue, raw, where));
    }
    default:
      return [{ path: pathString(path), message: i.message, location: where(path) }];
  }
}

function requiredHint(path: PropertyKey[]): string {
  const p = pathString(path);
  if (p === 'fabric')
    return 'add a fabric section, e.g. fabric: {topology: leaf-spine, hosts: 512, nic: 400G, switch: aurcore-32x400g}';
  if (p === 'fabric.hosts') return 'the number of NIC endpoints, e.g. hosts: 512';
  return 'see `aifabric schema`';
}

/** Zod's names of the types a field expects, in the scenario's words (YAML's, as describe says what it got). */
const EXPECTED: Record<string, string> = { int: 'a whole number', object: 'a mapping', array: 'a list' };

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

function checkCatalogRefs(
  s: Scenario,
  catalog: Catalog,
  where: (p: PropertyKey[]) => string | undefined,
): InputProblem[] {
  const out: InputProblem[] = [];
  const ids = [...catalog.switches.keys()];
  for (const key of ['switch', 'spineSwitch', 'coreSwitch'] as const) {
    const id = s.fabric[key];
    if (id !== undefined && !catalog.switches.has(id))
      out.push({
        path: `fabric.${key}`,
        message: msg.unknownModel('model', id, closest(id, ids), 'switch models'),
        location: where(['fabric', key]),
      });
  }
  const gpu = s.fabric.gpu;
  if (gpu !== undefined && !catalog.gpus.has(gpu))
    out.push({
      path: 'fabric.gpu',
      message: msg.unknownModel('GPU', gpu, closest(gpu, [...catalog.gpus.keys()]), 'GPU profiles'),
      location: where(['fabric', 'gpu']),
    });
  const nic = s.fabric.nic;
  const speeds = () => [...new Set([...catalog.nics.values()].map((n) => n.speedBps))].sort((a, b) => a - b);
  if (/^\s*-/.test(nic) && Number.isFinite(parseRateBps(nic.trim().slice(1))))
    out.push({
      path: 'fabric.nic',
      message: msg.nicSpeedNegative(nic, speeds()),
      location: where(['fabric', 'nic']),
    });
  else if (!catalog.nics.has(nic) && !Number.isFinite(parseRateBps(nic)))
    out.push({
      path: 'fabric.nic',
      message: msg.unknownModel('NIC', nic, closest(nic, [...catalog.nics.keys()]), 'NICs'),
      location: where(['fabric', 'nic']),
    });
  else if (!catalog.nics.has(nic)) {
    const speed = parseRateBps(nic);
    if (!speeds().includes(speed))
      out.push({
        path: 'fabric.nic',
        message: msg.nicSpeedUnknown(speed, speeds()),
        location: where(['fabric', 'nic']),
      });
  }
  return out;
}

const locate = yamlLocation;

export type { Scenario, ScenarioInput };

/** `traffic[0].job.stepCompute` -> ['traffic', 0, 'job', 'stepCompute']. */
function pathSegments(path: string): PropertyKey[] {
  const out: PropertyKey[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** The scenario's sections that a command may require (simulate: traffic; capacity: an inference item). */
const SECTIONS = new Set(['fabric', 'traffic', 'network']);

/**
 * Errors found after validation (compiling traffic, running an inference service) name a scenario field but not
 * where it is: this adds `file:line:col` to each problem whose path is a scenario field (not a CLI flag).
 */
export function locateProblems(
  e: ScenarioError,
  file: string,
  fromFlag: (path: string) => boolean = () => false,
): ScenarioError {
  const skip = (p: InputProblem) => p.location !== undefined || p.path.startsWith('-') || fromFlag(p.path);
  if (e.problems.every(skip)) return e;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return e;
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return e;
  const raw = doc.toJS() as Record<string, unknown> | null;
  return new ScenarioError(
    e.problems.map((p) => {
      const seg = pathSegments(p.path);
      // Only fields the file has (an engine chosen by --engine is not in the file), and the sections a command
      // requires when the file leaves them out (`traffic` to simulate): located at the top of the document.
      const inFile =
        raw !== null &&
        typeof raw === 'object' &&
        typeof seg[0] === 'string' &&
        (seg[0] in raw || (seg.length === 1 && SECTIONS.has(seg[0])));
      return skip(p) || !inFile ? p : { ...p, location: locate(doc, lc, file, seg) };
    }),
  );
}

/**
 * Runs `fn`, adding scenario locations to the ScenarioError it throws, and to a DesignError whose path is a
 * scenario field (`fabric.hosts` of a fabric that cannot be built), which becomes a ScenarioError (see
 * locateProblems). `fromFlag` names fields a command-line flag set: they are not located in the file.
 */
export function locatingErrors<T>(file: string, fn: () => T, fromFlag?: (path: string) => boolean): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ScenarioError) throw locateProblems(e, file, fromFlag);
    if (e instanceof DesignError && !e.path.startsWith('-')) {
      const located = locateProblems(
        new ScenarioError([{ path: e.path, message: e.message.slice(e.path.length + 2) }]),
        file,
        fromFlag,
      );
      throw located.problems[0].location === undefined ? e : located;
    }
    throw e;
  }
}
