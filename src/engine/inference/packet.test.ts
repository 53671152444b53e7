// Inference on the packet engine (issue 18): the real-time service, where the network is a large share of the
// latency, against the flow engine's network time, the queueing tail only packets show, and the invariants.
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric } from '../../fabric/index.ts';
import { type Scenario, scenarioSchema } from '../../scenario/schema.ts';
import { resolveNetwork } from '../core/network.ts';
import { PacketRequestNetwork } from '../packet/request-network.ts';
import { runInference } from './index.ts';

const catalog = loadCatalog();
const FABRIC = { topology: 'leaf-spine', hosts: 48, switch: 'aurcore-32x400g', border: true };
// One replica on h0 at 3,000 frames/s (75% of its 8 frames per 2 ms): frames often arrive within a transfer
// time (3 us at 400G) of each other, so some share h0's downlink.
// 2 ms batches and 1 KB answers: the service the figures below were measured with (the defaults are now 3.895 ms
// and 4,000 B, schema.ts; 3,000 frames/s would overload a replica's 2,054/s).
const RT = { batchTime: '2ms', result: '1KB' };
const REALTIME = {
  inference: { arrivals: { poisson: '3000/s' }, requests: 300, replicas: 1, placement: 'sequential', realtime: RT },
};
const parse = (traffic: unknown[]): Scenario => scenarioSchema.parse({ fabric: FABRIC, traffic });

function run(engine: 'flow' | 'packet', s: Scenario) {
  const r = runInference(engine, designFabric(s.fabric, catalog).fabric, s, catalog, { seed: 1 });
  for (const i of r.invariants) expect(i.ok, `${i.name}: ${i.detail}`).toBe(true);
  const q = r.requests?.[0];
  if (!q) throw new Error('no request statistics');
  return { r, q };
}

describe('real-time service on the packet engine', () => {
  const s = parse([REALTIME]);
  const flow = run('flow', s);
  const packet = run('packet', s);

  it('network time p50 agrees with the flow engine within 10%, and with its own idle-path closed form', () => {
    // The engines' idle models differ by design: the fluid transfer runs at the payload share of the line with one
    // frame per hop of latency, the packets are stored and forwarded with TCP's 70 B headers: 7.495 vs 7.633 us
    // here (1.8%). The bound is 10%.
    const { q: f } = flow;
    const { q: p } = packet;
    expect(Math.abs(p.networkMs.p50 / f.networkMs.p50 - 1)).toBeLessThan(0.1);
    // The median frame meets no other on its path and its connection's window is open (a pooled slot): it takes
    // the idle closed form (request-probe.ts), within 1% (the NIC's round robin with the ACKs of other slots).
    expect(Math.abs(p.networkMs.p50 / p.networkUnloadedMs.p50 - 1)).toBeLessThan(0.01);
  });

  it('the tail: FIFO queues give the fluid tail once windows are open; cold pooled connections add slow start', () => {
    // Measured (300 frames, seed 1), network time in us, p50 / p99 / p99.9:
    //   flow                              7.633 / 10.124 / 10.660   (p99.9 / p50 = 1.40)
    //   packet, initialWindow 64          7.536 / 10.034 / 10.613   (1.41)
    //   packet, initialWindow 10 (Linux)  7.536 / 10.613 / 16.485   (2.19)
    // A frame is 37 segments of 4,096 B. At 75% load two frames meet on h0's downlink about as often on both
    // engines; one FIFO queue or a fair share of the link give the pair the same finishing times, so the tails
    // agree (within 10%: the engines' idle models differ by 1.8%, above). What only packets show here is a pooled
    // connection opened cold when frames overlap: 10, then 20 segments a round trip (RFC 5681 slow start with
    // RFC 3465 L = 2, then the last 7), two extra rounds, each an RTT (~4.9 us) less the window's own sending
    // time (0.84 us, 1.7 us): ~6.3 us on the frame, which the fluid engine cannot have.
    const open = run(
      'packet',
      scenarioSchema.parse({ fabric: FABRIC, traffic: [REALTIME], network: { tcp: { initialWindow: 64 } } }),
    );
    const { q: f } = flow;
    expect(Math.abs(open.q.networkMs.p99 / f.networkMs.p99 - 1)).toBeLessThan(0.1);
    expect(Math.abs(open.q.networkMs.p999 / f.networkMs.p999 - 1)).toBeLessThan(0.1);
    const cold = packet.q.networkMs;
    // Above the open-window tail, by less than three RTTs (an RTT taken as two one-packet trips, 2 x 2.46 us).
    // The ~6.3 us above is for a cold connection served alone; a NIC serves its connections packet by packet in
    // turn (nic.ts nextDataPacket; Linux's fq qdisc likewise takes turns of a 2-MTU quantum per flow), so when
    // two frames overlap the other frame's packets fill part of the cold one's idle rounds: measured 3.66 us
    // (with a bug that served a host's TCP connections one after another, fixed with this bound, it was above one RTT).
    const rtt = 2 * 0.00246;
    expect(cold.p999 - open.q.networkMs.p999).toBeGreaterThan(0);
    expect(cold.p999 - open.q.networkMs.p999).toBeLessThan(3 * rtt);
  });

  it('transport: newreno carries the frames with NewReno instead of DCTCP: the same median, no queue to cut', () => {
    const reno = run('packet', parse([{ inference: { ...REALTIME.inference, transport: 'newreno' } }]));
    // No queue reaches K at this load (no ECN cut in DCTCP either), so the window dynamics are the same.
    expect(reno.q.networkMs.p50).toBe(packet.q.networkMs.p50);
    expect(reno.q.completed).toBe(300);
  });

  it('bytes: the NICs delivered exactly every frame and answer (150,528 B + 1,000 B each), nothing dropped', () => {
    const { r, q } = packet;
    expect(q.completed).toBe(300);
    expect(r.counters.deliveredBytes).toBe(300 * (150_528 + 1_000));
    expect(r.counters.drops).toBe(0);
    const names = r.invariants.map((i) => i.name);
    expect(names).toContain("Little's law: time-average number in system = arrival rate x mean time in system");
    expect(names).toContain('bytes started = delivered + failed + in flight');
    expect(names.some((n) => n.startsWith('packet payload received in order'))).toBe(true);
  });
});

describe('streamed tokens on the packet engine', () => {
  // An LLM service on h0 (the model's defaults), 20 requests of 100 tokens in and 32 out, 640 tokens streamed.
  const LLM = {
    inference: {
      arrivals: { poisson: '200/s' },
      requests: 20,
      replicas: 1,
      placement: 'sequential',
      tokens: { input: 100, output: 32 },
      service: { llm: {} },
    },
  };

  it('each token network delay is reported to the ns; alone, tokens take the idle path and jitter is ~0', () => {
    const s = parse([LLM]);
    const { q } = run('packet', s);
    const tok = q.tokenNetworkUs;
    if (!tok) throw new Error('no token network delays');
    expect(tok.count).toBe(20 * 32);
    // A token is 80 B of framing + 4 B (bytes.perMessage + perOutputToken), the first one 600 B more. Its idle
    // delay on h0 -> leaf -> spine -> border0 (every spine alike), from the probe's closed form.
    const f = designFabric(s.fabric, catalog).fabric;
    const net = resolveNetwork(s.network, f, catalog);
    const idle = new PacketRequestNetwork(f, net, { seed: 1, senders: [f.hosts[0]], border: f.border });
    const want = idle.unloadedDelayNs(f.hosts[0], f.border, 84, 0) / 1000;
    // The histogram's buckets are 2 ns wide between 2,048 and 4,096 ns: its median is within 1 ns.
    expect(Math.abs(tok.p50 - want)).toBeLessThanOrEqual(0.001);
    // Alone, only the requests' ACKs (86 B frames, 1.7 ns each at 400G) and the larger first tokens differ.
    expect(tok.jitter).toBeLessThan(0.1);
  });
});
