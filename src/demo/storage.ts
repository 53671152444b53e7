// The demo's storage: the storage nodes of the training and inference fabrics, the storage traffic of the job
// (dataset reads, a checkpoint) and of the service (model loads, retrieval reads), with their sources. Left out:
// the capacity search's candidates carry no storage traffic (it sizes replicas for the requests alone).

/**
 * 8 storage nodes at 400G on the training fabric's storage leaf pair (fabric.storage): 400 GB/s of NIC, 5x the
 * 75 GB/s of reads the job's 480 GPUs ask at the rate below, so the reads never wait on storage NICs.
 */
export const STORAGE_FABRIC = 'storage: {nodes: 8}';

/** NVIDIA H100 Tensor Core GPU datasheet (SXM5): 1,979 TFLOPS of BF16 with sparsity, half of it dense. */
export const H100_BF16_DENSE_FLOPS = 989e12;
/** "The Llama 3 Herd of Models" (Meta, 2024), Table 4: 38 to 43% BF16 model FLOPs utilization on H100s; the top of
 * the range, the most tokens and so the most reads per second. */
export const TRAINING_MFU = 0.43;
/** Megatron-LM's indexed datasets store token ids as int32 once the vocabulary reaches 65,500 (DType.optimal_dtype,
 * uint16 below): 4 bytes for Llama 3's 128K vocabulary, the larger case. */
export const TOKEN_ID_BYTES = 4;

/**
 * Dataset read rate of one GPU training a dense LLM on tokenized text, GB/s: its tokens per second (achieved FLOP/s
 * over 6 FLOPs per parameter per token: Kaplan et al., "Scaling Laws for Neural Language Models", 2020, section 2.1)
 * times the bytes of a token id. 7B parameters: 10,125 tokens/s, 40.5 KB/s. From first principles because no public
 * storage guideline was checked: NVIDIA's DGX SuperPOD reference architecture (DGX H100, storage architecture page)
 * gives its read levels in a Table 6 that no search of this project reached. Image, audio and video training read
 * far more per FLOP; `job.storage.datasetGBps` takes any rate.
 */
export function llmDatasetGBps(params: number): number {
  return ((TRAINING_MFU * H100_BF16_DENSE_FLOPS) / (6 * params)) * TOKEN_ID_BYTES * 1e-9;
}

/**
 * The job's storage traffic: the dataset reads above, and a checkpoint of 14 bytes per parameter (the
 * job.storage default: ZeRO's 16 bytes of mixed-precision Adam model states less the fp16 gradients), written after
 * the demo's one iteration: the demo measures an iteration that ends in a checkpoint, the one with the most
 * north-south bytes, its WORST CASE. The interval a real job would use: Young's optimum sqrt(2 x MTBF x save time)
 * (Young, CACM 1974, restated by Saxena et al., NVIDIA, arXiv 2410.18124); Meta's Llama 3 run saw 419 unexpected
 * interruptions in 54 days on 16,384 GPUs ("The Llama 3 Herd of Models", 2024, section 3.3.4: one per 3.1 h), about
 * 106 h on 480 GPUs if failures scale with GPUs; the checkpoint's 98 GB over the 8 storage NICs' 3.2 Tb/s (payload
 * 4096/4178) takes 0.25 s, so about 440 s, one checkpoint per ~680 iterations of 640 ms; the iteration's north-south
 * bytes would then be its reads alone and its east-west share nearly 100%: the verdict (over 90%) is the same.
 * CheckFreq (Mohan et al., FAST 2021) tunes the interval at run time to keep the overhead within 3.5%; Gemini (Wang
 * et al., SOSP 2023) checkpoints every iteration, but into CPU memory (its own and its peers', east-west), writing
 * to remote storage far less often.
 */
export function storageJob(params: number): string {
  return `storage: {datasetGBps: ${llmDatasetGBps(params)}, checkpointEvery: 1}`;
}

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
