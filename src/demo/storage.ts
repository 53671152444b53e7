// The demo's storage: the storage nodes of the training fabric and the storage traffic of its job, with their
// sources. Left out: inference storage traffic (model loads, retrieval), which the inference simulator does not
// carry yet.

/**
 * 8 storage nodes at 400G on the training fabric's storage leaf pair (fabric.storage): 400 GB/s of NIC, 5x the
 * 75 GB/s of reads the job's 480 GPUs ask at the standard level below, so the reads never wait on storage NICs.
 */
export const STORAGE_FABRIC = 'storage: {nodes: 8}';

/**
 * The job's storage traffic. Dataset reads: 0.156 GB/s per GPU, the standard level of NVIDIA's DGX SuperPOD
 * reference architecture (DGX H100, "Storage performance requirements": 40 GB/s of aggregate read per scalable
 * unit of 32 DGX, 256 GPUs). Checkpoint: 14 bytes per parameter (the job.storage default: ZeRO's 16 bytes of
 * mixed-precision Adam model states less the fp16 gradients), written after the demo's one iteration: the demo
 * measures an iteration that ends in a checkpoint, the one with the most north-south bytes.
 */
export const STORAGE_JOB = 'storage: {datasetGBps: 0.156, checkpointEvery: 1}';
