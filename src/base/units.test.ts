import { describe, expect, it } from 'vitest';
import { formatRate, parseBytes, parseLengthM, parseRateBps, parseRatio, parseTimePs } from './units.ts';

describe('units as people write them (docs/architecture.md: KB = 1000 B, KiB = 1024 B, rates in bit/s)', () => {
  it.each([
    ['400G', 400e9],
    ['25Gbps', 25e9],
    ['100 Gb/s', 100e9],
    ['1.6T', 1.6e12],
    ['40M', 40e6],
    [800e9, 800e9],
  ])('rate %s', (s, v) => expect(parseRateBps(s)).toBe(v));

  it.each([
    ['20MB', 20e6],
    ['5KB', 5000],
    ['1GiB', 2 ** 30],
    ['4KiB', 4096],
    ['4096', 4096],
    ['64B', 64],
    ['1.5MB', 1.5e6],
  ])('size %s', (s, v) => expect(parseBytes(s)).toBe(v));

  it.each([
    ['5us', 5e6],
    ['350ms', 350e9],
    ['1.5s', 1.5e12],
    ['700ns', 700e3],
    ['12ps', 12],
  ])('time %s in picoseconds', (s, v) => expect(parseTimePs(s)).toBe(v));

  it.each([
    ['3', 3],
    ['3:1', 3],
    ['1.5:1', 1.5],
    [2, 2],
  ])('ratio %s', (s, v) => expect(parseRatio(s)).toBe(v));

  it.each(['4 parsecs', 'G400', '', 'MB'])('rejects %j', (s) => {
    expect(parseBytes(s)).toBeNaN();
    expect(parseRateBps(s)).toBeNaN();
    expect(parseTimePs(s)).toBeNaN();
  });

  it('reads cable lengths in metres: 3m, 0.5km, 250cm, a bare number', () => {
    expect(parseLengthM('3m')).toBe(3);
    expect(parseLengthM('0.5km')).toBe(500);
    expect(parseLengthM('250cm')).toBe(2.5);
    expect(parseLengthM(30)).toBe(30);
    expect(parseLengthM('30 m')).toBe(30);
    expect(parseLengthM('3 ft')).toBeNaN();
  });

  it('formats rates back', () => {
    expect(formatRate(102.4e12)).toBe('102.4T');
    expect(formatRate(400e9)).toBe('400G');
  });
});
