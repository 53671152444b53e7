// An inference service's storage traffic (inference.storage), from the fabric's storage nodes (fabric.storage) to
// its replicas' hosts, as transfers on the service's network (its traffic class):
//
//   model load: the served model's weights, params x bytesPerParam, into each replica's host at the start of the
//     run (from storage node r mod S; coldStart: false leaves this out) and again into a failed replica when it
//     is repaired (it comes back empty: faults.ts), the way a serving engine reads its checkpoint at start-up
//     (vLLM, TensorRT-LLM). The replica serves nothing until its weights land (replicas.ts's loading), and the
//     balancer passes it over meanwhile (a readiness probe): requests reach it only when no replica is ready,
//     and wait in its queue.
//   retrieval: retrievalBytes per request, into the host of the replica the balancer chose at arrival (the shared
//     queue: replica req mod R), from storage node req mod S (RAG: the retrieved passages, before prefill)
//
// Storage bytes are north-south (between hosts and storage nodes, not hosts); the result counts them apart
// (RequestsResult.storage). Left out: a request's prefill does not wait for its passages; a load that cannot
// reach its host (a network failure) is not tried again, and its replica is ready at once (requests to it fail
// on the same network anyway); the vector search itself, and the storage system's own limits (a node sends at
// its NIC rate).
import { mixHash } from '../core/ecmp.ts';
import type { Balancer } from './balancer.ts';
import type { Clock } from './clock.ts';
import type { InferenceSpec } from './config.ts';
import type { RequestNetwork } from './network.ts';
import type { ReplicaTable } from './replicas.ts';

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
  /** Whether every replica loads the model at the start (else they start with their weights). */
  readonly coldStart: boolean;
  private readonly bytesOf: number[] = [];
  /** Per transfer: the replica a model load is for (-1: a retrieval read), and that replica's epoch when it was
   * sent (a load overtaken by a fault and repair is stale). */
  private readonly loadOf: number[] = [];
  private readonly epochOf: number[] = [];
  private n = 0;
  private readonly hosts: Int32Array;

  constructor(
    spec: NonNullable<InferenceSpec['storage']>,
    private readonly nodes: Int32Array,
    private readonly reps: ReplicaTable,
    private readonly balancer: Balancer,
    private readonly net: RequestNetwork,
    private readonly clock: Clock,
    private readonly salt: number,
  ) {
    this.modelBytes = Math.round(spec.params * spec.bytesPerParam);
    this.readBytes = spec.retrievalBytes;
    this.coldStart = spec.coldStart;
    this.hosts = reps.host;
  }

  /** Every replica loads the model (the start of a cold run). */
  loadAll(t: number): void {
    for (let r = 0; r < this.hosts.length; r++) this.load(r, t);
  }

  /** Replica r loads the model at t (start, or back from a fault): it is not ready until the weights land. */
  load(r: number, t: number): void {
    if (this.modelBytes <= 0) return;
    this.loads++;
    this.modelLoadBytes += this.modelBytes;
    this.reps.loading[r] = 1;
    this.balancer.touch(r);
    this.send(this.nodes[r % this.nodes.length], this.hosts[r], this.modelBytes, t, r);
  }

  /** Request req's retrieval read into replica r's host (r < 0: not chosen yet, replica req mod R). */
  retrieve(req: number, r: number, t: number): void {
    if (this.readBytes <= 0) return;
    this.retrievalBytes += this.readBytes;
    const dst = this.hosts[r >= 0 ? r : req % this.hosts.length];
    this.send(this.nodes[req % this.nodes.length], dst, this.readBytes, t, -1);
  }

  /**
   * Storage transfer `tag` landed (ok false: its host could not be reached; its bytes are not counted). Returns
   * the replica it made ready (its current model load), or -1.
   */
  landed(tag: number, ok: boolean): number {
    const i = tag >> 2;
    if (ok) this.deliveredBytes += this.bytesOf[i];
    const r = this.loadOf[i];
    if (r < 0 || this.epochOf[i] !== this.reps.epoch[r] || !this.reps.loading[r]) return -1;
    this.reps.loading[r] = 0;
    this.balancer.touch(r);
    // A shared queue holds requests while no replica has a free slot: this one now has (a no-op otherwise).
    this.balancer.pullShared(this.clock.now);
    return r;
  }

  private send(src: number, dst: number, bytes: number, t: number, replica: number): void {
    const i = this.n++;
    this.bytesOf.push(bytes);
    this.loadOf.push(replica);
    this.epochOf.push(replica >= 0 ? this.reps.epoch[replica] : 0);
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
