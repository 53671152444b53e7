// Per-request state as a struct of arrays indexed by request id (ids in arrival order), grown by doubling. An
// attempt is one try of a request at one replica; replica lists hold entries req * 16 + attempt (mod 16), so an
// entry left behind by an earlier attempt is recognised as stale. Elements hold this table, never one of its arrays
// (growing replaces them).
import { growF64, growI32, growU8, growU32 } from '../core/heap2.ts';

export const ST_ACTIVE = 0;
export const ST_DONE = 1;
export const ST_FAILED = 2;

/** Where the current attempt is: away (at the balancer, on the network, or responding) or at its replica. */
export const PH_AWAY = 0;
export const PH_AT_REPLICA = 1;

/** Network transfer tags are req * 4 + kind: the request, the whole response, or (disaggregation) the KV cache
 * from the prefill to the decode server. */
export const T_REQUEST = 0;
export const T_RESPONSE = 1;
export const T_KV = 2;

/** The replica-list entry of a request's attempt. */
export const entry = (req: number, att: number) => req * 16 + (att & 15);
/** The request of a replica-list entry. */
export const entryReq = (e: number) => Math.floor(e / 16);

export class RequestTable {
  /** Requests arrived so far (ids 0..n-1). */
  n = 0;
  arrive = new Float64Array(1024);
  inTok = new Int32Array(1024);
  outTok = new Int32Array(1024);
  /** The replica of the current attempt (-1: at the balancer). */
  rep = new Int32Array(1024);
  attempt = new Int32Array(1024);
  status = new Uint8Array(1024);
  /** When the current attempt reached its replica (or joined the balancer's queue). */
  atReplica = new Float64Array(1024);
  /** When the current transfer started. */
  sentAt = new Float64Array(1024);
  queueNs = new Float64Array(1024);
  netNs = new Float64Array(1024);
  unloadedNs = new Float64Array(1024);
  firstTok = new Float64Array(1024);
  lastTok = new Float64Array(1024);
  /** Tokens generated for the current attempt. */
  tokens = new Int32Array(1024);
  departT = new Float64Array(1024);
  /** The replica's epoch when the request's plain service started (a fault in between voids it). */
  serviceEpoch = new Int32Array(1024);
  phase = new Uint8Array(1024);
  /** When the request's last failed attempt failed (-1: never). */
  failT = new Float64Array(1024);
  /** Disaggregation: the prefill replica holding the request's KV until its transfer lands (-1: none). */
  kvFrom = new Int32Array(1024);
  kvNs = new Float64Array(1024);
  /** The flow hash of the current attempt (set when it is sent to a replica). */
  hashA = new Uint32Array(1024);

  /** A new request at time t; returns its id. */
  add(t: number, input: number, output: number): number {
    const req = this.n++;
    if (this.n > this.arrive.length) this.grow(this.n);
    this.arrive[req] = t;
    this.inTok[req] = input;
    this.outTok[req] = output;
    this.rep[req] = -1;
    this.atReplica[req] = t;
    this.lastTok[req] = 0;
    this.phase[req] = PH_AWAY;
    this.failT[req] = -1;
    this.kvFrom[req] = -1;
    return req;
  }

  /** Is this list entry the request's current attempt at replica r? */
  live(e: number, r: number): boolean {
    const req = Math.floor(e / 16);
    return this.status[req] === ST_ACTIVE && this.rep[req] === r && (this.attempt[req] & 15) === e % 16;
  }

  private grow(m: number): void {
    const c = Math.max(m, 2 * this.arrive.length);
    this.arrive = growF64(this.arrive, c);
    this.inTok = growI32(this.inTok, c);
    this.outTok = growI32(this.outTok, c);
    this.rep = growI32(this.rep, c);
    this.attempt = growI32(this.attempt, c);
    this.status = growU8(this.status, c);
    this.atReplica = growF64(this.atReplica, c);
    this.sentAt = growF64(this.sentAt, c);
    this.queueNs = growF64(this.queueNs, c);
    this.netNs = growF64(this.netNs, c);
    this.unloadedNs = growF64(this.unloadedNs, c);
    this.firstTok = growF64(this.firstTok, c);
    this.lastTok = growF64(this.lastTok, c);
    this.tokens = growI32(this.tokens, c);
    this.departT = growF64(this.departT, c);
    this.serviceEpoch = growI32(this.serviceEpoch, c);
    this.phase = growU8(this.phase, c);
    this.failT = growF64(this.failT, c);
    this.kvFrom = growI32(this.kvFrom, c);
    this.kvNs = growF64(this.kvNs, c);
    this.hashA = growU32(this.hashA, c);
  }
}
