// The demo's storage: the storage nodes of the training and inference fabrics, the storage traffic of the job
// (dataset reads, a checkpoint) and of the service (model loads, retrieval reads), with their sources. Left out:
// the capacity search's candidates carry no storage traffic (it sizes replicas for the requests alone).

/**
 * 8 storage nodes at 400G on the training fabric's storage leaf pair (fabric.storage): 400 GB/s of NIC, 5x the
 * 75 GB/s of reads the job's 480 GPUs ask at the standard level below, so the reads never wait on storage NICs.
 */
export const STORAGE_FABRIC = 'storage: {nodes: 8}';

/**
 * The job's storage traffic. Dataset reads: 0.156 GB/s per GPU, 40 GB/s of aggregate read per scalable unit of
 * 32 DGX (256 GPUs), the figure recalled as the standard level of NVIDIA's DGX SuperPOD reference architecture
 * (DGX H100, "Storage performance requirements"). UNVERIFIED: the search of this session did not reach that table;
 * the one sentence of the document it found says a GDS application "should be able to read data at over 40 GBps"
 * over the storage fabric, which reads as per DGX system, not per scalable unit (40 GB/s per 8-GPU system would
 * be 5 GB/s per GPU, 32x this). Check the table before relying on the rate. Checkpoint: 14 bytes per parameter (the job.storage default: ZeRO's 16 bytes of
 * mixed-precision Adam model states less the fp16 gradients), written after the demo's one iteration: the demo
 * measures an iteration that ends in a checkpoint, the one with the most north-south bytes.
 */
export const STORAGE_JOB = 'storage: {datasetGBps: 0.156, checkpointEvery: 1}';

/**
 * 32 storage nodes at 25G (the hosts' NIC) on the inference fabric's storage leaf pair, under its aggregation
 * switches: 800 Gb/s, enough to load the 128 replicas' 17.9 TB of weights (below) in 179 s, inside the full demo's
 * 225 s of trace (a replica's own 25G link takes 45 s for its 140 GB).
 */
export const INFERENCE_STORAGE_FABRIC = 'storage: {nodes: 32}';

/**
 * The service's storage traffic, the inference.storage defaults: a 70B model in bf16 (140 GB, the llm.gpus
 * default) loaded into every replica at the start and after each repair, and 3,000 bytes of retrieved passages per
 * request (RAG, Lewis et al. 2020: k = 5 passages of 100 words). The service does not wait for them.
 */
export const INFERENCE_STORAGE = 'storage: {}';
