// Every user-facing message in one place, so tests assert on them and wording stays consistent.
import { formatRate } from './base/units.ts';

const mean = (s: string | undefined) => (s ? ` (did you mean ${s}?)` : '');
const list = (xs: readonly string[], last: string) =>
  xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} ${last} ${xs.at(-1)}`;
const and = (xs: readonly string[]) => list(xs, 'and');
/** A word with its indefinite article (an inference, a pattern). */
const article = (w: string) => `${/^[aeiou]/.test(w) ? 'an' : 'a'} ${w}`;

export const msg = {
  unknownModel: (kind: string, id: string, suggestion: string | undefined, hint: string) =>
    `unknown ${kind} "${id}"${suggestion ? mean(suggestion) : ` (run \`aifabric catalog\` to list ${hint})`}`,
  unknownField: (key: string, suggestion: string | undefined) =>
    `unknown field "${key}"${suggestion ? mean(suggestion) : ' (remove it, or see `aifabric schema`)'}`,
  twoItemForms: (section: string, kind: string, key: string, kinds: readonly string[]) =>
    `"${key}" and "${kind}" in one ${section} item: an item is one of ${kinds.join(', ')}; give each its own item in the list`,
  fieldOfOtherForm: (key: string, kind: string, fields: readonly string[], takers: readonly string[]) =>
    `${article(kind)} item has no field "${key}" (its fields: ${fields.join(', ')}; ${key} belongs to ${and(takers)} items): remove it`,
  noItemForm: (
    section: string,
    kinds: readonly string[],
    got: string,
    fixes: readonly string[],
    keys: readonly string[],
  ) =>
    `${article(section)} item needs one of ${kinds.join(', ')}, got ${got}: add ${
      keys.length > 0 ? `${list(fixes, 'or')}, whose items take ${and(keys)}` : 'one of them (see `aifabric schema`)'
    }`,
  missingField: (what: string) => `is required (${what})`,
  wrongType: (expected: string, got: string) => `expected ${expected}, got ${got}`,
  badEnum: (got: unknown, values: readonly unknown[], suggestion: string | undefined) =>
    `"${String(got)}" is not one of ${values.join(', ')}${mean(suggestion)}`,
  badRate: (got: unknown) => `"${String(got)}" is not a rate (write it like 400G, 100G or 25Gbps)`,
  badBytes: (got: unknown) => `"${String(got)}" is not a size (write it like 4096, 20MB or 1GiB)`,
  badTime: (got: unknown) => `"${String(got)}" is not a time (write it like 5us, 350ms or 2s)`,
  badLength: (got: unknown) => `"${String(got)}" is not a length (write it like 3m, 30m or 0.5km)`,
  badRatio: (got: unknown) => `"${String(got)}" is not a ratio (write it like 1, 3 or 3:1)`,
  cablesWithLinkDelay: () =>
    'network.linkDelay already sets the propagation delay of every link; set either linkDelay or cables, not both',
  tooSmall: (min: number | bigint, inclusive: boolean | undefined) =>
    `must be ${inclusive === false ? 'greater than' : 'at least'} ${min}`,
  tooBig: (max: number | bigint, inclusive: boolean | undefined) =>
    `must be ${inclusive === false ? 'less than' : 'at most'} ${max}`,
  notInteger: () => 'must be a whole number',
  tooFewItems: (min: number) => `must list at least ${min} item${min === 1 ? '' : 's'}`,
  outOfRange: (got: string, range: string, nearest: string | undefined) =>
    `${got} is out of range: must be ${range}${nearest === undefined ? '' : `; the nearest valid value is ${nearest}`}`,
  crossField: (got: string, rule: string, nearest: string | undefined) =>
    `${got} must be ${rule}${nearest === undefined ? '' : `; the nearest valid value is ${nearest}`}`,
  yamlSyntax: (detail: string) => `not valid YAML: ${detail}`,
  jsonSyntax: (detail: string) => `not valid JSON: ${detail}`,
  notAnObject: () => 'the scenario must be a mapping with at least a `fabric` section',
  unreadable: (file: string, why: string) => `cannot read ${file}: ${why}`,
  unsupportedVersion: (v: number) =>
    `version ${v} is newer than this aifabric understands (1); upgrade aifabric or write version: 1`,
  olderVersion: (v: number) =>
    `version ${v} is not a scenario format version: the first one is 1, which this aifabric reads; write version: 1`,
  nicSpeedUnknown: (speed: number, speeds: number[]) =>
    `no NIC of ${formatRate(speed)} in the catalog (available: ${speeds.map(formatRate).join(', ')})`,
  nicSpeedNegative: (got: string, speeds: number[]) =>
    `"${got}" is out of range: a NIC speed must be greater than 0 (the catalog has ${speeds.map(formatRate).join(', ')})`,
  noPortAtSpeed: (model: string, speed: number) =>
    `${model} has no port that runs at ${formatRate(speed)}, natively or by breakout; pick a switch whose ports or breakouts include ${formatRate(speed)}`,
  roleNotSupported: (model: string, role: string, roles: string[]) =>
    `${model} is not made for the ${role} role (its roles: ${roles.join(', ')}); pick a ${role} model from \`aifabric catalog\``,
  oversubBelowOne: () => 'must be at least 1 (1 is non-blocking, 3 or 3:1 means 3x more down than up)',
  hostsNotMultipleOfGpus: (hosts: number, r: number) =>
    `${hosts} hosts do not fill whole servers of ${r} GPUs; use a multiple of ${r}`,
} as const;
