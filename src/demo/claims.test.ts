// Every rule of the claims table can give each verdict its text names: each piece of evidence a rule reads is
// moved to just below and just above each of its thresholds (THRESHOLDS, the same numbers the rules use) and
// the verdict is the one the rule's text says. A rule whose text names a verdict the cases never reach fails.
import { describe, expect, it } from 'vitest';
import type { ClaimRow } from '../report/input.ts';
import { claims, type Evidence, QUICK_UNDECIDED, THRESHOLDS as T } from './claims.ts';
import { supportedEvidence } from './evidence-fixture.ts';

const supported = supportedEvidence;

type Case = [string, (e: Evidence) => void, ClaimRow['verdict']];
const below = (x: number) => x * (1 - 1e-9);
const above = (x: number) => x * (1 + 1e-9);

/** Per claim (aspect / side): evidence moves across each threshold its rule uses, and the verdict expected. */
const CASES: Record<string, Case[]> = {
  'Core objective / training': [
    [
      'sync at 20% of the iteration',
      (e) => (e.training.commMs = above(T.commShare) * e.training.iterationMs),
      'supported',
    ],
    ['sync under 20%', (e) => (e.training.commMs = below(T.commShare) * e.training.iterationMs), 'not supported'],
  ],
  'Core objective / inference': [
    ['TTFT at its SLO', (e) => (e.inference.p99TtftMs = e.inference.sloTtftMs), 'supported'],
    ['TTFT over its SLO', (e) => (e.inference.p99TtftMs = above(e.inference.sloTtftMs)), 'not supported'],
    ['TPOT over its SLO', (e) => (e.inference.p99TpotMs = above(e.inference.sloTpotMs)), 'not supported'],
  ],
  'Computation process / training': [
    ['imbalance under 1%', (e) => (e.training.txRxImbalance = below(T.exchangeImbalance)), 'supported'],
    ['imbalance at 1%', (e) => (e.training.txRxImbalance = T.exchangeImbalance), 'depends'],
    ['imbalance under 10%', (e) => (e.training.txRxImbalance = below(T.oneWayImbalance)), 'depends'],
    ['imbalance at 10%', (e) => (e.training.txRxImbalance = T.oneWayImbalance), 'not supported'],
  ],
  'Computation process / inference': [
    ['requests 2x responses', (e) => (e.inference.requestToResponseBytes = T.oneWayRatio), 'supported'],
    ['responses 2x requests', (e) => (e.inference.requestToResponseBytes = 1 / T.oneWayRatio), 'supported'],
    ['just under 2x', (e) => (e.inference.requestToResponseBytes = below(T.oneWayRatio)), 'depends'],
    ['just over 1/2', (e) => (e.inference.requestToResponseBytes = above(1 / T.oneWayRatio)), 'depends'],
    ['within 1.25x', (e) => (e.inference.requestToResponseBytes = T.exchangeRatio), 'not supported'],
    ['within 1/1.25x', (e) => (e.inference.requestToResponseBytes = 1 / T.exchangeRatio), 'not supported'],
    ['just over 1.25x', (e) => (e.inference.requestToResponseBytes = above(T.exchangeRatio)), 'depends'],
  ],
  'Resource requirements / training': [
    [
      '4x the bisection',
      (e) => (e.training.bisectionPerGpuGbps = T.bisectionRatio * e.inference.bisectionPerServerGbps),
      'supported',
    ],
    [
      'under 4x',
      (e) => (e.training.bisectionPerGpuGbps = below(T.bisectionRatio * e.inference.bisectionPerServerGbps)),
      'not supported',
    ],
  ],
  'Resource requirements / inference': [
    ['10% of the GPUs', (e) => (e.inference.gpusForSlo = T.smallShare * e.training.largeGpus), 'supported'],
    ['over 10%', (e) => (e.inference.gpusForSlo = above(T.smallShare * e.training.largeGpus)), 'depends'],
    ['50%', (e) => (e.inference.gpusForSlo = T.largeShare * e.training.largeGpus), 'depends'],
    ['over 50%', (e) => (e.inference.gpusForSlo = above(T.largeShare * e.training.largeGpus)), 'not supported'],
  ],
  'Traffic characteristics / training': [
    ['east-west at 90%', (e) => (e.training.eastWestShare = T.majorityShare), 'not supported'],
    ['east-west over 90%', (e) => (e.training.eastWestShare = above(T.majorityShare)), 'supported'],
    ['sync load under 80%', (e) => (e.training.syncLoad = below(T.syncLoad)), 'depends'],
    ['sync load at 80%', (e) => (e.training.syncLoad = T.syncLoad), 'supported'],
    ['bursts under 1.25x', (e) => (e.training.peakToMeanLoad = below(T.burstPeakToMean)), 'depends'],
    ['bursts at 1.25x', (e) => (e.training.peakToMeanLoad = T.burstPeakToMean), 'supported'],
  ],
  'Traffic characteristics / inference': [
    ['north-south at 90% on one server', (e) => (e.inference.northSouthShare = T.majorityShare), 'depends'],
    ['north-south over 90%', (e) => (e.inference.northSouthShare = above(T.majorityShare)), 'supported'],
    [
      'disaggregated north-south at 90%',
      (e) => (e.inference.disaggregatedNorthSouthShare = T.majorityShare),
      'depends',
    ],
    [
      'north-south at 90% in both designs',
      (e) => {
        e.inference.northSouthShare = T.majorityShare;
        e.inference.disaggregatedNorthSouthShare = T.majorityShare;
      },
      'not supported',
    ],
    [
      'north-south over 90% on one server only, disaggregated over it',
      (e) => {
        e.inference.northSouthShare = T.majorityShare;
        e.inference.disaggregatedNorthSouthShare = above(T.majorityShare);
      },
      'depends',
    ],
    ['arrival peak at 2x', (e) => (e.inference.arrivalPeakToMean = T.arrivalPeakToMean), 'depends'],
    ['arrival peak under 2x', (e) => (e.inference.arrivalPeakToMean = below(T.arrivalPeakToMean)), 'supported'],
  ],
  'Network demands / training': [
    ['loss costs 5%', (e) => (e.training.lossSlowdownNoPfc = T.lossSlowdown), 'supported'],
    ['loss costs under 5%', (e) => (e.training.lossSlowdownNoPfc = below(T.lossSlowdown)), 'depends'],
    ['PFC leaves drops', (e) => (e.training.incastDropsPfc = 1), 'not supported'],
    ['no drops without PFC', (e) => (e.training.incastDropsNoPfc = 0), 'depends'],
    [
      'no drops without PFC but a sender lost to the retry limit',
      (e) => {
        e.training.incastDropsNoPfc = 0;
        e.training.incastFailedSendersNoPfc = 1;
      },
      'supported',
    ],
    [
      'a sender lost without PFC, loss under 1%',
      (e) => {
        e.training.incastDropsNoPfc = 0;
        e.training.incastFailedSendersNoPfc = 1;
        e.training.lossSlowdownNoPfc = below(T.lossNoMatter);
      },
      'depends',
    ],
    [
      'no drops without PFC, loss under 1%',
      (e) => {
        e.training.incastDropsNoPfc = 0;
        e.training.lossSlowdownNoPfc = below(T.lossNoMatter);
      },
      'not supported',
    ],
    [
      'no drops without PFC, loss at 1%',
      (e) => {
        e.training.incastDropsNoPfc = 0;
        e.training.lossSlowdownNoPfc = T.lossNoMatter;
      },
      'depends',
    ],
  ],
  'Network demands / inference': [
    ['availability under 99%', (e) => (e.inference.availabilityDuringFailure = below(T.availability)), 'not supported'],
    ['availability at 99%', (e) => (e.inference.availabilityDuringFailure = T.availability), 'supported'],
    ['network under 10% of TTFT', (e) => (e.inference.networkShareOfTtft = below(T.networkShareOfTtft)), 'depends'],
  ],
  'Topology / training': [
    ['a DDC', (e) => (e.training.largeTopology = 'ddc'), 'supported'],
    ['not a Clos', (e) => (e.training.largeTopology = 'access-aggregation'), 'not supported'],
  ],
  'Topology / inference': [
    ['three tiers', (e) => (e.inference.tiers = 3), 'not supported'],
    [
      'cost ratio 2x',
      (e) => (e.inference.networkCostPerServerUsd = e.training.networkCostPerGpuUsd / T.costRatio),
      'supported',
    ],
    [
      'cost ratio under 2x',
      (e) => (e.inference.networkCostPerServerUsd = above(e.training.networkCostPerGpuUsd / T.costRatio)),
      'not supported',
    ],
    ['TTFT over its SLO', (e) => (e.inference.p99TtftMs = above(e.inference.sloTtftMs)), 'not supported'],
  ],
  'Switch recommendation / training': [
    [
      "rail-optimized busbw at 90% of NCCL's model",
      (e) => (e.training.busbwRailGBps = T.busbwOverModel * e.training.busbwModelGBps),
      'supported',
    ],
    [
      'rail-optimized busbw under 90%',
      (e) => (e.training.busbwRailGBps = below(T.busbwOverModel * e.training.busbwModelGBps)),
      'not supported',
    ],
    // The leaf-spine slice is stated beside the verdict, not part of it: ECMP collisions are a cabling choice.
    ['leaf-spine busbw far under the model', (e) => (e.training.busbwGBps = 1), 'supported'],
    [
      'incast at 1.25x its bound',
      (e) => (e.training.incastMsPfc = T.incastOverIdeal * e.training.incastIdealMs),
      'supported',
    ],
    [
      'incast over 1.25x',
      (e) => (e.training.incastMsPfc = above(T.incastOverIdeal * e.training.incastIdealMs)),
      'not supported',
    ],
    ['a timeout', (e) => (e.training.incastTimeoutsPfc = 1), 'not supported'],
    ['a drop as configured', (e) => (e.training.incastDropsConfigured = 1), 'not supported'],
    [
      'PFC off: its own incast time and timeouts',
      (e) => {
        e.training.configuredPfc = false;
        e.training.incastMsNoPfc = e.training.incastMsPfc;
        e.training.incastTimeoutsNoPfc = 0;
      },
      'supported',
    ],
  ],
  'One fabric for both? / both': [
    [
      'the service at priority within 10% of alone',
      (e) => {
        const c = e.converged as NonNullable<Evidence['converged']>;
        c.serviceP99SeparatedMs = (1 + T.convergedTolerance) * c.serviceP99AloneMs;
      },
      'depends',
    ],
    [
      'the job over 10% at priority',
      (e) => {
        const c = e.converged as NonNullable<Evidence['converged']>;
        c.serviceP99SeparatedMs = c.serviceP99AloneMs;
        c.iterationSeparatedMs = above((1 + T.convergedTolerance) * c.iterationAloneMs);
      },
      'supported',
    ],
    [
      'fair sharing within 10% for both',
      (e) => {
        const c = e.converged as NonNullable<Evidence['converged']>;
        c.serviceP99SharedMs = (1 + T.convergedTolerance) * c.serviceP99AloneMs;
        c.iterationSharedMs = c.iterationAloneMs;
      },
      'not supported',
    ],
    [
      'fair sharing: the service just over 10%',
      (e) => {
        const c = e.converged as NonNullable<Evidence['converged']>;
        c.serviceP99SharedMs = above((1 + T.convergedTolerance) * c.serviceP99AloneMs);
        c.iterationSharedMs = c.iterationAloneMs;
      },
      'supported',
    ],
  ],
  'Switch recommendation / inference': [
    [
      '75% of the training switch cost',
      (e) => (e.inference.costPer1kRpsUsd = T.costPer1kRpsRatio * e.inference.costPer1kRpsOnTrainingSwitchUsd),
      'not supported',
    ],
    [
      'under 75%',
      (e) => (e.inference.costPer1kRpsUsd = below(T.costPer1kRpsRatio * e.inference.costPer1kRpsOnTrainingSwitchUsd)),
      'supported',
    ],
    ['TTFT over its SLO', (e) => (e.inference.p99TtftMs = above(e.inference.sloTtftMs)), 'not supported'],
  ],
};

const key = (r: ClaimRow) => `${r.aspect} / ${r.side}`;

/** The verdicts a rule's text names: "supported if ..." always; the others where the text says them. */
function named(rule: string): Set<string> {
  const v = new Set(['supported', 'not supported']);
  if (/depends/.test(rule)) v.add('depends');
  return v;
}

describe('claims: every rule gives each verdict it names', () => {
  it('the base evidence supports every claim', () => {
    for (const r of claims(supported())) expect(r.verdict, key(r)).toBe('supported');
  });

  for (const row of claims(supported()))
    it(`${key(row)}: each threshold crossed gives the verdict of the rule`, () => {
      const cases = CASES[key(row)];
      expect(cases, `cases for ${key(row)}`).toBeDefined();
      const seen = new Set<string>();
      for (const [what, move, want] of cases) {
        const e = supported();
        move(e);
        const got = claims(e).find((r) => key(r) === key(row));
        expect(got?.verdict, `${key(row)}: ${what}`).toBe(want);
        seen.add(want);
      }
      // A rule that names "not supported" or "depends" must reach it, and reach nothing else.
      expect([...seen].sort()).toEqual([...named(row.rule)].sort());
      expect(
        Object.keys(row.thresholds ?? {}).length + (row.aspect === 'Topology' && row.side === 'training' ? 1 : 0),
      ).toBeGreaterThan(0);
    });

  it('the switch claim states the leaf-spine figure, its ECMP collisions and what they cost', () => {
    const row = claims(supported()).find((r) => key(r) === 'Switch recommendation / training');
    // 150 GB/s on the leaf-spine against 380 on the rail-optimized slice: 1 - 150/380 = 60.5% lost.
    expect(row?.evidence).toContain('leaf-spine 150.0 GB/s, per-flow ECMP put 3 ring edges on its busiest uplink');
    expect(row?.evidence).toContain('Holds with rail-optimized cabling (per-flow ECMP on a leaf-spine loses 60.5%)');
    expect(row?.values?.ecmpLoss).toBeCloseTo(1 - 150 / 380, 12);
  });

  it('a quick run marks the claims it cannot decide at its size, and only those', () => {
    const quick = claims(supported(), true);
    for (const r of quick) {
      const undecided = QUICK_UNDECIDED.some((u) => u.aspect === r.aspect && u.side === r.side);
      expect(r.verdict === 'not decided at quick scale', key(r)).toBe(undecided);
    }
  });
});
