// The way back to the client at border0: a whole response as one transfer (a plain service, or an LLM that does
// not stream), or each generated token as a message too small to change any rate, with its delay taken from the
// network at the time it is sent. Tokens of one request reach the client in order (a token never overtakes the
// one before it). Left out: the client's own processing, and flow control of the token stream.
import type { Accounting } from './accounting.ts';
import { type Clock, EV_DEPART } from './clock.ts';
import type { ServiceConfig } from './config.ts';
import type { RequestNetwork } from './network.ts';
import type { Outcomes } from './outcome.ts';
import type { ReplicaTable } from './replicas.ts';
import { PH_AWAY, type RequestTable, T_RESPONSE } from './requests.ts';

export class Responses {
  constructor(
    private readonly cfg: ServiceConfig,
    private readonly clock: Clock,
    private readonly reqs: RequestTable,
    private readonly reps: ReplicaTable,
    private readonly acct: Accounting,
    private readonly net: RequestNetwork,
    private readonly border: number,
    private readonly outcomes: Outcomes,
  ) {}

  /** Send the whole response as one transfer (its delivery completes the request). */
  respond(req: number, t: number): void {
    const reqs = this.reqs;
    const b = this.cfg.bytes;
    const host = this.reps.host[reqs.rep[req]];
    reqs.phase[req] = PH_AWAY;
    const bytes = b.response ?? b.overhead + reqs.outTok[req] * b.perOutputToken;
    reqs.sentAt[req] = t;
    const h = reqs.hashA[req];
    reqs.unloadedNs[req] += this.net.unloadedDelayNs(host, this.border, bytes, h);
    this.net.start(t, host, this.border, bytes, h, req * 4 + T_RESPONSE);
  }

  /** One generated token of `req` at time t at its replica. True when the request leaves the replica. */
  emit(req: number, t: number): boolean {
    const reqs = this.reqs;
    const k = ++reqs.tokens[req];
    const last = k >= reqs.outTok[req];
    if (!this.cfg.stream) {
      if (last) this.respond(req, t);
      return last;
    }
    const host = this.reps.host[reqs.rep[req]];
    const bytes = k === 1 ? this.cfg.tokenBytes + this.cfg.bytes.overhead : this.cfg.tokenBytes;
    const h = reqs.hashA[req];
    const d = this.net.messageDelayNs(t, host, this.border, bytes, h);
    if (!Number.isFinite(d)) {
      reqs.tokens[req]--; // this token never reached the client
      this.outcomes.failAttempt(req, t);
      return true;
    }
    const at = Math.max(t + d, reqs.lastTok[req]);
    if (k === 1) {
      reqs.firstTok[req] = at;
      reqs.netNs[req] += d;
      reqs.unloadedNs[req] += this.net.unloadedDelayNs(host, this.border, bytes, h);
    } else this.acct.gaps.add(at - reqs.lastTok[req]);
    reqs.lastTok[req] = at;
    if (last) {
      reqs.phase[req] = PH_AWAY;
      this.clock.q.push(at, EV_DEPART, req, 0);
    }
    return last;
  }
}
