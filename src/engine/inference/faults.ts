// Replica faults: a replica fails at a time (and is back, empty, at `until`, if given). Everything queued or in
// service there fails its attempt at once (outcome.ts retries it elsewhere); requests on their way fail when they
// arrive. Also the per-fault report: who was in the system during each fault window (replica faults and the
// network's switch and link failures alike), how many completed, and when the last failure it caused happened.
// Left out: partial (slow) replicas, and telling overlapping faults' effects apart.
import type { FaultResult } from '../../result/types.ts';
import { type Clock, EV_FAULT, EV_REPAIR } from './clock.ts';
import type { InferenceSpec, ServiceConfig } from './config.ts';
import type { LlmReplicas } from './llm.ts';
import type { Outcomes } from './outcome.ts';
import { nearestRank } from './percentiles.ts';
import { type ReplicaTable, STEP_IDLE } from './replicas.ts';
import { PH_AT_REPLICA, type RequestTable, ST_ACTIVE, ST_DONE, ST_FAILED } from './requests.ts';
import type { StorageTraffic } from './storage.ts';

/** A fault's window: what failed, from and until when (ns; null: never repaired). */
export interface FaultWindow {
  target: string;
  atNs: number;
  untilNs: number | null;
}

interface ReplicaFault {
  replica: number;
  atNs: number;
  untilNs: number | null;
}

export class ReplicaFaults {
  private readonly faults: ReplicaFault[];

  /** Schedules every fault and repair on the clock. */
  constructor(
    spec: InferenceSpec['faults'],
    private readonly cfg: ServiceConfig,
    clock: Clock,
    private readonly reqs: RequestTable,
    private readonly reps: ReplicaTable,
    private readonly outcomes: Outcomes,
    private readonly llm: LlmReplicas,
    /** Model loads on repair (inference.storage), or null. */
    private readonly storage: StorageTraffic | null = null,
  ) {
    this.faults = spec.map((f) => ({
      replica: f.replica,
      atNs: f.at / 1000,
      untilNs: f.until !== undefined ? f.until / 1000 : null,
    }));
    for (let i = 0; i < this.faults.length; i++) {
      clock.q.push(Math.round(this.faults[i].atNs), EV_FAULT, i, 0);
      const u = this.faults[i].untilNs;
      if (u !== null) clock.q.push(Math.round(u), EV_REPAIR, i, 0);
    }
  }

  /** Fault i happens at t (EV_FAULT). */
  fault(i: number, t: number): void {
    const reps = this.reps;
    const reqs = this.reqs;
    const r = this.faults[i].replica;
    if (reps.down[r]) return;
    reps.down[r] = 1;
    reps.epoch[r]++;
    reps.stepKind[r] = STEP_IDLE;
    reps.busySlots[r] = 0;
    reps.queues[r].drain();
    reps.runN[r] = 0;
    reps.preN[r] = 0;
    reps.kvUsed[r] = 0;
    // Every request queued or in service there fails (requests on their way fail when they reach it).
    for (let req = 0; req < reqs.n; req++)
      if (reqs.status[req] === ST_ACTIVE && reqs.rep[req] === r && reqs.phase[req] === PH_AT_REPLICA)
        this.outcomes.failAttempt(req, t);
  }

  /** Fault i is repaired at t (EV_REPAIR): the replica is back, empty. */
  repair(i: number, t: number): void {
    const reps = this.reps;
    const r = this.faults[i].replica;
    if (!reps.down[r]) return;
    reps.down[r] = 0;
    reps.epoch[r]++;
    // Back empty: its weights are read again from storage (storage.ts), and it serves once they land.
    this.storage?.load(r, t);
    if (this.cfg.llm) this.llm.nextStep(r, t);
  }

  /** The replica faults' windows, for the report. */
  windows(): FaultWindow[] {
    return this.faults.map((f) => ({ target: `replica ${f.replica}`, atNs: f.atNs, untilNs: f.untilNs }));
  }
}

/** The requests in the system during a fault window and how they fared (a run ending at endNs). */
export function faultReport(w: FaultWindow, reqs: RequestTable, endNs: number): FaultResult {
  const until = w.untilNs ?? endNs;
  let m = 0;
  let ok = 0;
  let bad = 0;
  let re = 0;
  let lastHit = -1;
  const okLat: number[] = [];
  for (let i = 0; i < reqs.n; i++) {
    // Caused by this fault: a failure or retry at or after it, before the next fault's start is not told
    // apart (overlapping faults share their recovery).
    if (reqs.failT[i] >= w.atNs) lastHit = Math.max(lastHit, reqs.failT[i]);
    // In the system while the fault lasted: arrived by its end, still there at its start.
    const gone = reqs.status[i] === ST_ACTIVE ? endNs : reqs.departT[i];
    if (reqs.arrive[i] > until || gone < w.atNs) continue;
    m++;
    if (reqs.status[i] === ST_DONE) {
      ok++;
      okLat.push(reqs.departT[i] - reqs.arrive[i]);
    } else if (reqs.status[i] === ST_FAILED) bad++;
    if (reqs.attempt[i] > 0) re++;
  }
  const sorted = Float64Array.from(okLat).sort();
  return {
    target: w.target,
    atMs: w.atNs / 1e6,
    untilMs: until / 1e6,
    requests: m,
    completed: ok,
    failed: bad,
    retried: re,
    availability: m > 0 ? ok / m : 1,
    p99LatencyMs: sorted.length > 0 ? nearestRank(sorted, sorted.length, 0.99) / 1e6 : 0,
    recoveryMs: lastHit >= 0 ? (lastHit - w.atNs) / 1e6 : 0,
  };
}
