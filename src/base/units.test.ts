import { describe, expect, it } from 'vitest';
import {
  formatCount,
  formatPercent,
  formatPower,
  formatRate,
  formatSize,
  parseBytes,
  parseLengthM,
  parseRateBps,
  parseRatio,
  parseTimePs,
  powerUnit,
} from './units.ts';

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

describe('units for people (one formatter per quantity)', () => {
  it('sizes: whole binary multiples in KiB/MiB/GiB, anything else in three digits of KB/MB/GB', () => {
    // The catalog's 64,000,000-byte buffer printed as `61.035Mi B` before (issue 15).
    expect(formatSize(64e6)).toBe('64 MB');
    expect(formatSize(4 * 2 ** 20)).toBe('4 MiB');
    expect(formatSize(2 ** 30)).toBe('1 GiB');
    expect(formatSize(4096)).toBe('4 KiB');
    expect(formatSize(4224)).toBe('4.22 KB');
    expect(formatSize(66)).toBe('66 B');
    expect(formatSize(0)).toBe('0 B');
    expect(formatSize(1.6e11)).toBe('160 GB');
    // What it prints, parseBytes reads back (to its three digits).
    for (const b of [64e6, 4 * 2 ** 20, 4224, 66])
      expect(Math.abs(parseBytes(formatSize(b).replace(' ', '')) - b) / b).toBeLessThanOrEqual(0.005);
  });
  it('power: one unit for a column, the one its largest value needs', () => {
    expect(formatPower(450)).toBe('450 W');
    expect(formatPower(40_100)).toBe('40.1 kW');
    expect(powerUnit(9_999)).toBe('W');
    expect(powerUnit(527_000)).toBe('kW');
    expect(powerUnit(2e6)).toBe('MW');
    // A BOM column whose total is 40.1 kW prints its 102 W row in kW too, not mixed.
    expect(formatPower(102, powerUnit(40_100))).toBe('0.102 kW');
    expect(formatPower(13, 'kW')).toBe('0.013 kW');
    expect(formatPower(7200, 'kW')).toBe('7.2 kW');
  });
  it('counts take the singular for one (not "1 groups") and thousands separators', () => {
    expect(formatCount(1, 'group')).toBe('1 group');
    expect(formatCount(2, 'group')).toBe('2 groups');
    expect(formatCount(8192, 'host')).toBe('8,192 hosts');
    expect(formatCount(1, 'switch', 'switches')).toBe('1 switch');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(0.034)).toBe('3.4%');
    expect(formatPercent(0.0012)).toBe('0.12%');
  });
});
