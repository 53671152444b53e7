// The NCCL cost model every engine shares: NCCL's tuning constants per release (constants.ts), its protocols'
// line formats and chunk sizes (protocols.ts), and its latency and bandwidth per algorithm and protocol with the
// choice NCCL makes (tune.ts). This is the module's whole public surface; keep it small and stable (issue 14).

export {
  type GpuArch,
  NCCL_2_7_5,
  NCCL_2_20_3,
  NCCL_ALGORITHMS,
  type NcclAlgorithm,
  type NcclConstants,
  PROTOCOLS,
  type Protocol,
} from './constants.ts';
export { NCCL_STEPS, PROTOCOL_FORMAT, protocolChunkBytes, wireEfficiency } from './protocols.ts';
export {
  ncclAlgBwGBs,
  ncclChoose,
  ncclLatencyTermUs,
  ncclTimeUs,
  ncclTune,
  type Tuned,
  type TuneInput,
} from './tune.ts';
