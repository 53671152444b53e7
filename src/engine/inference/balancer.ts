// The load balancer at border0: picks a replica for each new attempt (round-robin, random, power of two choices,
// least outstanding, or a shared queue that holds requests until a replica has a free slot), sends the request
// there over the network, and keeps the replicas' loads. A replica whose request failed is ejected (passed over)
// for `ejectFor`; a replica whose weights are still loading (storage.ts) is passed over the same way, as a
// readiness probe would. Left out: health probes (a replica is judged only by its failed requests), balancer
// capacity and its own delay, and session affinity.

import type { RandomStream } from '../../base/random.ts';
import { mixHash } from '../core/ecmp.ts';
import { type Clock, EV_UNEJECT } from './clock.ts';
import type { ServiceConfig } from './config.ts';
import { Fifo } from './fifo.ts';
import { MinTree } from './min-tree.ts';
import type { RequestNetwork } from './network.ts';
import type { ReplicaTable } from './replicas.ts';
import { type RequestTable, ST_ACTIVE, T_REQUEST } from './requests.ts';

/** A load bigger than any count of requests: an ejected (or loading) replica ranks after every healthy one. */
const EJECTED = 1e9;

export class Balancer {
  /** Least outstanding over the replicas that take new requests (0..prefill-1), and over the decode servers. */
  private readonly tree: MinTree;
  private readonly dtree: MinTree;
  /** Shared-queue: requests waiting for a free slot. */
  private readonly waiting = new Fifo();
  private rr = 0;

  constructor(
    private readonly cfg: ServiceConfig,
    private readonly clock: Clock,
    private readonly reqs: RequestTable,
    private readonly reps: ReplicaTable,
    private readonly net: RequestNetwork,
    private readonly border: number,
    private readonly rng: RandomStream,
    private readonly hashSalt: number,
  ) {
    this.tree = new MinTree(cfg.prefill);
    this.dtree = new MinTree(Math.max(1, cfg.replicas - cfg.prefill));
  }

  private key(r: number): number {
    const out = this.reps.outstanding[r];
    return out + (this.reps.ejectedUntil[r] > this.clock.now || this.reps.loading[r] ? EJECTED : 0);
  }

  /** Replica r's load or ejection changed: update its key. */
  touch(r: number): void {
    const P = this.cfg.prefill;
    if (r < P) this.tree.set(r, this.key(r));
    else this.dtree.set(r - P, this.key(r));
  }

  private healthy(r: number): boolean {
    return this.reps.ejectedUntil[r] <= this.clock.now && !this.reps.loading[r];
  }

  private pick(): number {
    const P = this.cfg.prefill;
    switch (this.cfg.balancer) {
      case 'round-robin': {
        for (let k = 0; k < P; k++) {
          const r = (this.rr + k) % P;
          if (this.healthy(r)) {
            this.rr = (r + 1) % P;
            return r;
          }
        }
        const r = this.rr;
        this.rr = (this.rr + 1) % P;
        return r;
      }
      case 'random': {
        for (let k = 0; k < 16; k++) {
          const r = this.rng.int(P);
          if (this.healthy(r)) return r;
        }
        return this.tree.minIndex();
      }
      case 'power-of-two': {
        if (P === 1) return 0;
        const a = this.rng.int(P);
        let c = this.rng.int(P - 1);
        if (c >= a) c++;
        return this.key(c) < this.key(a) ? c : a;
      }
      default:
        return this.tree.minIndex(); // least-outstanding (and shared-queue's choice among free replicas)
    }
  }

  /** A new attempt of req at the balancer. */
  dispatch(req: number, t: number): void {
    if (this.cfg.shared) {
      const r = this.tree.minIndex();
      if (this.tree.minKey() >= this.cfg.cap) {
        this.waiting.push(req);
        this.reqs.atReplica[req] = t;
        return;
      }
      this.sendTo(req, r, t);
      return;
    }
    this.sendTo(req, this.pick(), t);
  }

  /** Send req's request to replica r: a new connection (flow hash) per attempt. */
  private sendTo(req: number, r: number, t: number): void {
    const reqs = this.reqs;
    const b = this.cfg.bytes;
    const host = this.reps.host[r];
    if (this.cfg.shared) reqs.queueNs[req] += t - reqs.atReplica[req];
    reqs.rep[req] = r;
    this.reps.outstanding[r]++;
    this.touch(r);
    const bytes = b.request ?? b.overhead + reqs.inTok[req] * b.perInputToken;
    reqs.sentAt[req] = t;
    const h = mixHash(req * 16 + (reqs.attempt[req] & 15), this.hashSalt);
    reqs.hashA[req] = h;
    reqs.unloadedNs[req] += this.net.unloadedDelayNs(this.border, host, bytes, h);
    this.net.start(t, this.border, host, bytes, h, req * 4 + T_REQUEST);
  }

  /** Shared-queue: send waiting requests while a replica has a free slot. */
  pullShared(t: number): void {
    while (this.waiting.length > 0 && this.tree.minKey() < this.cfg.cap) {
      const req = this.waiting.shift();
      if (this.reqs.status[req] !== ST_ACTIVE) continue;
      this.sendTo(req, this.tree.minIndex(), t);
    }
  }

  /** One request fewer at replica r. */
  release(r: number): void {
    this.reps.outstanding[r]--;
    this.touch(r);
  }

  /** One request more at replica r, not sent by the balancer (a KV hand-over to a decode server). */
  assign(r: number): void {
    this.reps.outstanding[r]++;
    this.touch(r);
  }

  /** The decode server with the fewest outstanding requests (disaggregation). */
  leastLoadedDecode(): number {
    return this.cfg.prefill + this.dtree.minIndex();
  }

  /** A request to replica r failed at t: pass r over until t + ejectFor. */
  eject(r: number, t: number): void {
    const until = t + this.cfg.ejectNs;
    this.reps.ejectedUntil[r] = until;
    this.clock.q.push(until, EV_UNEJECT, r, 0);
    this.touch(r);
  }
}
