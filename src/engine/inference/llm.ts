// An LLM replica with continuous batching, prefill first (vLLM's default scheduler): at each iteration boundary it
// admits waiting requests in FIFO order while the batch (maxBatch) and the KV cache (kvTokens; a request reserves
// input + output tokens) have room, and runs one prefill iteration over the admitted requests' input tokens;
// otherwise one decode iteration that gives every running sequence one token. Iteration times are linear:
// prefill base + perToken x tokens, decode base + perSequence x batch. With disaggregation a prefill server keeps
// only the input's KV and hands each request to a decode server after its first token (disaggregation.ts); a
// decode server admits straight into its batch and only decodes. Left out: chunked prefill, preemption and
// swapping, speculative decoding, and prefix caching.
import type { Accounting } from './accounting.ts';
import { type Clock, EV_STEP } from './clock.ts';
import type { ServiceConfig } from './config.ts';
import type { KvTransfer } from './disaggregation.ts';
import type { Outcomes } from './outcome.ts';
import { type ReplicaTable, STEP_DECODE, STEP_IDLE, STEP_PREFILL } from './replicas.ts';
import { entry, type RequestTable, ST_FAILED } from './requests.ts';
import type { Responses } from './responses.ts';

export class LlmReplicas {
  constructor(
    private readonly cfg: ServiceConfig,
    private readonly clock: Clock,
    private readonly reqs: RequestTable,
    private readonly reps: ReplicaTable,
    private readonly acct: Accounting,
    private readonly outcomes: Outcomes,
    private readonly responses: Responses,
    private readonly kv: KvTransfer,
  ) {}

  /** req reached replica r at t: it waits for the next iteration boundary (now, if the replica is idle). */
  arrive(req: number, r: number, t: number): void {
    const reqs = this.reqs;
    if (reqs.inTok[req] + reqs.outTok[req] > this.cfg.kvCap) {
      // No replica can hold it: it fails without a retry, and the replica is not to blame (no ejection).
      reqs.failT[req] = t;
      this.outcomes.leave(req, t, ST_FAILED);
      return;
    }
    this.reps.queues[r].push(entry(req, reqs.attempt[req]));
    if (this.reps.stepKind[r] === STEP_IDLE) this.nextStep(r, t);
  }

  /** KV tokens a request reserves at replica r: a prefill server holds only the input's. */
  private need(r: number, req: number): number {
    const reqs = this.reqs;
    return this.cfg.disaggregated && r < this.cfg.prefill ? reqs.inTok[req] : reqs.inTok[req] + reqs.outTok[req];
  }

  private release(r: number, e: number): void {
    this.reps.kvUsed[r] -= this.need(r, Math.floor(e / 16));
  }

  /** Replica r is at an iteration boundary at t: admit what fits, then start the next iteration (or idle). */
  nextStep(r: number, t: number): void {
    const reps = this.reps;
    const reqs = this.reqs;
    const cfg = this.cfg;
    // Down, or still loading its weights (storage.ts): it starts when they land (deliveries.ts).
    if (reps.down[r] || reps.loading[r]) return;
    const wait = reps.queues[r];
    const cap = cfg.cap;
    const base = r * cap;
    const nRun = reps.runN[r];
    const decodeServer = cfg.disaggregated && r >= cfg.prefill;
    let nAdm = 0;
    let tok = 0;
    while (wait.length > 0 && nRun + nAdm < cap) {
      const e = wait.peek();
      if (!reqs.live(e, r)) {
        wait.shift();
        continue;
      }
      const req = Math.floor(e / 16);
      const k = this.need(r, req);
      if (reps.kvUsed[r] + k > cfg.kvCap) break;
      wait.shift();
      reps.kvUsed[r] += k;
      reqs.queueNs[req] += t - reqs.atReplica[req];
      if (decodeServer)
        reps.runE[base + nRun + nAdm++] = e; // a decode server takes it straight into the batch
      else reps.preE[base + nAdm++] = e;
      tok += reqs.inTok[req];
    }
    if (decodeServer) {
      reps.runN[r] = nRun + nAdm;
      this.decodeOnly(r, t);
      return;
    }
    if (reps.kvUsed[r] > this.acct.maxKvSeen) this.acct.maxKvSeen = reps.kvUsed[r];
    reps.preN[r] = nAdm;
    let dur: number;
    if (nAdm > 0) {
      reps.stepKind[r] = STEP_PREFILL;
      dur = cfg.prefillBaseNs + cfg.prefillPerTokenNs * tok;
    } else if (nRun > 0) {
      reps.stepKind[r] = STEP_DECODE;
      dur = cfg.decodeBaseNs + cfg.decodePerSeqNs * nRun;
      if (nRun > this.acct.maxBatchSeen) this.acct.maxBatchSeen = nRun;
    } else {
      reps.stepKind[r] = STEP_IDLE;
      return;
    }
    const end = Math.round(t + dur);
    reps.busyNs[r] += end - t;
    this.clock.q.push(end, EV_STEP, r, reps.epoch[r]);
  }

  /** A decode server's iteration: every running sequence gets one token. */
  private decodeOnly(r: number, t: number): void {
    const reps = this.reps;
    const cfg = this.cfg;
    const nRun = reps.runN[r];
    if (reps.kvUsed[r] > this.acct.maxKvSeen) this.acct.maxKvSeen = reps.kvUsed[r];
    if (nRun === 0) {
      reps.stepKind[r] = STEP_IDLE;
      return;
    }
    reps.stepKind[r] = STEP_DECODE;
    if (nRun > this.acct.maxBatchSeen) this.acct.maxBatchSeen = nRun;
    const end = Math.round(t + cfg.decodeBaseNs + cfg.decodePerSeqNs * nRun);
    reps.busyNs[r] += end - t;
    this.clock.q.push(end, EV_STEP, r, reps.epoch[r]);
  }

  /** Replica r's iteration of epoch ep ended at t (EV_STEP): each sequence in it emits a token. */
  stepDone(r: number, ep: number, t: number): void {
    const reps = this.reps;
    const reqs = this.reqs;
    const out = this.responses;
    if (ep !== reps.epoch[r] || reps.down[r]) return;
    const base = r * this.cfg.cap;
    const runE = reps.runE;
    if (reps.stepKind[r] === STEP_PREFILL) {
      const preE = reps.preE;
      const dis = this.cfg.disaggregated;
      let k = reps.runN[r];
      for (let i = base, end = base + reps.preN[r]; i < end; i++) {
        const e = preE[i];
        if (!reqs.live(e, r) || out.emit(Math.floor(e / 16), t)) this.release(r, e);
        else if (dis)
          this.kv.handOver(Math.floor(e / 16), r, t); // KV stays reserved until it has moved
        else runE[base + k++] = e;
      }
      reps.runN[r] = k;
      reps.preN[r] = 0;
    } else {
      let k = base;
      for (let i = base, end = base + reps.runN[r]; i < end; i++) {
        const e = runE[i];
        if (!reqs.live(e, r) || out.emit(Math.floor(e / 16), t)) this.release(r, e);
        else runE[k++] = e;
      }
      reps.runN[r] = k - base;
    }
    this.nextStep(r, t);
  }
}
