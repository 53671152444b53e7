// The demo's second serving design, for the inference traffic claim: the same LLM service (the same trace, replicas
// and servers) with prefill and decode on separate replicas (Splitwise, Patel et al., ISCA 2024; DistServe, Zhong et
// al., OSDI 2024), so every request's KV cache crosses the fabric from its prefill server to its decode server:
// east-west bytes a real deployment has. The colocated design (the demo's main run) keeps a replica's tensor
// parallelism inside its 8-GPU server and sends no host-to-host bytes. Left out: tensor or pipeline parallelism
// across servers (Llama-2-70B's 140 GB of bf16 weights fit one 8-GPU server, as Splitwise serves it), and the
// variant's latencies (the claim reads its byte mix; 25G NICs are slow for KV transfers, docs/demo.md).

/**
 * 64 prefill and 64 decode replicas of the 128. The byte mix does not depend on the split: every request moves its
 * KV cache once (measured on the first hour of the trace: 32, 48, 64 and 80 prefill replicas gave the same 7.33 TB
 * of KV transfers and 0.456 GB of client bytes).
 *
 * KV cache per input token of Llama-2-70B (the model the service's defaults are of, inference.storage): keys and
 * values for every layer and KV head, 2 x layers x kvHeads x headDim x bytes = 2 x 80 x 8 x 128 x 2 B (bf16) =
 * 327,680 B = 320 KiB, the inference.disaggregation default (Touvron et al., "Llama 2", 2023, section 2.2:
 * grouped-query attention in the 34B and 70B models; meta-llama/Llama-2-70b-hf config.json: 80 layers, hidden size
 * 8192 in 64 attention heads of 128, 8 key-value heads).
 */
export const DISAGGREGATION = 'disaggregation: {prefillReplicas: 64, kvBytesPerToken: 327680}';

/** Trace seconds the disaggregated run replays (at the main run's 16x): its KV transfers make the flow engine
 * recompute shares at every one, 36 s of wall time for the main run's hour against 1 s for its first 5 minutes. */
export const disaggregatedWindowS = (quick: boolean): number => (quick ? 150 : 300);
