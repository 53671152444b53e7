// The demo's storage: the storage nodes of the training and inference fabrics, the storage traffic of the job
// (dataset reads, a checkpoint) and of the service (model loads, retrieval reads), with their sources. Left out:
// the capacity search's candidates carry no storage traffic (it sizes replicas for the requests alone).

/**
 * 8 storage nodes at 400G on the training fabric's storage leaf pair (fabric.storage): 400 GB/s of NIC, 5x the
 * 75 GB/s of reads the job's 480 GPUs ask at the rate below, so the reads never wait on storage NICs.
 */
export const STORAGE_FABRIC = 'storage: {nodes: 8}';

/**
 * The job's storage traffic. Dataset reads: 0.156 GB/s per GPU, 40 GB/s of aggregate read per scalable unit of
 * 32 DGX (256 GPUs), the figure recalled from NVIDIA's DGX SuperPOD reference architecture (DGX H100,
 * docs.nvidia.com/dgx-superpod/reference-architecture-scalable-infrastructure-h100/latest/storage-architecture.html).
 * UNVERIFIED: that page says "The guidelines in Table 5 and Table 6 are provided to help determine the I/O levels
 * required for different types of models"; Table 5 names the levels Good, Better and Best (Better: "Training
 * Compressed Images, Compressed Audio and Text Data, such as LLM Training"; "Standard" is the level name of the
 * later Rubin edition), but the searches of this project did not reach Table 6's GB/s figures. The one other
 * sentence found (a mirror of the same document) says a GDS application "should be able to read data at over
 * 40 GBps" over the storage fabric, which reads as per DGX system, not per scalable unit (40 GB/s per 8-GPU system
 * would be 5 GB/s per GPU, 32x this). Check Table 6 before relying on the rate.
 *
 * Checkpoint: 14 bytes per parameter (the job.storage default: ZeRO's 16 bytes of mixed-precision Adam model
 * states less the fp16 gradients), written after the demo's one iteration: the demo measures an iteration that
 * ends in a checkpoint, the one with the most north-south bytes, its WORST CASE. The interval a real job would
 * use: Young's optimum sqrt(2 x MTBF x save time) (Young, CACM 1974, restated by Saxena et al., NVIDIA,
 * arXiv 2410.18124); Meta's Llama 3 run saw 419 unexpected interruptions in 54 days on 16,384 GPUs ("The Llama 3
 * Herd of Models", 2024, section 3.3.4: one per 3.1 h), about 106 h on 480 GPUs if failures scale with GPUs; the
 * checkpoint's 98 GB over the 8 storage NICs' 3.2 Tb/s (payload 4096/4178) takes 0.25 s, so about 440 s, one
 * checkpoint per ~680 iterations of 640 ms. At that interval the iteration's north-south bytes would be its
 * 45 GB of reads (plus 0.14 GB of checkpoint) and its east-west share about 98% instead of the measured 94.1%:
 * the verdict (over 90%) is the same. CheckFreq (Mohan et al., FAST 2021) tunes the interval at run time to keep
 * the overhead within 3.5%; Gemini (Wang et al., SOSP 2023) checkpoints every iteration, but into CPU memory
 * (its own and its peers', east-west), writing to remote storage far less often.
 */
export const STORAGE_JOB = 'storage: {datasetGBps: 0.156, checkpointEvery: 1}';

/**
 * 32 storage nodes at 25G (the hosts' NIC) on the inference fabric's storage leaf pair, under its aggregation
 * switches: 800 Gb/s, which would load the 128 replicas' 17.9 TB of weights (below) in 179 s on a cold start (a
 * replica's own 25G link takes 45 s for its 140 GB).
 */
export const INFERENCE_STORAGE_FABRIC = 'storage: {nodes: 32}';

/**
 * The service's storage traffic, the inference.storage defaults: a 70B model in bf16 (140 GB, the llm.gpus
 * default) loaded into a replica after each repair (it serves once the weights land), and 3,000 bytes of retrieved
 * passages per request (RAG, Lewis et al. 2020: k = 5 passages of 100 words). Warm (coldStart: false): the trace's
 * hour is an hour of a service already running, its replicas loaded before it; a cold start would hold every
 * request for the 45 to 179 s the loads take, a start-up the seed's claims are not about. The demo's main run has
 * no replica fault, so its storage bytes are the retrieval reads.
 */
export const INFERENCE_STORAGE = 'storage: {coldStart: false}';
