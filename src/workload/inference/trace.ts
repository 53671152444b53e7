// Request traces in the Azure LLM inference trace format (TIMESTAMP,ContextTokens,GeneratedTokens), such as the
// two public traces bundled in data/azure-llm-inference-2023 (CC BY 4.0; see its README for source and citation).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioError } from '../../errors.ts';

export interface RequestTrace {
  /** Where it came from (a bundled name or a path). */
  name: string;
  /** Arrival times in integer nanoseconds since the first request (sorted, non-decreasing). */
  timesNs: Float64Array;
  inputTokens: Int32Array;
  outputTokens: Int32Array;
  /** The first row's timestamp as written in the file. */
  firstTimestamp: string;
}

/** The bundled public traces: `conv` (conversation) and `code` (code completion). */
export const BUNDLED_TRACES: Record<string, string> = {
  conv: 'AzureLLMInferenceTrace_conv.csv',
  code: 'AzureLLMInferenceTrace_code.csv',
};

const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../data/azure-llm-inference-2023');

/** `YYYY-MM-DD HH:MM:SS[.fffffff]` -> [whole seconds since the epoch (UTC), nanoseconds], exact integers. */
function parseTimestamp(s: string): [number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(s);
  if (!m) return null;
  const sec = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) / 1000;
  const ns = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  return [sec, ns];
}

/** Parse a trace CSV (CRLF or LF line ends, header row first). Errors name the file, line and field. */
export function parseTrace(text: string, name: string, field = 'arrivals.trace'): RequestTrace {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.trim() ?? '';
  const cols = header.split(',').map((c) => c.trim());
  const ti = cols.indexOf('TIMESTAMP');
  const ci = cols.indexOf('ContextTokens');
  const gi = cols.indexOf('GeneratedTokens');
  if (ti < 0 || ci < 0 || gi < 0)
    throw new ScenarioError([
      {
        path: field,
        message: `${name}: the header must name TIMESTAMP,ContextTokens,GeneratedTokens (got "${header.slice(0, 80)}")`,
      },
    ]);
  let n = 0;
  for (let i = 1; i < lines.length; i++) if (lines[i].trim() !== '') n++;
  const timesNs = new Float64Array(n);
  const inputTokens = new Int32Array(n);
  const outputTokens = new Int32Array(n);
  let sec0 = 0;
  let ns0 = 0;
  let first = '';
  let k = 0;
  const bad = (line: number, what: string) =>
    new ScenarioError([{ path: field, message: `${name} line ${line + 1}: ${what}` }]);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const f = line.split(',');
    const ts = parseTimestamp(f[ti]?.trim() ?? '');
    if (!ts) throw bad(i, `"${f[ti]}" is not a timestamp like 2023-11-16 18:15:46.6805900`);
    const c = Number(f[ci]);
    const g = Number(f[gi]);
    if (!Number.isInteger(c) || c < 0) throw bad(i, `ContextTokens "${f[ci]}" is not a whole number`);
    if (!Number.isInteger(g) || g < 1) throw bad(i, `GeneratedTokens "${f[gi]}" is not a positive whole number`);
    if (k === 0) {
      [sec0, ns0] = ts;
      first = f[ti].trim();
    }
    const t = (ts[0] - sec0) * 1e9 + (ts[1] - ns0);
    if (k > 0 && t < timesNs[k - 1])
      throw bad(i, 'timestamps must be sorted (this row is earlier than the one before)');
    timesNs[k] = t;
    inputTokens[k] = c;
    outputTokens[k] = g;
    k++;
  }
  if (n === 0) throw new ScenarioError([{ path: field, message: `${name} has no requests after its header` }]);
  return { name, timesNs, inputTokens, outputTokens, firstTimestamp: first };
}

const cache = new Map<string, RequestTrace>();

/** A bundled trace by name (conv, code) or a CSV file (relative paths from `baseDir`). */
export function loadTrace(ref: string, baseDir = process.cwd(), field = 'arrivals.trace'): RequestTrace {
  const bundled = BUNDLED_TRACES[ref];
  const path = bundled ? join(DATA_DIR, bundled) : resolve(baseDir, ref);
  const hit = cache.get(path);
  if (hit) return hit;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ScenarioError([
      {
        path: field,
        message: `cannot read "${ref}" (use conv or code for the bundled Azure traces, or a path to a CSV file)`,
      },
    ]);
  }
  const t = parseTrace(text, bundled ? ref : path, field);
  cache.set(path, t);
  return t;
}
