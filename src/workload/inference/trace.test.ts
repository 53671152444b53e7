// The bundled Azure LLM inference traces (data/azure-llm-inference-2023): unchanged copies of the published files,
// and what the parser reads from them against the figures published in that README (not a second parse).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../../errors.ts';
import { loadTrace, parseTrace } from './trace.ts';

const dataFile = (f: string) => fileURLToPath(new URL(`../../../data/azure-llm-inference-2023/${f}`, import.meta.url));

describe('bundled traces', () => {
  it('are byte-for-byte the published files (sha256 from the README)', () => {
    const sha = (f: string) =>
      createHash('sha256')
        .update(readFileSync(dataFile(f)))
        .digest('hex');
    expect(sha('AzureLLMInferenceTrace_code.csv')).toBe(
      '54e9a6d2a4bd06ba1e060304b900abbc74cbea53de96506e60fe5bb4f2277fb6',
    );
    expect(sha('AzureLLMInferenceTrace_conv.csv')).toBe(
      '2f1e5b666d4e3055fdbba98598ce2ec307767b9064e03e2fa46676dbcc7d0bf8',
    );
  });

  // Published: requests 19,366 / 8,819; span 3,501.72 s / 3,435.95 s; ContextTokens mean 1,154.70 / 2,047.85;
  // GeneratedTokens mean 211.13 / 27.88; first request 18:15:46.68 / 18:17:03.98.
  const published = {
    conv: { n: 19366, span: 3501.72, ctx: 1154.7, gen: 211.13, first: '2023-11-16 18:15:46.68' },
    code: { n: 8819, span: 3435.95, ctx: 2047.85, gen: 27.88, first: '2023-11-16 18:17:03.98' },
  };
  for (const [name, p] of Object.entries(published)) {
    it(`${name}: count, span, token means and first timestamp match the README (to its printed digits)`, () => {
      const t = loadTrace(name);
      expect(t.timesNs.length).toBe(p.n);
      const span = t.timesNs[t.timesNs.length - 1] / 1e9;
      expect(Math.abs(span - p.span)).toBeLessThanOrEqual(0.005);
      const mean = (a: Int32Array) => a.reduce((s, x) => s + x, 0) / a.length;
      expect(Math.abs(mean(t.inputTokens) - p.ctx)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(mean(t.outputTokens) - p.gen)).toBeLessThanOrEqual(0.005);
      const [day, clock] = p.first.split(' ');
      expect(t.firstTimestamp.startsWith(day)).toBe(true);
      const secs = (c: string) => c.split(':').reduce((a, x) => a * 60 + Number(x), 0);
      expect(Math.abs(secs(t.firstTimestamp.split(' ')[1]) - secs(clock))).toBeLessThanOrEqual(0.005);
      for (let i = 1; i < t.timesNs.length; i++) expect(t.timesNs[i] >= t.timesNs[i - 1]).toBe(true);
    });
  }
});

describe('parseTrace', () => {
  it('reads CRLF and LF files alike, with times exact to the nanosecond', () => {
    const body =
      'TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:00:00.0000001,10,2\r\n2023-11-16 18:00:01.5,20,3';
    const t = parseTrace(body, 'x');
    expect(Array.from(t.timesNs)).toEqual([0, 1_499_999_900]);
    expect(Array.from(t.inputTokens)).toEqual([10, 20]);
    expect(parseTrace(body.replaceAll('\r\n', '\n'), 'x').timesNs).toEqual(t.timesNs);
  });

  it('names the file, line and field of a bad row', () => {
    const bad = (s: string) => {
      try {
        parseTrace(s, 'my.csv');
      } catch (e) {
        expect(e).toBeInstanceOf(ScenarioError);
        return (e as ScenarioError).message;
      }
      throw new Error('no error');
    };
    expect(bad('TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:00,10,x')).toMatch(
      /my\.csv line 2: GeneratedTokens "x"/,
    );
    expect(bad('TIMESTAMP,ContextTokens,GeneratedTokens\nyesterday,10,2')).toMatch(
      /line 2: "yesterday" is not a timestamp/,
    );
    expect(bad('time,in,out\n')).toMatch(/header must name TIMESTAMP,ContextTokens,GeneratedTokens/);
    expect(bad('TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:01,1,1\n2023-11-16 18:00:00,1,1')).toMatch(
      /line 3: timestamps must be sorted/,
    );
  });
});
