// Link and switch failures under inference on the packet engine (issue 18): against the flow engine, which fails
// a transfer whose destination routing can no longer reach and moves the others when routing learns of the
// failure; the packet engine does the same for its slots and lets the transports resend what the failed link lost
// (engine/packet/request-failures.test.ts checks those times against RFC 6298 and IBTA closed forms). And a job
// beside a service through a failure: runPacket's iterations to the picosecond.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import type { Result } from '../../result/types.ts';
import { type Scenario, scenarioSchema } from '../../scenario/schema.ts';
import { compileTraffic } from '../../workload/compile.ts';
import { runPacket } from '../packet/engine.ts';
import { runInference } from './index.ts';

const catalog = loadCatalog();
const FABRIC = { topology: 'leaf-spine', hosts: 48, switch: 'aurcore-32x400g', border: true };
// Two replicas (h0, h1) of the real-time service at 3,000 frames/s for 100 ms.
// 2 ms batches and 1 KB answers: the service the figures below were measured with (the defaults are now 3.895 ms
// and 4,000 B, schema.ts; 3,000 frames/s would overload a replica's 2,054/s).
const RT = { batchTime: '2ms', result: '1KB' };
const REALTIME = {
  inference: { arrivals: { poisson: '3000/s' }, requests: 300, replicas: 2, placement: 'sequential', realtime: RT },
};
const parse = (failures: unknown[], traffic: unknown[] = [REALTIME], fabric: object = FABRIC): Scenario =>
  scenarioSchema.parse({ fabric, network: { failures }, traffic });

function run(engine: 'flow' | 'packet', s: Scenario): Result {
  const r = runInference(engine, designFabric(s.fabric, catalog).fabric, s, catalog, { seed: 1 });
  for (const i of r.invariants) expect(i.ok, `${engine}: ${i.name}: ${i.detail}`).toBe(true);
  return r;
}
const req = (r: Result) => {
  const q = r.requests?.[0];
  if (!q) throw new Error('no request statistics');
  return q;
};

describe('inference on the packet engine through failures, against the flow engine', () => {
  it("h0's link cut at 20 ms: its requests fail when routing learns (50 us), are retried on h1, h0 is ejected", () => {
    // Measured: 6 retries on both engines, 300 completed, none failed; latency p99 4.8189 ms (packet) and
    // 4.8190 ms (flow). The retries are the same requests: both engines fail a transfer to h0 at the detection
    // (in flight) or at once (new), and the service's balancer does the rest. p99 within 5% (the issue's
    // packet-engine tolerance; the engines' idle transfer models differ by 1.8%, packet.test.ts).
    const s = parse([{ link: 'h0-leaf0', at: '20ms' }]);
    const [p, f] = [req(run('packet', s)), req(run('flow', s))];
    expect(p.retries).toBeGreaterThan(0);
    expect(p.retries).toBe(f.retries);
    expect(p.failed).toBe(f.failed);
    expect(p.completed).toBe(300);
    expect(Math.abs(p.latencyMs.p99 / f.latencyMs.p99 - 1)).toBeLessThan(0.05);
    const fault = p.faults.find((x) => x.target === 'link h0-leaf0');
    expect(fault?.retried).toBe(f.faults.find((x) => x.target === 'link h0-leaf0')?.retried);
  });

  it('spine0 down 20-40 ms: border0 and the leaves move to spine1, every frame completes, no retry, tail unmoved', () => {
    // border0 has a link to each spine: its slots take the live one (failover.ts) for data and ACKs alike. Measured:
    // latency p99 2.0106 ms with the failure and without, no TCP timeout. Within 1% of the run without it.
    const down = run('packet', parse([{ switch: 'spine0', at: '20ms', until: '40ms' }]));
    const none = req(run('packet', parse([])));
    const q = req(down);
    expect(q.completed).toBe(300);
    expect(q.retries).toBe(0);
    expect(Math.abs(q.latencyMs.p99 / none.latencyMs.p99 - 1)).toBeLessThan(0.01);
    expect(q.faults.find((x) => x.target === 'switch spine0')?.requests).toBeGreaterThan(0);
  });
});

describe('a job and a service in one packet run, through a failure', () => {
  it("the job's iterations equal runPacket's with the same failure, to the ps (and differ from those without)", () => {
    // Measured: 701.720862 and 656.328582 us with spine0 down 300-600 us, 672.773442 and 642.450042 without: the
    // stepped engine queues the failures as runPacket does, after the tasks (stepper.ts).
    const fabric = { ...FABRIC, gpusPerNode: 8 };
    const job = { job: { params: 5e6, bytesPerGrad: 2, dp: 32, stepCompute: '200us', buckets: 2, iterations: 2 } };
    const svc = {
      inference: {
        ...{ arrivals: { poisson: '1/s' }, requests: 1, replicas: 16, placement: 'sequential' },
        ...{ service: { deterministic: '1ms' }, bytes: { request: '1KB', response: '1KB' } },
      },
    };
    const failures = [{ switch: 'spine0', at: '300us', until: '600us' }];
    const alone = parse(failures, [job], fabric);
    const f = designFabric(alone.fabric, catalog).fabric;
    const ref = runPacket(f, compileTraffic(alone, f), alone, catalog, { seed: 1 });
    const got = run('packet', parse(failures, [job, svc], fabric));
    const ps = (r: Result) => (r.iterations ?? []).map((i) => i.timePs);
    expect(ps(got)).toEqual(ps(ref));
    expect(ps(ref)).not.toEqual([672773442, 642450042]);
    expect(req(got).completed).toBe(1);
  });
});

describe('service hosts of several links on the packet engine', () => {
  it('planes: 2: each frame on its hash plane (200G); network p50 within 10% of the flow engine', () => {
    // Measured: 10.635 (packet) vs 10.829 us (flow), -1.8%, the engines' idle models' difference as on one plane
    // (packet.test.ts); on one 400G plane 7.5 us. The bound is 10%.
    const fabric = { topology: 'leaf-spine', hosts: 32, switch: 'aurcore-32x400g', border: true, planes: 2 };
    const s = parse([], [REALTIME], fabric);
    const [p, f] = [req(run('packet', s)), req(run('flow', s))];
    expect(p.completed).toBe(300);
    expect(Math.abs(p.networkMs.p50 / f.networkMs.p50 - 1)).toBeLessThan(0.1);
  });

  it('an access switch fails under dual-homed servers: every request completes; single-homed, the flow counts', () => {
    // The flow engine's dual-homing check (test/e2e/dual-homed.test.ts), shortened to 8 s: the servers behind
    // access0 keep their other link (failover.ts moves their connections to it), none fails; single-homed, the
    // requests sent to them fail. Measured: 303 completed dual-homed; 277 completed, 26 failed single-homed, on both
    // engines (the same requests: both fail a transfer to a cut-off host when routing learns of it).
    const aa = (dualHomed: boolean) => ({
      ...{ topology: 'access-aggregation', hosts: 96, nic: '25G', switch: 'aurcore-48x25g-8x100g' },
      ...{ spineSwitch: 'aurcore-32x100g', dualHomed },
    });
    const llm = {
      inference: {
        ...{ arrivals: { poisson: '40/s' }, duration: '8s', tokens: { input: 500, output: 50 } },
        ...{ replicas: 8, retries: 0 },
      },
    };
    const failures = [{ switch: 'access0', at: '3s' }];
    const dual = req(run('packet', parse(failures, [llm], aa(true))));
    expect(dual.count).toBeGreaterThan(0);
    expect(dual.completed).toBe(dual.count);
    expect(dual.faults.find((x) => x.target === 'switch access0')?.availability).toBe(1);
    const single = parse(failures, [llm], aa(false));
    const [p, f] = [req(run('packet', single)), req(run('flow', single))];
    expect(p.failed).toBeGreaterThan(0);
    expect(p.failed).toBe(f.failed);
    expect(p.completed).toBe(f.completed);
  });
});
