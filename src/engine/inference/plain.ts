// A plain replica: `concurrency` slots, each serving one request for an exponential or fixed service time (the
// M/M/c and M/D/c models of the queueing checks Q-01..Q-03), and a FIFO of requests waiting for a slot. Left out:
// any dependence of the service time on the request's size, and processor sharing between the slots.
import type { RandomStream } from '../../base/random.ts';
import { type Clock, EV_SERVICE } from './clock.ts';
import type { ServiceConfig } from './config.ts';
import type { ReplicaTable } from './replicas.ts';
import { entry, type RequestTable } from './requests.ts';
import type { Responses } from './responses.ts';

export class PlainReplicas {
  constructor(
    private readonly cfg: ServiceConfig,
    private readonly clock: Clock,
    private readonly reqs: RequestTable,
    private readonly reps: ReplicaTable,
    private readonly rng: RandomStream,
    private readonly responses: Responses,
  ) {}

  /** req reached replica r at t: serve it now if a slot is free (and the replica's weights are in), else queue it. */
  arrive(req: number, r: number, t: number): void {
    if (this.reps.busySlots[r] < this.cfg.concurrency && !this.reps.loading[r]) this.start(r, req, t);
    else this.reps.queues[r].push(entry(req, this.reqs.attempt[req]));
  }

  /** Replica r's weights landed at t: serve what waited, as slots allow. */
  resume(r: number, t: number): void {
    const reps = this.reps;
    const wait = reps.queues[r];
    while (reps.busySlots[r] < this.cfg.concurrency && wait.length > 0) {
      const nx = wait.shift();
      if (this.reqs.live(nx, r)) this.start(r, Math.floor(nx / 16), t);
    }
  }

  private start(r: number, req: number, t: number): void {
    const reps = this.reps;
    const reqs = this.reqs;
    reps.busySlots[r]++;
    reqs.queueNs[req] += t - reqs.atReplica[req];
    reqs.serviceEpoch[req] = reps.epoch[r];
    const s = this.cfg.expService ? this.rng.exp(this.cfg.plainMeanNs) : this.cfg.plainMeanNs;
    const end = Math.round(t + s);
    reps.busyNs[r] += end - t;
    this.clock.q.push(end, EV_SERVICE, r, entry(req, reqs.attempt[req]));
  }

  /** The service of list entry e at replica r ended at t (EV_SERVICE). */
  done(r: number, e: number, t: number): void {
    const reps = this.reps;
    const reqs = this.reqs;
    const req = Math.floor(e / 16);
    if (reqs.serviceEpoch[req] !== reps.epoch[r] || reps.down[r]) return; // the replica failed meanwhile
    reps.busySlots[r]--;
    if (reqs.live(e, r)) this.responses.respond(req, t);
    this.resume(r, t);
  }
}
