// An inference service's storage traffic (inference.storage), from the fabric's storage nodes (fabric.storage) to
// its replicas' hosts, as transfers on the service's network (its traffic class):
//
//   model load: the served model's weights, params x bytesPerParam, into each replica's host at the start of the
//     run (from storage node r mod S), and again into a failed replica when it is repaired (it comes back empty:
//     faults.ts), the way a serving engine reads its checkpoint at start-up (vLLM, TensorRT-LLM)
//   retrieval: retrievalBytes per request, into the host of the replica the balancer chose at arrival (the shared
//     queue: replica req mod R), from storage node req mod S (RAG: the retrieved passages, before prefill)
//
// Storage bytes are north-south (between hosts and storage nodes, not hosts); the result counts them apart
// (RequestsResult.storage). Left out: the service does not wait for them (a replica serves from the start and
// right after its repair, as if its weights were already in host memory; a request's prefill does not wait for
// its passages), the vector search itself, and the storage system's own limits (a node sends at its NIC rate).
import { mixHash } from '../core/ecmp.ts';
import type { Clock } from './clock.ts';
import type { InferenceSpec } from './config.ts';
import type { RequestNetwork } from './network.ts';

/** Tag kind of a storage transfer (requests.ts's T_REQUEST, T_RESPONSE, T_KV are 0..2): delivered, not acted on. */
export const T_STORAGE = 3;

export class StorageTraffic {
  /** Bytes sent: model loads (start and repairs), retrieval reads; and bytes delivered of both. */
  modelLoadBytes = 0;
  retrievalBytes = 0;
  deliveredBytes = 0;
  /** Model loads sent (replicas at start, plus repairs). */
  loads = 0;
  private readonly modelBytes: number;
  private readonly readBytes: number;
  private readonly bytesOf: number[] = [];
  private n = 0;

  constructor(
    spec: NonNullable<InferenceSpec['storage']>,
    private readonly nodes: Int32Array,
    private readonly hosts: Int32Array,
    private readonly net: RequestNetwork,
    private readonly clock: Clock,
    private readonly salt: number,
  ) {
    this.modelBytes = Math.round(spec.params * spec.bytesPerParam);
    this.readBytes = spec.retrievalBytes;
  }

  /** Every replica loads the model (the start of the run). */
  loadAll(t: number): void {
    for (let r = 0; r < this.hosts.length; r++) this.load(r, t);
  }

  /** Replica r loads the model at t (start, or back from a fault). */
  load(r: number, t: number): void {
    if (this.modelBytes <= 0) return;
    this.loads++;
    this.modelLoadBytes += this.modelBytes;
    this.send(this.nodes[r % this.nodes.length], this.hosts[r], this.modelBytes, t);
  }

  /** Request req's retrieval read into replica r's host (r < 0: not chosen yet, replica req mod R). */
  retrieve(req: number, r: number, t: number): void {
    if (this.readBytes <= 0) return;
    this.retrievalBytes += this.readBytes;
    const dst = this.hosts[r >= 0 ? r : req % this.hosts.length];
    this.send(this.nodes[req % this.nodes.length], dst, this.readBytes, t);
  }

  /** Storage transfer `tag` landed (ok false: its host could not be reached; its bytes are not counted). */
  landed(tag: number, ok: boolean): void {
    if (ok) this.deliveredBytes += this.bytesOf[tag >> 2];
  }

  private send(src: number, dst: number, bytes: number, t: number): void {
    const i = this.n++;
    this.bytesOf.push(bytes);
    // Salted apart from the requests' hashes (balancer.ts hashes req * 16 + attempt): storage transfer i.
    this.net.start(
      Math.max(t, this.clock.now),
      src,
      dst,
      bytes,
      mixHash(i, this.salt ^ 0x5f0a6e),
      (i << 2) | T_STORAGE,
    );
  }
}
