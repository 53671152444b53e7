// The request-level simulator of an inference service (issue 5): wires the service's elements (index.ts draws
// how events flow between them) and runs the event loop. Requests and responses cross the fabric through a
// RequestNetwork (the fluid model of src/engine/flow/fluid.ts with contention for the flow engine, without for the
// analytic one, or zero delay). Left out here: validation and placement (index.ts), and the result's invariants.
//
// Time is integer nanoseconds. Ties are broken by insertion order (the event queue) and the network's deliveries
// due at a time are handled before the simulator's own events at that time.

import type { RandomStream } from '../../base/random.ts';
import type { Arrival, ArrivalSource } from '../../workload/inference/arrivals.ts';
import { Accounting } from './accounting.ts';
import { Balancer } from './balancer.ts';
import { Clock, EV_ARRIVE, EV_DEPART, EV_FAULT, EV_REPAIR, EV_SERVICE, EV_STEP, EV_UNEJECT } from './clock.ts';
import { type InferenceSpec, ServiceConfig } from './config.ts';
import { Deliveries } from './deliveries.ts';
import { KvTransfer } from './disaggregation.ts';
import type { FaultWindow } from './faults.ts';
import { ReplicaFaults } from './faults.ts';
import { LlmReplicas } from './llm.ts';
import type { RequestNetwork } from './network.ts';
import { Outcomes } from './outcome.ts';
import { PlainReplicas } from './plain.ts';
import { ReplicaTable } from './replicas.ts';
import { RequestTable, ST_ACTIVE, ST_DONE } from './requests.ts';
import { Responses } from './responses.ts';
import { StorageTraffic } from './storage.ts';
import { type ServiceRun, summarizeService } from './summary.ts';

export type { ServiceRun } from './summary.ts';

export interface ServiceSetup {
  item: number;
  spec: InferenceSpec;
  arrivals: ArrivalSource;
  /** Node id of each replica's host, and of border0. */
  replicaHosts: Int32Array;
  border: number;
  network: RequestNetwork;
  /** Streams: service times, balancer choices, flow hashes. */
  rngService: RandomStream;
  rngBalancer: RandomStream;
  hashSalt: number;
  /** Network faults (switch/link failures), for the per-fault windows: target, at and until in ns. */
  networkFaults: FaultWindow[];
  /** Node ids of the fabric's storage nodes (inference.storage's sources; empty: none). */
  storageNodes?: Int32Array;
  /** Stop simulating at this time (ns): requests still in the system are reported in flight. */
  maxTimeNs: number;
  onProgress?: (arrived: number, nowNs: number) => void;
}

/** The elements of one service, wired: each holds the state tables and the elements it hands work to. */
class Service {
  readonly cfg: ServiceConfig;
  readonly clock = new Clock();
  readonly reqs = new RequestTable();
  readonly reps: ReplicaTable;
  readonly acct = new Accounting();
  readonly balancer: Balancer;
  readonly outcomes: Outcomes;
  readonly plain: PlainReplicas;
  readonly llm: LlmReplicas;
  readonly faults: ReplicaFaults;
  readonly deliveries: Deliveries;
  readonly storage: StorageTraffic | null;
  /** The end of the loop (ns): later than the service's own end when storage transfers were still landing. */
  netEndNs = 0;
  private nextArrival: Arrival | null = null;
  private progressAt = 0;

  constructor(private readonly x: ServiceSetup) {
    const cfg = new ServiceConfig(x.spec, x.replicaHosts.length);
    const { clock, reqs, acct } = this;
    const net = x.network;
    const reps = new ReplicaTable(x.replicaHosts, cfg.llm, cfg.cap);
    this.cfg = cfg;
    this.reps = reps;
    this.balancer = new Balancer(cfg, clock, reqs, reps, net, x.border, x.rngBalancer, x.hashSalt);
    this.outcomes = new Outcomes(cfg, reqs, acct, this.balancer);
    const responses = new Responses(cfg, clock, reqs, reps, acct, net, x.border, this.outcomes);
    this.plain = new PlainReplicas(cfg, clock, reqs, reps, x.rngService, responses);
    const kv = new KvTransfer(cfg, reqs, reps, acct, net, this.balancer);
    this.llm = new LlmReplicas(cfg, clock, reqs, reps, acct, this.outcomes, responses, kv);
    const st = x.spec.storage;
    const nodes = x.storageNodes;
    this.storage =
      st && nodes && nodes.length > 0
        ? new StorageTraffic(st, nodes, reps, this.balancer, net, clock, x.hashSalt)
        : null;
    // Faults are scheduled before the first arrival: at equal times they come first.
    this.faults = new ReplicaFaults(x.spec.faults, cfg, clock, reqs, reps, this.outcomes, this.llm, this.storage);
    this.deliveries = new Deliveries(cfg, clock, reqs, reps, this.outcomes, this.plain, this.llm, kv, this.storage);
  }

  /** The next request arrives at border0 (EV_ARRIVE). */
  private arrive(t: number): void {
    const a = this.nextArrival;
    if (!a) return;
    const req = this.reqs.add(t, a.input, a.output);
    this.acct.arrived(t, a.input, a.output);
    this.balancer.dispatch(req, t);
    this.storage?.retrieve(req, this.reqs.rep[req], t);
    this.nextArrival = this.x.arrivals.next();
    if (this.nextArrival) this.clock.q.push(Math.max(t, this.nextArrival.timeNs), EV_ARRIVE, 0, 0);
    const n = this.reqs.n;
    if (this.x.onProgress && n >= this.progressAt) {
      this.x.onProgress(n, t);
      this.progressAt = n + 10000;
    }
  }

  /** Runs until nothing is due or maxTimeNs; returns the end of the run (ns). */
  run(): number {
    const { clock, acct, x } = this;
    const q = clock.q;
    const net = x.network;
    const onNet = this.deliveries.onNet;
    this.nextArrival = x.arrivals.next();
    if (this.nextArrival) q.push(this.nextArrival.timeNs, EV_ARRIVE, 0, 0);
    if (this.storage?.coldStart) this.storage.loadAll(0);
    let lastSvc = 0;
    for (;;) {
      const tq = q.peekTime();
      const tn = net.nextTime();
      const t = Math.min(tq, tn);
      if (t === Number.POSITIVE_INFINITY || t > x.maxTimeNs) break;
      clock.now = t;
      acct.events++;
      if (tn <= tq) {
        net.advance(tn, onNet);
        continue;
      }
      q.pop();
      lastSvc = t;
      this.handle(q.kind, q.a, q.b, t);
    }
    this.netEndNs = Math.max(acct.lastT, Math.min(clock.now, x.maxTimeNs));
    // With storage traffic, the service ends with its last request-level event, not with the last model load to
    // land: its time averages (requests in system, replica use) are over the time it served.
    const svc = this.storage ? Math.max(lastSvc, this.deliveries.lastNs) : clock.now;
    const endNs = Math.max(acct.lastT, Math.min(svc, x.maxTimeNs));
    acct.countTo(endNs);
    return endNs;
  }

  private handle(kind: number, a: number, b: number, t: number): void {
    switch (kind) {
      case EV_ARRIVE:
        this.arrive(t);
        break;
      case EV_SERVICE:
        this.plain.done(a, b, t);
        break;
      case EV_STEP:
        this.llm.stepDone(a, b, t);
        break;
      case EV_DEPART:
        if (this.reqs.status[a] === ST_ACTIVE) this.outcomes.leave(a, t, ST_DONE);
        break;
      case EV_FAULT:
        this.faults.fault(a, t);
        break;
      case EV_REPAIR:
        this.faults.repair(a, t);
        break;
      case EV_UNEJECT:
        this.balancer.touch(a);
        if (this.cfg.shared) this.balancer.pullShared(t);
        break;
    }
  }
}

export function runService(x: ServiceSetup): ServiceRun {
  const s = new Service(x);
  const endNs = s.run();
  const run: ServiceRun = summarizeService({
    item: x.item,
    arrivals: x.arrivals.describe,
    spec: x.spec,
    cfg: s.cfg,
    reqs: s.reqs,
    reps: s.reps,
    acct: s.acct,
    faults: [...s.faults.windows(), ...x.networkFaults],
    endNs,
  });
  run.netEndNs = s.netEndNs;
  const st = s.storage;
  if (st)
    run.requests.storage = {
      modelLoads: st.loads,
      modelLoadBytes: st.modelLoadBytes,
      retrievalBytes: st.retrievalBytes,
      deliveredBytes: st.deliveredBytes,
    };
  return run;
}
