import { describe, expect, it } from 'vitest';
import { validationCase } from '../../../test/helpers/cases.ts';
import { PAUSE_WIRE_BYTES } from '../core/headroom.ts';
import { PAUSE_QUANTA_MAX, PFC_FRAME_BYTES, pauseDurationPs } from './pfc.ts';

describe('PFC frames (PFC-01)', () => {
  const e = validationCase('PFC-01').expect as { pause_frame_bytes: number };
  const setup = validationCase('PFC-01').setup as { max_quanta: number };

  it('a PAUSE is a 64-byte MAC control frame with a 16-bit quanta field', () => {
    expect(PFC_FRAME_BYTES).toBe(e.pause_frame_bytes);
    expect(PAUSE_QUANTA_MAX).toBe(setup.max_quanta);
  });

  it('on the wire it takes 64 B + preamble 8 + gap 12 = 672 bit times, the D-Pause of PFC-02', () => {
    expect(PAUSE_WIRE_BYTES * 8).toBe(672);
    expect(PAUSE_WIRE_BYTES).toBe(PFC_FRAME_BYTES + 20);
  });

  it('0 quanta is an immediate resume: a pause of no time', () => {
    expect(pauseDurationPs(0, 100e9)).toBe(0);
  });
});
