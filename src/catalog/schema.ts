// The hardware catalog's format (YAML files under `catalog/`), validated on load with zod.
// Adding a switch model is a YAML entry, never a code change (docs/architecture.md, "Rules that keep it simple").
import { z } from 'zod';
import { parseBytes, parseRateBps, parseTimePs } from '../base/units.ts';

const rate = z
  .union([z.string(), z.number()])
  .refine((v) => Number.isFinite(parseRateBps(v)) && parseRateBps(v) > 0, {
    message: 'expected a rate such as 400G or 25G',
  })
  .transform((v) => parseRateBps(v));
const bytes = z
  .union([z.string(), z.number()])
  .refine((v) => Number.isFinite(parseBytes(v)) && parseBytes(v) >= 0, { message: 'expected a size such as 64MB' })
  .transform((v) => parseBytes(v));
const time = z
  .union([z.string(), z.number()])
  .refine((v) => Number.isFinite(parseTimePs(v)) && parseTimePs(v) >= 0, { message: 'expected a time such as 700ns' })
  .transform((v) => parseTimePs(v));

export const priceSchema = z.strictObject({
  usd: z.number().nonnegative(),
  /** A public figure (where it was published) or `estimate: <the reasoning>`. */
  source: z.string().min(3),
});

const breakout = z
  .string()
  .regex(/^[0-9]+x[0-9.]+[kMGT]$/, 'expected a breakout such as 4x100G')
  .transform((s) => {
    const [lanes, speed] = s.split('x');
    return { lanes: Number(lanes), speedBps: parseRateBps(speed) };
  });

export const portGroupSchema = z
  .strictObject({
    count: z.number().int().positive(),
    speed: rate,
    /** Cage type, e.g. QSFP-DD, OSFP, QSFP28, SFP28. */
    form: z.string(),
    /** How one port may be split, e.g. [2x200G, 4x100G]. */
    breakouts: z.array(breakout).default([]),
    /** What the ports are for: `any` (default), `client` or `fabric` (DDC line cards). */
    use: z.enum(['any', 'client', 'fabric']).default('any'),
  })
  .transform(({ speed, ...rest }) => ({ ...rest, speedBps: speed }));

export const switchRoleSchema = z.enum(['leaf', 'spine', 'core', 'access', 'aggregation', 'linecard', 'fabric']);

export const switchModelSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    vendor: z.string(),
    name: z.string(),
    /** Roles the model is meant for; the planner only tries a model in these roles. */
    roles: z.array(switchRoleSchema).min(1),
    portGroups: z.array(portGroupSchema).min(1),
    switchingCapacity: rate,
    buffer: bytes,
    latency: time,
    features: z.array(z.string()),
    power: z.strictObject({ typicalW: z.number().positive(), maxW: z.number().positive() }),
    rackUnits: z.number().positive(),
    price: priceSchema,
    asic: z.string().optional(),
    /**
     * In-network reduction the switch runs (all-reduce in the switch: NVIDIA SHARP), with the vendor document that
     * says so; absent (the default) for a switch without a source. `algorithm: sharp` needs it on the switches.
     */
    inNetworkReduction: z.strictObject({ name: z.string().min(2), source: z.string().min(3) }).optional(),
    notes: z.string().optional(),
  })
  .transform(({ switchingCapacity, buffer, latency, ...rest }) => ({
    ...rest,
    switchingCapacityBps: switchingCapacity,
    bufferBytes: buffer,
    latencyPs: latency,
  }));

export const nicModelSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    vendor: z.string(),
    name: z.string(),
    speed: rate,
    form: z.string(),
    features: z.array(z.string()),
    power: z.strictObject({ typicalW: z.number().positive(), maxW: z.number().positive() }),
    price: priceSchema,
    notes: z.string().optional(),
  })
  .transform(({ speed, ...rest }) => ({ ...rest, speedBps: speed }));

export const linkMediumSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    /** dac: passive copper cable; aoc: active optical cable; optic: one pluggable transceiver (two per link, plus a fiber). */
    type: z.enum(['dac', 'aoc', 'optic', 'fiber']),
    name: z.string(),
    /** Line rate of the link it carries; fiber patch cords leave this out. */
    speed: rate.optional(),
    form: z.string().optional(),
    maxReachM: z.number().positive(),
    /** For fiber: which fiber the optic needs (mmf or smf). For optics: the fiber it uses. */
    fiber: z.enum(['mmf', 'smf']).optional(),
    /** Price of one item: a cable (dac, aoc, fiber) or one transceiver (optic). */
    price: priceSchema,
    /** Power per link end (optic: per transceiver; aoc: each end; dac: ~0). */
    powerWPerEnd: z.number().nonnegative(),
    notes: z.string().optional(),
  })
  .transform(({ speed, ...rest }) => ({ ...rest, speedBps: speed }));

/** A GPU's NVLink-class domain (catalog/gpus.yaml explains each field and where its figures come from). */
export const gpuModelSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    name: z.string(),
    nvlinkGeneration: z.number().int().positive(),
    /** NVLink links per GPU. */
    links: z.number().int().positive(),
    /** One link's signalling rate per direction. */
    linkRate: rate,
    /** One link's payload rate in NCCL's topology model (src/graph/topo.h). */
    ncclLinkRate: rate,
    /** GPUs of one NVLink switch fabric: `server` (the server's GPUs) or a count spanning servers. */
    nvlinkDomain: z.union([z.literal('server'), z.number().int().min(2)]),
    /** In-switch reduction and multicast (NVLink SHARP: NCCL's NVLS algorithms). */
    nvls: z.boolean(),
    source: z.string().min(3),
  })
  .transform(({ linkRate, ncclLinkRate, ...rest }) => ({
    ...rest,
    linkRateBps: linkRate,
    ncclLinkRateBps: ncclLinkRate,
  }));

/** The catalog file format's version: a file without one predates versioning and has the same shape. */
export const CATALOG_VERSION = 1;

export const catalogFileSchema = z.strictObject({
  version: z.number().optional(),
  switches: z.array(switchModelSchema).optional(),
  nics: z.array(nicModelSchema).optional(),
  media: z.array(linkMediumSchema).optional(),
  gpus: z.array(gpuModelSchema).optional(),
});

export type PortGroup = z.output<typeof portGroupSchema>;
export type SwitchRole = z.output<typeof switchRoleSchema>;
export type SwitchModel = z.output<typeof switchModelSchema>;
export type NicModel = z.output<typeof nicModelSchema>;
export type LinkMedium = z.output<typeof linkMediumSchema>;
export type GpuModel = z.output<typeof gpuModelSchema>;
export type Price = z.output<typeof priceSchema>;
