// NCCL's three protocols as data formats: how many bytes a line carries on the wire for the data it holds, and
// the chunk a ring step moves at once. Sources: NVIDIA/nccl src/include/device.h (NCCL_STEPS 8, union
// ncclLLFifoLine: data1, flag1, data2, flag2 of 4 bytes each; NCCL_LL128_LINEELEMS 16 and NCCL_LL128_DATAELEMS
// 15 eight-byte words; ALLREDUCE_CHUNKSTEPS NCCL_STEPS/2) and src/init.cc (DEFAULT_LL_BUFFSIZE 8 lines x 512
// threads x 8 steps x 16 B, DEFAULT_LL128_BUFFSIZE 120 x 640 x 8 x 8 B, DEFAULT_BUFFSIZE 4 MiB). Left out:
// NCCL_BUFFSIZE overrides, ARM's 1 MiB Simple buffer, slices inside a chunk.

import type { Protocol } from './constants.ts';

/** NCCL_STEPS: slots of a connection's FIFO. */
export const NCCL_STEPS = 8;

interface Format {
  /** Bytes on the wire per line, and of data in it. */
  lineBytes: number;
  dataBytes: number;
  /** Default buffer of one connection (all NCCL_STEPS slots), wire bytes. */
  bufferBytes: number;
  /** Steps of the buffer a ring all-reduce chunk spans (ALLREDUCE_CHUNKSTEPS for Simple, 1 for LL and LL128). */
  chunkSteps: number;
}

export const PROTOCOL_FORMAT: Readonly<Record<Protocol, Format>> = {
  LL: { lineBytes: 16, dataBytes: 8, bufferBytes: 8 * 512 * NCCL_STEPS * 16, chunkSteps: 1 },
  LL128: { lineBytes: 128, dataBytes: 120, bufferBytes: 120 * 640 * NCCL_STEPS * 8, chunkSteps: 1 },
  Simple: { lineBytes: 1, dataBytes: 1, bufferBytes: 4 * 2 ** 20, chunkSteps: NCCL_STEPS / 2 },
};

/** Data bytes per wire byte of a protocol's lines: 1/2 (LL), 15/16 (LL128), 1 (Simple). */
export function wireEfficiency(proto: Protocol): number {
  const f = PROTOCOL_FORMAT[proto];
  return f.dataBytes / f.lineBytes;
}

/** Data bytes of one ring chunk: 32 KiB (LL), 576,000 B (LL128), 2 MiB (Simple). */
export function protocolChunkBytes(proto: Protocol): number {
  const f = PROTOCOL_FORMAT[proto];
  return ((f.bufferBytes / NCCL_STEPS) * f.chunkSteps * f.dataBytes) / f.lineBytes;
}
