import { describe, expect, it } from 'vitest';
import { validationCase } from '../../../test/helpers/cases.ts';
import { cellBytes, headroomBytes, PROP_PS_PER_M, pfcReactionBytes, reservedHeadroomBytes } from './headroom.ts';

const c = validationCase('PFC-02');
const e = c.expect as {
  reaction_time_quanta: Record<string, number>;
  reaction_bytes: Record<string, number>;
  cable_bytes_per_100m_10G: { copper: number; smf: number };
  headroom_example_A_bytes: number;
  headroom_example_B_bytes: number;
};
const setup = c.setup as Record<'example_A' | 'example_B', { rate: string; cable: string; mtu_both_ends: number }>;
const bps = (speed: string) => Number.parseFloat(speed) * 1e9;

describe('PFC headroom (PFC-02)', () => {
  it('the response time at each speed is its pause quanta x 64 B, exactly', () => {
    for (const [speed, bytes] of Object.entries(e.reaction_bytes)) {
      expect(pfcReactionBytes(bps(speed)), speed).toBe(bytes);
      expect(e.reaction_time_quanta[speed] * 64, speed).toBe(bytes);
    }
  });

  it('5 ns/m lies between copper and SMF propagation of the case (476 and 513 ns per 100 m)', () => {
    const nsPer100m = (bytes: number) => (bytes / (10e9 / 8)) * 1e9;
    expect(nsPer100m(e.cable_bytes_per_100m_10G.copper)).toBeCloseTo(476, 6);
    expect(nsPer100m(e.cable_bytes_per_100m_10G.smf)).toBeCloseTo(513, 6);
    expect(PROP_PS_PER_M * 100).toBeGreaterThan(476_000);
    expect(PROP_PS_PER_M * 100).toBeLessThan(513_000);
  });

  // Cisco's 10G model: MTU[R] + 2 x cable + 60 quanta (3840 B) + MTU[S]; no PAUSE frame, no pipeline.
  it.each([
    ['example_A', e.headroom_example_A_bytes],
    ['example_B', e.headroom_example_B_bytes],
  ] as const)('reproduces %s at 10G over 100 m SMF exactly (%d B)', (name, want) => {
    const ex = setup[name];
    const rateBps = bps(ex.rate);
    // 100 m of SMF, as the case's 641.25 B at 10G: 513 ns one way.
    const cablePs = (e.cable_bytes_per_100m_10G.smf / (rateBps / 8)) * 1e12;
    const got = headroomBytes({
      rateBps,
      cablePs,
      receiverFrameBytes: ex.mtu_both_ends,
      senderFrameBytes: ex.mtu_both_ends,
      pauseFrameBytes: 0,
      responseBytes: pfcReactionBytes(rateBps),
      pipelinePs: 0,
    });
    expect(got).toBeCloseTo(want, 9);
  });
});

describe('cell-based buffer accounting', () => {
  it('a frame takes whole cells: 1,062 B is 6 cells of 208 B (1,248 B); 0 counts exact bytes', () => {
    expect(cellBytes(1062, 208)).toBe(1248);
    expect(cellBytes(1040, 208)).toBe(1040);
    expect(cellBytes(1062, 0)).toBe(1062);
  });

  it('headroom in cells: the in-flight bytes scaled by a full frame’s cell occupancy, in whole cells', () => {
    // 4,158 B frames in 254 B cells take 17 cells = 4,318 B; 41,580 B of them (10 frames) take 170 cells.
    expect(reservedHeadroomBytes(41580, 4158, 254)).toBe(170 * 254);
    expect(reservedHeadroomBytes(41579.5, 4158, 0)).toBe(41580);
  });
});
