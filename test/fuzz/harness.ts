// Runs one fuzz case through the CLI as a user meets it (`aifabric simulate FILE --json --engine E`, in this
// process: the built command's main, runMain) and checks the issue's properties on what comes out:
//   - exit 0 (a result) or 1 (bad input), never 3 (internal error) or 4 (broken invariant), no stack trace;
//   - a rejection names a field on every line (`error: file:line:col: path: message`); a line without a
//     location is a contract gap (listed, not failed: validation work that is not this harness's to fix);
//   - a result has every invariant holding and no NaN or Infinity: JSON.stringify writes both as null and a
//     Result has no null field, so any null is one; the text report must not print "NaN" or "Infinity";
//   - an inference result carries Little's law, and with its requests on the fabric the byte accounting
//     (started = delivered + failed + in flight; on the packet engine also the NICs' in-order payload), so those
//     invariants cannot be skipped silently;
//   - the same scenario and seed give the same JSON twice (minus `stats`, which holds wall time).
// Left out: the HTML report and the other commands (plan, capacity), which take the same scenario loader.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { simulateText } from '../../src/report/simulate.ts';
import type { Result } from '../../src/result/types.ts';
import { runMain } from '../e2e/run-cli.ts';

export type Verdict = 'accepted' | 'rejected';

export interface CaseOutcome {
  verdict: Verdict;
  /** Broken properties: each is a bug. */
  failures: string[];
  /** Where today's validation falls short of the issue's contract (for the validation work, not bugs here). */
  gaps: string[];
}

const dir = mkdtempSync(join(tmpdir(), 'aifabric-fuzz-'));
let fileNo = 0;

/** The scenario as the YAML a user would write (YAML keeps NaN and Infinity, as .nan and .inf). */
export function scenarioText(s: Record<string, unknown>): string {
  return stringify(s, { lineWidth: 0 });
}

/**
 * Could this JSON text hold a null? JSON.stringify writes a null value right after `:`, `[` or `,`; a string that
 * holds such text (`"a:null"`) only makes this say yes and firstNull decide. Walking a large result (the packet
 * engine's flows, megabytes) to find none is the common case this skips.
 */
export const mayHoldNull = (json: string): boolean => /[:,[]\s*null\b/.test(json);

/** Where in a parsed JSON value a null sits (the first one), or null when there is none. */
export function firstNull(v: unknown, at = ''): string | null {
  if (v === null) return at || '(root)';
  if (typeof v !== 'object') return null;
  for (const [k, x] of Object.entries(v)) {
    const hit = firstNull(x, Array.isArray(v) ? `${at}[${k}]` : at ? `${at}.${k}` : k);
    if (hit) return hit;
  }
  return null;
}

const REJECTION = /^error: (?:(\S+?:\d+:\d+): )?((?:--)?[^\s:]+): \S/;

interface JsonProblem {
  field?: string;
  message: string;
  location?: string;
}

/**
 * Under --json an error is one object on stdout (`{"error": {code, message, field, location, problems?}}`) and
 * nothing on stderr: its problems as the text lines `error: file:line:col: field: message` the rejection check reads.
 */
function errorText(r: { stdout: string; stderr: string }): string {
  if (r.stderr.trim() !== '') return r.stderr;
  try {
    const e = (JSON.parse(r.stdout) as { error?: JsonProblem & { problems?: JsonProblem[] } }).error;
    if (!e) return r.stderr;
    return (e.problems ?? [e])
      .map((p) => `error: ${p.location ? `${p.location}: ` : ''}${p.field ?? ''}: ${p.message}`)
      .join('\n');
  } catch {
    return r.stderr;
  }
}

function checkRejection(stderr: string, out: CaseOutcome): void {
  const lines = stderr.trim().split('\n');
  for (const line of lines) {
    const m = REJECTION.exec(line);
    if (!m) {
      out.failures.push(`a rejection line names no field: ${JSON.stringify(line.slice(0, 200))}`);
      continue;
    }
    if (!m[1] && !m[2].startsWith('-')) out.gaps.push(`no file:line:col for ${m[2].replace(/\[\d+\]/g, '[]')}`);
  }
}

/** The invariants an inference result must carry (their names' beginnings), on this engine and network. */
function requiredInvariants(engine: string, onFabric: boolean): string[] {
  const need = ["Little's law"];
  if (onFabric && engine !== 'analytic') need.push('bytes started = delivered + failed + in flight');
  if (onFabric && engine === 'packet') need.push('packet payload received in order');
  return need;
}

function checkResult(
  json: string,
  engine: string,
  out: CaseOutcome,
  mustComplete: boolean,
  onFabric: boolean,
): Result | null {
  let r: Result;
  try {
    r = JSON.parse(json) as Result;
  } catch {
    out.failures.push(`${engine}: --json output is not JSON: ${json.slice(0, 120)}`);
    return null;
  }
  const nul = mayHoldNull(json) ? firstNull(r) : null;
  if (nul) out.failures.push(`${engine}: NaN or Infinity in the result at ${nul}`);
  // A QP that meets retryCount timeouts in a row gives up and fails its transfer (the IB spec's retry_cnt): under
  // loss a valid run may end so, counted in qpErrors, and the tasks after it never start. Ended, not lost.
  const complete = mustComplete && !((r.counters?.qpErrors ?? 0) > 0);
  for (const i of r.invariants ?? [])
    if (!i.ok && (complete || !/^every (flow|task) completed$/.test(i.name)))
      out.failures.push(`${engine}: invariant "${i.name}" broken: ${i.detail}`);
  if (complete && r.completed === false) out.failures.push(`${engine}: a valid small run did not complete`);
  if ((r.requests?.length ?? 0) > 0)
    for (const need of requiredInvariants(engine, onFabric))
      if (!(r.invariants ?? []).some((i) => i.name.startsWith(need)))
        out.failures.push(`${engine}: an inference result without the invariant "${need}"`);
  const text = simulateText(r);
  const bad = /\b(NaN|-?Infinity)\b/.exec(text);
  if (bad) out.failures.push(`${engine}: the text output prints ${bad[1]}`);
  return r;
}

/**
 * The resource guard keeps a mutated "huge" value from turning one case into an hours-long run. 10^6 events:
 * the largest valid case estimates 5.1e5 (a packet run of 1,080 tasks; the estimate is up to 2x over).
 */
export const FUZZ_LIMITS = ['--max-events', '1000000', '--max-memory', '512MB'];

/** Does the scenario's inference service (if any) send its requests over the fabric (not network: zero)? */
function serviceOnFabric(scenario: Record<string, unknown>): boolean {
  const items = Array.isArray(scenario.traffic) ? (scenario.traffic as unknown[]) : [];
  return items.some((t) => {
    const inf = (t as { inference?: { network?: unknown } } | null)?.inference;
    return inf !== undefined && inf !== null && inf.network !== 'zero';
  });
}

/**
 * The --json text without the result's `stats` block (its wall time and memory differ from run to run), for
 * comparing two runs' texts without parsing them. JSON.stringify leaves the quotes of a key unescaped and escapes
 * them in a string, so `"stats":{` in the text is a key; when it is there once, it is the result's own block, which
 * is flat (RunStats), and is cut out to its `}` (what is left need not be JSON: both texts are cut alike). Otherwise
 * the parsed result without it, as it is compared in JSON.
 */
export function withoutStats(json: string): string {
  const key = '"stats":{';
  const at = json.indexOf(key);
  if (at >= 0 && json.indexOf(key, at + 1) < 0) return json.slice(0, at) + json.slice(json.indexOf('}', at) + 1);
  return JSON.stringify({ ...(JSON.parse(json) as Result), stats: undefined });
}

/**
 * Runs the scenario on each engine (twice, for determinism) and checks the properties. `valid` cases must be
 * accepted and complete on every engine; other cases may be rejected, but only cleanly.
 */
export async function runCase(
  scenario: Record<string, unknown>,
  engines: readonly string[],
  valid: boolean,
  extraArgs: string[] = FUZZ_LIMITS,
): Promise<CaseOutcome> {
  const file = join(dir, `case${fileNo++ % 8}.yaml`);
  // Removed first: on ext4 a write that truncates a file flushes it to disk (auto_da_alloc), milliseconds each.
  rmSync(file, { force: true });
  writeFileSync(file, scenarioText(scenario));
  const out: CaseOutcome = { verdict: 'accepted', failures: [], gaps: [] };
  for (const engine of engines) {
    const args = ['simulate', file, '--json', '--engine', engine, ...extraArgs];
    const run = await runMain(args);
    // A run that succeeded has no error object to read (and its stdout may be megabytes of result).
    const first = run.code === 0 ? run : { ...run, stderr: errorText(run) };
    if ((first.code === 0 || first.code === 1) && /internal error|\n\s+at .+:\d+:\d+/.test(first.stderr))
      out.failures.push(`${engine}: exit ${first.code} with a stack trace: ${first.stderr.trim().slice(0, 300)}`);
    if (first.code === 1) {
      out.verdict = 'rejected';
      if (valid) out.failures.push(`${engine}: a valid scenario was rejected: ${first.stderr.trim().slice(0, 300)}`);
      checkRejection(first.stderr, out);
      return out;
    }
    if (first.code !== 0) {
      out.failures.push(`${engine}: exit ${first.code}: ${first.stderr.trim().slice(0, 300)}`);
      return out;
    }
    const r = checkResult(first.stdout, engine, out, valid, serviceOnFabric(scenario));
    const second = await runMain(args);
    if (r && (second.code !== 0 || withoutStats(second.stdout) !== withoutStats(first.stdout)))
      out.failures.push(`${engine}: a second run of the same scenario and seed gave a different result`);
  }
  return out;
}
