// Small scenarios several test files run.

/** 4 LLM replicas on a 48-server access/aggregation fabric, replaying `duration` of the bundled code trace. */
export const smallInference = (duration: string) => `
seed: 3
fabric: {topology: access-aggregation, hosts: 48, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
traffic:
  - inference:
      arrivals: {trace: code, duration: ${duration}}
      replicas: 4
      slo: {ttft: 2s}
`;
