// How a request ends: it completes, or an attempt fails (its replica went down, its host became unreachable, a
// token could not be delivered) and the request is retried on another replica, up to `retries` times and only if
// nothing reached the client yet, else it fails. The replica of a failed attempt is ejected from the balancer.
// Left out: timeouts (an attempt fails only when something breaks), and hedged or duplicate requests.
import type { Accounting } from './accounting.ts';
import type { Balancer } from './balancer.ts';
import type { ServiceConfig } from './config.ts';
import { PH_AWAY, type RequestTable, ST_ACTIVE, ST_DONE, ST_FAILED } from './requests.ts';

export class Outcomes {
  constructor(
    private readonly cfg: ServiceConfig,
    private readonly reqs: RequestTable,
    private readonly acct: Accounting,
    private readonly balancer: Balancer,
  ) {}

  /** The request leaves the system at t, done (ST_DONE) or failed (ST_FAILED). */
  leave(req: number, t: number, st: number): void {
    const reqs = this.reqs;
    reqs.status[req] = st;
    reqs.departT[req] = t;
    this.acct.departed(t, st === ST_DONE);
    const r = reqs.rep[req];
    if (r >= 0) this.balancer.release(r);
    if (this.cfg.shared) this.balancer.pullShared(t);
  }

  /** The current attempt failed at t: retry on another replica if allowed and nothing reached the client, else fail. */
  failAttempt(req: number, t: number): void {
    const reqs = this.reqs;
    if (reqs.status[req] !== ST_ACTIVE) return;
    reqs.failT[req] = t;
    const r = reqs.rep[req];
    if (r >= 0) this.balancer.eject(r, t);
    if (reqs.tokens[req] > 0 || reqs.attempt[req] >= this.cfg.retries) {
      this.leave(req, t, ST_FAILED);
      return;
    }
    if (r >= 0) {
      this.balancer.release(r);
      if (this.cfg.shared) this.balancer.pullShared(t);
    }
    reqs.attempt[req]++;
    this.acct.retries++;
    reqs.rep[req] = -1;
    reqs.phase[req] = PH_AWAY;
    reqs.atReplica[req] = t;
    this.balancer.dispatch(req, t);
  }
}
