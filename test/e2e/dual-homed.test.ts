// Dual-homed inference servers (fabric.dualHomed): an access switch failure moves its servers' flows to their
// other access switch (the routing view after the detection delay, as LACP drops a dead member), so no request
// fails; single-homed, the same failure cuts its servers off and the requests sent to them fail.
import { describe, expect, it } from 'vitest';
import { requestsOf, runInferenceYaml } from '../helpers/simulate.ts';

const yaml = (dualHomed: boolean) => `
fabric: {topology: access-aggregation, hosts: 96, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g${dualHomed ? ', dualHomed: true' : ''}}
network: {failures: [{switch: access0, at: 5s}], detectionDelay: 50ms}
traffic:
  - inference:
      arrivals: {poisson: 40/s}
      duration: 15s
      tokens: {input: 500, output: 50}
      replicas: 8
      retries: 0
`;

describe('an access switch failure on single- and dual-homed servers (flow engine, no retries)', () => {
  const single = requestsOf(runInferenceYaml(yaml(false)));
  const dual = requestsOf(runInferenceYaml(yaml(true)));
  const fault = (q: typeof single) => q.faults.find((x) => x.target === 'switch access0');

  it('single-homed: the servers behind access0 are cut off, requests to them fail', () => {
    expect(fault(single)?.failed).toBeGreaterThan(0);
    expect(fault(single)?.availability).toBeLessThan(1);
  });

  it('dual-homed: every request completes, none failed or retried, through the same failure', () => {
    expect(dual.count).toBeGreaterThan(0);
    expect(dual.completed).toBe(dual.count);
    expect(dual.failed).toBe(0);
    expect(dual.retries).toBe(0);
    expect(fault(dual)?.availability).toBe(1);
    expect(fault(dual)?.requests).toBeGreaterThan(0);
  });
});
