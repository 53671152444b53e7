// Prefill/decode disaggregation (Splitwise, DistServe): replicas 0..P-1 prefill, P..R-1 decode. After its first
// token a request's KV cache (kvBytesPerToken x input tokens) crosses the fabric east-west to the decode server
// with the fewest outstanding requests; the prefill server keeps the KV reserved until the transfer lands (or
// fails). Left out: layer-by-layer streaming of the KV cache (it moves as one transfer after the prefill), and
// choosing the decode server by its free KV rather than its request count.
import type { Accounting } from './accounting.ts';
import type { Balancer } from './balancer.ts';
import type { ServiceConfig } from './config.ts';
import type { RequestNetwork } from './network.ts';
import type { ReplicaTable } from './replicas.ts';
import { PH_AWAY, type RequestTable, T_KV } from './requests.ts';

export class KvTransfer {
  constructor(
    private readonly cfg: ServiceConfig,
    private readonly reqs: RequestTable,
    private readonly reps: ReplicaTable,
    private readonly acct: Accounting,
    private readonly net: RequestNetwork,
    private readonly balancer: Balancer,
  ) {}

  /** req's prefill at replica r ended at t: move its KV cache to the least loaded decode server. */
  handOver(req: number, r: number, t: number): void {
    const reqs = this.reqs;
    const d = this.balancer.leastLoadedDecode();
    this.balancer.release(r);
    reqs.rep[req] = d;
    this.balancer.assign(d);
    reqs.phase[req] = PH_AWAY;
    reqs.kvFrom[req] = r;
    reqs.sentAt[req] = t;
    const bytes = reqs.inTok[req] * this.cfg.kvBytesPerToken;
    this.acct.kvBytes += bytes;
    this.net.start(t, this.reps.host[r], this.reps.host[d], bytes, reqs.hashA[req], req * 4 + T_KV);
  }

  /** req's KV transfer landed (or failed): its prefill server frees the KV. Returns that server, or -1. */
  landed(req: number): number {
    const reqs = this.reqs;
    const r = reqs.kvFrom[req];
    if (r < 0) return -1;
    reqs.kvFrom[req] = -1;
    this.reps.kvUsed[r] = Math.max(0, this.reps.kvUsed[r] - reqs.inTok[req]);
    return r;
  }
}
