// The cases of `npm run check:results`: every built-in scenario on every engine it runs on, the goldens' designs,
// the demo, small versions of the bench scenarios, and scenarios that reach each engine's less common branches
// (loss, failures, spray, dwrr, every collective algorithm, pipeline and MoE jobs, disaggregated inference).
// `full: true` cases are the bench scenarios at their real size (run with --full, once at the end of a change).
// `$FILE` in args is replaced by the case's yaml written to a file.

const sim = (engine, ...extra) => ['simulate', '$FILE', '--json', '--engine', engine, ...extra];
const scenario = (name, engine, ...extra) => ({
  name: `${name}.${engine}${extra.length ? `.${extra.join('').replace(/[^a-z0-9]+/gi, '')}` : ''}`,
  args: ['simulate', `scenarios/${name}.yaml`, '--json', '--engine', engine, ...extra],
});
// Paths in args are relative to the repository (the script runs the CLI with the repository as cwd for them).
const fromRoot = (c) => ({ ...c, args: c.args.map((a) => (a.startsWith('scenarios/') ? `$ROOT${a}` : a)) });

const fatTree = (k, extra = '') =>
  `fabric: {topology: fat-tree, hosts: ${k ** 3 / 4}, nic: 100G, switch: aurcore-32x400g, k: ${k}${extra}}`;
const PERM_4000 = (k) => `
${fatTree(k)}
network: {mtu: 4000, pfc: true, cc: dcqcn, linkDelay: 1us, switchLatency: 0ns}
traffic: [{pattern: permutation, bytes: 2000000}]
`;
const PERM_1000 = (k) => `
${fatTree(k)}
network: {pfc: true, cc: dcqcn, mtu: 1000}
traffic: [{pattern: permutation, bytes: 2MB}]
`;
const LEAF_SPINE_16 = 'fabric: {topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g}';
const LEAF_SPINE_64 = 'fabric: {topology: leaf-spine, hosts: 64, nic: 100G, switch: aurcore-32x100g}';
const MOE = (fabric, dp) => `
${fabric}
traffic:
  - job: {params: 1e10, bytesPerGrad: 2, tp: 8, dp: ${dp}, ep: 8, layers: 2, moeBytesPerLayer: 16MiB,
          stepCompute: 50ms, buckets: 4}
`;
const ALGORITHMS = {
  'all-reduce': ['ring', 'double-binary-tree', 'recursive-doubling', 'rabenseifner', 'hierarchical'],
  'reduce-scatter': ['ring', 'recursive-halving'],
  'all-gather': ['ring', 'recursive-doubling'],
  broadcast: ['binomial', 'scatter-allgather'],
  'all-to-all': ['pairwise', 'bruck'],
};
const collectives = (ranks, bytes) =>
  Object.entries(ALGORITHMS).flatMap(([op, algs], i) =>
    algs.map(
      (a, j) =>
        `  - {collective: ${op}, algorithm: ${a}, ranks: ${ranks}, bytes: ${bytes}, channels: ${1 + ((i + j) % 3)}, start: ${(i * 5 + j) * 2}ms}`,
    ),
  );
const COLLECTIVES = (ranks, bytes) => `
fabric: {topology: rail-optimized, hosts: 32, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}
traffic:
${collectives(ranks, bytes).join('\n')}
`;
const INFERENCE = (extra) => `
fabric: {topology: access-aggregation, hosts: 192, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
traffic:
  - inference:
      arrivals: {poisson: 60/s}
      requests: 3000
      tokens: {sample: conv}
      replicas: 24
${extra}`;

const yaml = (name, text, args, full = false) => ({ name, yaml: text, args, full });

export const CASES = [
  // Every built-in scenario, on every engine it runs on (a packet-level 1 GiB ring on 64 hosts takes minutes: full).
  ...[
    scenario('allreduce-64', 'analytic'),
    scenario('allreduce-64', 'flow'),
    scenario('allreduce-64', 'packet', '--sweep', 'bytes=1MiB,8MiB'),
    { ...scenario('allreduce-64', 'packet'), full: true },
    scenario('dp-job-512', 'analytic'),
    scenario('dp-job-512', 'flow'),
    scenario('incast-16', 'analytic'),
    scenario('incast-16', 'flow'),
    scenario('incast-16', 'packet'),
    scenario('incast-16', 'packet', '--until', '200us'),
    scenario('inference', 'analytic'),
    scenario('inference', 'flow'),
    { name: 'training-512.plan', args: ['plan', 'scenarios/training-512.yaml', '--json'] },
    { name: 'training-8192.plan', args: ['plan', 'scenarios/training-8192.yaml', '--json'] },
    { name: 'demo.quick', args: ['demo', '--quick', '--json', '--out', 'demo-quick-out'] },
    { name: 'demo', args: ['demo', '--json', '--out', 'demo-out'] },
  ].map(fromRoot),
  // The bench scenarios, small.
  yaml('bench-perm-mtu1000-k8.packet', PERM_1000(8), sim('packet')),
  yaml('bench-perm-mtu4000-k8.packet', PERM_4000(8), sim('packet')),
  yaml('bench-perm-mtu4000-k8.flow', PERM_4000(8), sim('flow')),
  yaml('bench-perm-mtu4000-k8.analytic', PERM_4000(8), sim('analytic')),
  yaml(
    'bench-ring-1GiB-k16.flow',
    `${fatTree(16).replace('100G', '400G')}\ntraffic: [{collective: all-reduce, algorithm: ring, bytes: 1GiB}]\n`,
    sim('flow'),
  ),
  yaml(
    'bench-a2a-16x64.flow',
    `fabric: {topology: fat-tree, hosts: 1024, nic: 400G, switch: generic-64x400g, k: 16}
traffic:
${Array.from({ length: 4 }, () => '  - {collective: all-to-all, algorithm: pairwise, ranks: 64, bytes: 16MB, placement: random}').join('\n')}
`,
    sim('flow'),
  ),
  yaml(
    'bench-moe-512.flow',
    MOE('fabric: {topology: fat-tree, hosts: 512, nic: 400G, switch: generic-64x400g, k: 16, gpusPerNode: 8}', 64),
    sim('flow'),
  ),
  yaml(
    'bench-moe-512.analytic',
    MOE('fabric: {topology: fat-tree, hosts: 512, nic: 400G, switch: generic-64x400g, k: 16, gpusPerNode: 8}', 64),
    sim('analytic'),
  ),
  yaml('bench-inference-conv.flow', INFERENCE(''), sim('flow')),
  yaml('bench-inference-conv.analytic', INFERENCE(''), sim('analytic')),
  yaml('bench-capacity', INFERENCE('      slo: {ttft: 500ms}'), [
    'capacity',
    '$FILE',
    '--json',
    '--slo',
    'p99-ttft=500ms',
  ]),
  // Packet engine branches.
  yaml(
    'packet-incast-127-k8',
    `${fatTree(8)}\nnetwork: {mtu: 4000, pfc: true, cc: dcqcn, linkDelay: 1us, switchLatency: 0ns}\ntraffic: [{pattern: incast, receiver: h0, bytes: 500000}]\n`,
    sim('packet'),
  ),
  yaml(
    'packet-loss-nopfc',
    `${LEAF_SPINE_16}\nnetwork: {pfc: false, loss: 0.001, ackEvery: 2}\ntraffic: [{pattern: permutation, bytes: 1MB}]\n`,
    sim('packet'),
  ),
  yaml(
    'packet-burstloss-spray',
    `${LEAF_SPINE_16}\nnetwork: {burstLoss: {rate: 0.0005}, loadBalancing: spray, cc: none}\ntraffic: [{pattern: permutation, bytes: 1MB}]\n`,
    sim('packet'),
  ),
  yaml(
    'packet-adaptive-dwrr-lossy',
    `${LEAF_SPINE_16}
network: {loadBalancing: adaptive, scheduler: dwrr, dwrrWeights: {roce: 3, lossy: 1}, pfc: {alpha: 0.25, headroom: 64KB}}
traffic:
  - {pattern: incast, senders: [h4, h5, h6, h7], receiver: h0, bytes: 2MB}
  - {pattern: incast, senders: [h8, h9, h10], receiver: h0, bytes: 1MB, class: lossy}
  - {pattern: all-to-all, bytes: 20KB, start: 50us}
`,
    sim('packet'),
  ),
  // A link that fails and recovers and a spine that fails, on the packet and the flow engine.
  ...['packet', 'flow'].map((engine) =>
    yaml(
      `${engine}-failures`,
      `${LEAF_SPINE_64}
network: {failures: [{link: leaf0-spine0, at: 100us, until: 600us}, {switch: spine1, at: 300us}], detectionDelay: 20us}
traffic: [{pattern: permutation, bytes: 4MB}]
`,
      sim(engine),
    ),
  ),
  // Every collective algorithm, on 24 ranks (not a power of two) and 32 ranks (whole servers), each engine.
  ...['analytic', 'flow', 'packet'].flatMap((engine) => [
    yaml(`collectives-24.${engine}`, COLLECTIVES(24, '4MiB'), sim(engine)),
    yaml(`collectives-32.${engine}`, COLLECTIVES(32, '16MiB'), sim(engine)),
  ]),
  // Jobs: pipeline (1F1B) with TP inside servers, on each engine.
  ...['analytic', 'flow', 'packet'].map((engine) =>
    yaml(
      `job-pp-1f1b.${engine}`,
      `fabric: {topology: leaf-spine, hosts: 64, nic: 400G, switch: aurcore-32x400g, gpusPerNode: 8}
traffic:
  - job: {params: 1e8, tp: 8, pp: 2, dp: 4, microBatches: 4, schedule: 1f1b, layers: 2, tpBytesPerLayer: 1MiB,
          ppBytes: 2MiB, stepCompute: 20ms, buckets: 2, iterations: 2}
`,
      sim(engine),
    ),
  ),
  // Inference branches: disaggregation, faults and retries, a plain service, each balancer.
  yaml(
    'inference-disagg-faults.flow',
    INFERENCE(`      disaggregation: {prefillReplicas: 8}
      faults: [{replica: 9, at: 5s, until: 20s}, {replica: 2, at: 10s}]
      retries: 2
network: {failures: [{switch: access1, at: 8s}]}
`),
    sim('flow'),
  ),
  ...['round-robin', 'random', 'power-of-two', 'shared-queue'].map((b) =>
    yaml(
      `inference-plain-${b}.flow`,
      `fabric: {topology: access-aggregation, hosts: 96, nic: 25G, switch: aurcore-48x25g-8x100g, spineSwitch: aurcore-32x100g}
traffic:
  - inference:
      arrivals: {gamma: {rate: 900/s, cv: 2}}
      requests: 5000
      replicas: 16
      service: {exponential: 15ms}
      concurrency: 2
      balancer: ${b}
      bytes: {request: 2KB, response: 64KB}
`,
      sim('flow'),
    ),
  ),
  // The bench scenarios at full size.
  yaml('bench-perm-mtu1000-k16.packet', PERM_1000(16), sim('packet'), true),
  yaml('bench-perm-mtu4000-k16.packet', PERM_4000(16), sim('packet'), true),
  yaml('bench-perm-mtu4000-k32.packet', PERM_4000(32), sim('packet'), true),
  yaml(
    'bench-ring-1GiB-8192.flow',
    'fabric: {topology: fat-tree, hosts: 8192, nic: 400G, switch: aurcore-32x400g, k: 32}\ntraffic: [{collective: all-reduce, algorithm: ring, bytes: 1GiB}]\n',
    sim('flow'),
    true,
  ),
  yaml(
    'bench-moe-16384.flow',
    MOE('fabric: {topology: fat-tree, hosts: 16384, nic: 400G, switch: generic-64x400g, k: 64, gpusPerNode: 8}', 2048),
    sim('flow'),
    true,
  ),
];
