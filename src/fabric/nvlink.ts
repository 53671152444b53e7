// The NVLink-class domain of a fabric's GPUs: its bandwidth and latency per copy, which GPUs share it (a server,
// or several servers on one NVLink switch fabric: GB200 NVL72), and whether its switches reduce in the switch
// (NVLS). Resolved once from fabric.gpu (catalog/gpus.yaml), fabric.nvlinkDomain and fabric.intraServer, which
// overrides the profile. It models the domain as one rate per GPU and direction (the NVSwitch fabric is
// non-blocking for a GPU's links); it leaves out NVLink's per-link structure, PCIe and the C2C link to the CPU.
import type { Catalog } from '../catalog/index.ts';
import { DesignError } from '../errors.ts';
import type { FabricSpec } from '../scenario/schema.ts';

/** The schema's defaults when no GPU profile is given: the intraServer field's 3600G and 1 us. */
const LEGACY_BANDWIDTH_BPS = 3600e9;
const DEFAULT_LATENCY_PS = 1e6;

export interface Nvlink {
  /** Catalog id of the GPU profile, if one was given. */
  gpu?: string;
  /** Payload rate per GPU and direction (bits/s). */
  bandwidthBps: number;
  /** Per copy (each repetition of a task inside the domain). */
  latencyPs: number;
  /** GPUs per NVLink domain (a multiple of gpusPerNode). */
  gpus: number;
  /** Servers per NVLink domain. */
  servers: number;
  /** Whether the domain's switches reduce and multicast (NVLink SHARP). */
  nvls: boolean;
}

/** The NVLink domain of a fabric spec; DesignError on an unknown profile or a domain that is not whole servers. */
export function resolveNvlink(spec: FabricSpec, catalog: Catalog): Nvlink {
  const model = spec.gpu === undefined ? undefined : catalog.gpus.get(spec.gpu);
  if (spec.gpu !== undefined && !model)
    throw new DesignError('fabric.gpu', `unknown GPU "${spec.gpu}"; use one of ${[...catalog.gpus.keys()].join(', ')}`);
  const R = spec.gpusPerNode;
  const profileGpus = model && model.nvlinkDomain !== 'server' ? model.nvlinkDomain : R;
  const gpus = spec.nvlinkDomain ?? profileGpus;
  if (gpus % R !== 0)
    throw new DesignError(
      'fabric.nvlinkDomain',
      `an NVLink domain of ${gpus} GPUs is not whole servers of ${R} GPUs; use a multiple of fabric.gpusPerNode (e.g. ${Math.max(R, Math.round(gpus / R) * R)})`,
    );
  // NCCL's usable NVLink rate: links x its per-link payload figure (catalog/gpus.yaml, NVIDIA/nccl topo.h).
  const profileBps = model ? model.links * model.ncclLinkRateBps : LEGACY_BANDWIDTH_BPS;
  return {
    gpu: model?.id,
    bandwidthBps: spec.intraServer?.bandwidth ?? profileBps,
    latencyPs: spec.intraServer?.latency ?? DEFAULT_LATENCY_PS,
    gpus,
    servers: gpus / R,
    nvls: model?.nvls ?? false,
  };
}

/** A host's NVLink domain (its server's, grouped `servers` at a time) and its GPU index in that domain. */
export function domainOf(nv: Nvlink, server: number): number {
  return Math.floor(server / nv.servers);
}

export function indexInDomain(nv: Nvlink, server: number, rail: number, gpusPerNode: number): number {
  return (server % nv.servers) * gpusPerNode + rail;
}
