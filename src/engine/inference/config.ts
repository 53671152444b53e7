// A service's settings resolved once from its scenario item: times in ns, sizes in bytes, the replica split of
// disaggregation. Immutable; every element reads it, none changes it. Validation is runInference's (index.ts).
import type { Scenario } from '../../scenario/schema.ts';

export type InferenceSpec = Extract<NonNullable<Scenario['traffic']>[number], { inference: unknown }>['inference'];

export class ServiceConfig {
  /** Replicas, and the first decode replica: 0..prefill-1 take new requests (all R without disaggregation). */
  readonly replicas: number;
  readonly prefill: number;
  readonly llm: boolean;
  /** Plain service: mean (exponential) or fixed service time, and the requests served at once. */
  readonly plainMeanNs: number;
  readonly expService: boolean;
  readonly concurrency: number;
  /** Stream each token as a message (else the response is one transfer). */
  readonly stream: boolean;
  /** Requests a replica holds at once: an LLM's batch, or the plain service's concurrency. */
  readonly cap: number;
  readonly balancer: InferenceSpec['balancer'];
  readonly shared: boolean;
  readonly retries: number;
  readonly ejectNs: number;
  /** LLM iteration times (ns) and KV-cache capacity (tokens). */
  readonly prefillBaseNs: number;
  readonly prefillPerTokenNs: number;
  readonly decodeBaseNs: number;
  readonly decodePerSeqNs: number;
  readonly kvCap: number;
  /** Prefill/decode disaggregation, and the KV bytes a prefill server sends per input token. */
  readonly disaggregated: boolean;
  readonly kvBytesPerToken: number;
  readonly bytes: InferenceSpec['bytes'];
  /** Bytes of one streamed token (the first adds the response overhead). */
  readonly tokenBytes: number;

  constructor(spec: InferenceSpec, replicas: number) {
    const s = spec.service;
    const llm = 'llm' in s ? s.llm : null;
    this.replicas = replicas;
    this.llm = llm !== null;
    this.plainMeanNs = 'exponential' in s ? s.exponential / 1000 : 'deterministic' in s ? s.deterministic / 1000 : 0;
    this.expService = 'exponential' in s;
    this.concurrency = spec.concurrency;
    this.stream = spec.stream ?? llm !== null;
    this.cap = llm ? llm.maxBatch : spec.concurrency;
    this.balancer = spec.balancer;
    this.shared = spec.balancer === 'shared-queue';
    this.retries = spec.retries;
    this.ejectNs = spec.ejectFor / 1000;
    this.prefillBaseNs = llm ? llm.prefill.base / 1000 : 0;
    this.prefillPerTokenNs = llm ? llm.prefill.perToken / 1000 : 0;
    this.decodeBaseNs = llm ? llm.decode.base / 1000 : 0;
    this.decodePerSeqNs = llm ? llm.decode.perSequence / 1000 : 0;
    this.kvCap = llm ? llm.kvTokens : 0;
    const dis = llm ? (spec.disaggregation ?? null) : null;
    this.disaggregated = dis !== null;
    this.prefill = dis ? dis.prefillReplicas : replicas;
    this.kvBytesPerToken = dis ? dis.kvBytesPerToken : 0;
    this.bytes = spec.bytes;
    this.tokenBytes = spec.bytes.perMessage + spec.bytes.perOutputToken;
  }
}
