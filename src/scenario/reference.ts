// Generates docs/scenario-reference.md from the scenario's JSON Schema, so the docs and the code share
// one source (a test checks the committed file is current).
import { scenarioJsonSchema } from './schema.ts';

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  examples?: unknown[];
  /** The range and unit a field declares through src/scenario/range.ts. */
  'x-range'?: string;
  'x-unit'?: string;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  if (s.const !== undefined) return `\`${String(s.const)}\``;
  if (s.anyOf) return s.anyOf.map(typeOf).join(' or ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'items'}`;
  const t = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  return t;
}

/** The declared range (src/scenario/range.ts), or one read from a plain zod number's bounds. */
function range(s: JsonSchema): string {
  const declared = s['x-range'] ?? s.anyOf?.find((a) => a['x-range'])?.['x-range'];
  if (declared !== undefined) return declared;
  const parts: string[] = [];
  if (s.minimum !== undefined) parts.push(`>= ${s.minimum}`);
  if (s.exclusiveMinimum !== undefined) parts.push(`> ${s.exclusiveMinimum}`);
  if (s.maximum !== undefined && s.maximum < 1e15) parts.push(`<= ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) parts.push(`< ${s.exclusiveMaximum}`);
  return parts.join(', ');
}

function rows(s: JsonSchema, prefix: string, out: string[]): void {
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const path = prefix ? `${prefix}.${k}` : k;
    const req = s.required?.includes(k) && v.default === undefined ? 'yes' : '';
    const def = v.default !== undefined ? `\`${JSON.stringify(v.default)}\`` : '';
    const desc = [v.description ?? '', v.examples ? `e.g. \`${String(v.examples[0])}\`` : '']
      .filter(Boolean)
      .join('; ');
    out.push(
      `| \`${path}\` | ${typeOf(v.properties ? { type: 'object' } : v)} | ${req} | ${def} | ${range(v)} | ${unit(v)} | ${desc} |`,
    );
    if (v.properties) rows(v, path, out);
    // A field that is a value or an object of settings (network.pfc: true or thresholds): the object's fields too.
    for (const alt of v.anyOf ?? []) if (alt.properties) rows(alt, path, out);
  }
}

function unit(s: JsonSchema): string {
  return s['x-unit'] ?? s.anyOf?.find((a) => a['x-unit'])?.['x-unit'] ?? '';
}

/** The fields of a traffic item form, nested objects and each alternative of a union included. */
function itemRows(s: JsonSchema, prefix: string, out: string[]): void {
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    const path = prefix ? `${prefix}.${k}` : k;
    const def = v.default !== undefined ? `\`${JSON.stringify(v.default)}\`` : '';
    const desc = [v.description ?? '', v.examples ? `e.g. \`${String(v.examples[0])}\`` : '']
      .filter(Boolean)
      .join('; ');
    const objects = (v.anyOf ?? []).filter((x) => x.properties);
    const kind = v.properties
      ? 'object'
      : objects.length > 0 && objects.length === v.anyOf?.length
        ? 'one of the forms below'
        : typeOf(v);
    out.push(`| \`${path}\` | ${kind} | ${def} | ${range(v)} | ${unit(v)} | ${desc} |`);
    if (v.properties) itemRows(v, path, out);
    else if (v.type === 'array' && v.items?.properties) itemRows(v.items, `${path}[]`, out);
    else for (const alt of objects) itemRows(alt, path, out);
  }
}

export function scenarioReferenceMarkdown(): string {
  const schema = scenarioJsonSchema() as JsonSchema;
  const out = [
    '# Scenario reference',
    '',
    '<!-- Generated from the zod schema by `npm run docs` (src/scenario/reference.ts). Do not edit by hand. -->',
    '',
    'One scenario file (YAML or JSON) drives every command. `aifabric schema` prints the same schema as JSON',
    'Schema for editors. Sizes: KB, MB, GB are powers of 1000; KiB, MiB, GiB powers of 1024. Rates are in bits',
    'per second (`400G`). Times: `ps`, `ns`, `us`, `ms`, `s`.',
    '',
    'Each numeric field has a range (a value outside it is an error that names the field, the value, the range and',
    'the nearest valid value). Sizes, times, rates and whole numbers are also at most 2^53 (9,007,199,254,740,991) of',
    'their unit, the largest whole number held exactly. Rules between fields: `network.ecn.kmin` <= `kmax`; PFC',
    'XON below XOFF (`network.pfc.resumeOffset` below alpha x the shared buffer) and the headroom of all ports within',
    'each switch buffer; `until` after `at` in failures and faults; `expertParams` <= `params`; fewer',
    '`prefillReplicas` than `replicas`; ranks, jobs and replicas that fit the fabric.',
    '',
    '| field | type | required | default | range | unit | meaning |',
    '|---|---|---|---|---|---|---|',
  ];
  rows(schema, '', out);
  out.push('', '## `traffic` items', '', 'Each item of the `traffic` list takes one of these forms:', '');
  const traffic = schema.properties?.traffic?.items?.anyOf ?? [];
  traffic.forEach((t, i) => {
    out.push(
      `### Form ${i + 1}: \`${Object.keys(t.properties ?? {})[0]}\``,
      '',
      '| field | type | default | range | unit | meaning |',
      '|---|---|---|---|---|---|',
    );
    itemRows(t, '', out);
    out.push('');
  });
  return `${out.join('\n')}\n`;
}
