// What happens when a transfer lands (the network's callback): a request reaches its replica (or fails, if the
// replica is down or the host unreachable), a KV cache reaches its decode server, a whole response reaches the
// client, a replica's model weights land (it starts serving). Streamed tokens are not transfers: responses.ts schedules their arrival as EV_DEPART directly.
import type { Clock } from './clock.ts';
import type { ServiceConfig } from './config.ts';
import type { KvTransfer } from './disaggregation.ts';
import type { LlmReplicas } from './llm.ts';
import type { Outcomes } from './outcome.ts';
import type { PlainReplicas } from './plain.ts';
import { type ReplicaTable, STEP_IDLE } from './replicas.ts';
import { PH_AT_REPLICA, type RequestTable, ST_ACTIVE, ST_DONE, T_KV, T_REQUEST } from './requests.ts';
import { type StorageTraffic, T_STORAGE } from './storage.ts';

export class Deliveries {
  /** Time of the last delivery of the service's own transfers (storage transfers left out). */
  lastNs = 0;
  constructor(
    private readonly cfg: ServiceConfig,
    private readonly clock: Clock,
    private readonly reqs: RequestTable,
    private readonly reps: ReplicaTable,
    private readonly outcomes: Outcomes,
    private readonly plain: PlainReplicas,
    private readonly llm: LlmReplicas,
    private readonly kv: KvTransfer,
    private readonly storage: StorageTraffic | null = null,
  ) {}

  /** The network delivered transfer `tag` now (ok false: its destination could not be reached). One function
   * object for the whole run, handed to RequestNetwork.advance. */
  readonly onNet = (tag: number, ok: boolean): void => {
    const reqs = this.reqs;
    const now = this.clock.now;
    const req = tag >> 2;
    const kind = tag & 3;
    if (kind === T_STORAGE) {
      const r = this.storage ? this.storage.landed(tag, ok) : -1;
      if (r >= 0) this.ready(r, now);
      return;
    }
    this.lastNs = now;
    if (kind === T_KV) {
      const r = this.kv.landed(req);
      if (r >= 0 && this.reps.stepKind[r] === STEP_IDLE) this.llm.nextStep(r, now);
    }
    if (reqs.status[req] !== ST_ACTIVE) return;
    if (!ok) {
      this.outcomes.failAttempt(req, now);
      return;
    }
    if (kind === T_KV) {
      reqs.kvNs[req] = now - reqs.sentAt[req];
      this.atReplica(req, now);
      return;
    }
    reqs.netNs[req] += now - reqs.sentAt[req];
    if (kind === T_REQUEST) this.atReplica(req, now);
    else {
      reqs.firstTok[req] = now;
      reqs.lastTok[req] = now;
      this.outcomes.leave(req, now, ST_DONE);
    }
  };

  /** Replica r's weights landed at t: it serves what waited for it, and takes new requests. */
  private ready(r: number, t: number): void {
    if (this.reps.down[r]) return;
    if (this.cfg.llm) {
      if (this.reps.stepKind[r] === STEP_IDLE) this.llm.nextStep(r, t);
    } else this.plain.resume(r, t);
  }

  /** req's current attempt reached its replica at t. */
  private atReplica(req: number, t: number): void {
    const reqs = this.reqs;
    const r = reqs.rep[req];
    if (this.reps.down[r]) {
      this.outcomes.failAttempt(req, t);
      return;
    }
    reqs.atReplica[req] = t;
    reqs.phase[req] = PH_AT_REPLICA;
    if (this.cfg.llm) this.llm.arrive(req, r, t);
    else this.plain.arrive(req, r, t);
  }
}
