// The Simulate page: a built-in scenario or YAML typed in the editor, run on an engine with live progress
// (simulated time, events, tasks done, ETA) and a Cancel button; then the result as tables (flow completion times,
// counters) and the HTML report's charts (result-charts.ts). The editor's problems show at their line: checked
// as you type through POST /api/validate where the server has it, else from the refused run.
// Field names are offered at the cursor from the scenario's JSON Schema (GET /api/schema, complete.ts).
// Leaves out: a code editor (it is a textarea with a line gutter).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Result } from '../../../src/result/types.ts';
import { ApiError, api, download, hasRoute, saveBlob } from '../api.ts';
import { useCatalog, useSettled } from '../catalog.ts';
import { completions, type JsonSchema } from '../complete.ts';
import { Field, Problems } from '../Field.tsx';
import { count, simTime } from '../format.ts';
import { resultCharts } from '../result-charts.ts';
import { type RunState, useRun } from '../run.ts';
import { VegaChart } from '../VegaChart.tsx';
import { problemsOfError, validateYaml, where, type YamlProblem } from '../yaml-errors.ts';

const EXAMPLE = `version: 1
name: incast-example
fabric: { topology: leaf-spine, hosts: 16, nic: 100G, switch: aurcore-32x100g }
network: { pfc: true, ecn: { kmin: 5KB, kmax: 200KB, pmax: 0.01 }, cc: dcqcn }
traffic: [{ pattern: incast, senders: [h1, h2], receiver: h0, bytes: 2MB }]
`;

const ENGINES = ['', 'analytic', 'flow', 'packet'];

/** The scenario's JSON Schema (GET /api/schema) for completion; null where the server has no such route. */
let schemaLoad: Promise<JsonSchema | null> | undefined;
function useSchema(): JsonSchema | null {
  const [schema, setSchema] = useState<JsonSchema | null>(null);
  useEffect(() => {
    schemaLoad ??= api<JsonSchema>('/api/schema').catch(() => null);
    let live = true;
    schemaLoad.then((x) => live && setSchema(x));
    return () => {
      live = false;
    };
  }, []);
  return schema;
}

/** The field names the schema allows at the cursor, as buttons that complete the word typed. */
function Completions({
  text,
  cursor,
  set,
}: {
  text: string;
  cursor: number;
  set: (t: string, cursor: number) => void;
}) {
  const schema = useSchema();
  if (!schema) return null;
  const { partial, names } = completions(schema, text.slice(0, cursor));
  if (names.length === 0) return null;
  const pick = (n: string) => {
    const at = cursor - partial.length;
    const insert = `${n}: `;
    set(text.slice(0, at) + insert + text.slice(cursor), at + insert.length);
  };
  return (
    <fieldset className="completions">
      <legend className="muted">fields here:</legend>
      {names.slice(0, 16).map((n) => (
        <button key={n} type="button" onClick={() => pick(n)}>
          {n}
        </button>
      ))}
    </fieldset>
  );
}

function Editor({ text, set, problems }: { text: string; set: (t: string) => void; problems: YamlProblem[] }) {
  const bad = new Set(problems.map((p) => p.line).filter((l) => l !== undefined));
  const lines = text.split('\n').length;
  const area = useRef<HTMLTextAreaElement>(null);
  const [cursor, setCursor] = useState(0);
  const track = (e: { currentTarget: HTMLTextAreaElement }) => setCursor(e.currentTarget.selectionStart);
  const complete = (t: string, at: number) => {
    set(t);
    setCursor(at);
    requestAnimationFrame(() => {
      area.current?.focus();
      area.current?.setSelectionRange(at, at);
    });
  };
  return (
    <>
      <div className="editor">
        <pre className="gutter" aria-hidden="true">
          {Array.from({ length: lines }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the line number is the line's identity
            <span key={i} className={bad.has(i + 1) ? 'bad' : undefined}>
              {i + 1}
              {'\n'}
            </span>
          ))}
        </pre>
        <Field label="Scenario YAML">
          {(id) => (
            <textarea
              id={id}
              ref={area}
              name="yaml"
              spellCheck={false}
              rows={Math.max(12, lines + 1)}
              value={text}
              onChange={(e) => {
                set(e.target.value);
                track(e);
              }}
              onSelect={track}
              aria-invalid={problems.length > 0}
              aria-describedby={problems.length > 0 ? 'yaml-problems' : undefined}
            />
          )}
        </Field>
      </div>
      <Completions text={text} cursor={cursor} set={complete} />
    </>
  );
}

function Progress({ s, cancel }: { s: RunState; cancel: () => void }) {
  if (s.phase === 'idle') return null;
  const going = s.phase === 'starting' || s.phase === 'queued' || s.phase === 'running';
  const pct = s.total ? Math.min(100, (100 * (s.done ?? 0)) / s.total) : undefined;
  return (
    <div className="progress" data-testid="run-progress" data-phase={s.phase} data-run={s.id} aria-live="polite">
      <p>
        <strong>{s.phase}</strong>
        {s.phase === 'queued' && s.position !== undefined ? ` (place ${s.position} in the queue)` : ''}
        {s.simPs !== undefined ? ` - simulated ${simTime(s.simPs)}` : ''}
        {s.events !== undefined ? ` - ${count(s.events)} events` : ''}
        {s.total ? ` - ${count(s.done ?? 0)} of ${count(s.total)} tasks` : ''}
        {s.elapsedMs !== undefined ? ` - ${(s.elapsedMs / 1000).toFixed(1)} s wall` : ''}
        {going && s.etaMs !== undefined ? ` - ETA ${(s.etaMs / 1000).toFixed(1)} s` : ''}
        {s.message ? ` - ${s.message}` : ''}
      </p>
      {pct !== undefined ? <progress max={100} value={pct} aria-label="run progress" /> : null}
      {going ? (
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      ) : null}
    </div>
  );
}

const ps = (x: number) => (x < 0 ? 'not finished' : simTime(x));

function FlowTable({ r }: { r: Result }) {
  const flows = r.flows.slice(0, 200);
  return (
    <div className="table-wrap">
      <table aria-label="flow completion times" data-testid="fct-table">
        <caption>
          Flow completion times
          {r.flows.length > flows.length ? ` (first ${flows.length} of ${count(r.flows.length)})` : ''}
        </caption>
        <thead>
          <tr>
            <th>flow</th>
            <th>from</th>
            <th>to</th>
            <th className="num">bytes</th>
            <th className="num">FCT</th>
            <th className="num">idle-fabric FCT</th>
            <th className="num">slowdown</th>
          </tr>
        </thead>
        <tbody>
          {flows.map((f) => (
            <tr key={f.id}>
              <td>{f.id}</td>
              <td>{f.src}</td>
              <td>{f.dst}</td>
              <td className="num">{count(f.bytes)}</td>
              <td className="num">{ps(f.endPs >= 0 ? f.fctPs : -1)}</td>
              <td className="num">{simTime(f.idealFctPs)}</td>
              <td className="num">{f.slowdown.toFixed(2)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Counters({ r }: { r: Result }) {
  const rows = Object.entries(r.counters).filter(([, v]) => typeof v === 'number');
  return (
    <div className="table-wrap">
      <table aria-label="counters" className="narrow">
        <caption>Counters</caption>
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td className="num">{k.endsWith('Ps') ? simTime(v) : count(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Results({ r, id }: { r: Result; id?: string }) {
  const charts = useMemo(() => resultCharts(r), [r]);
  const [report, setReport] = useState(false);
  useEffect(() => {
    if (id) hasRoute('HEAD', `/api/simulate/${encodeURIComponent(id)}/report.html`).then(setReport);
  }, [id]);
  return (
    <section aria-labelledby="result-h" data-testid="run-result">
      <h2 id="result-h">
        {r.scenario}: {r.engine} engine, {r.completed ? 'completed' : 'stopped'} after {simTime(r.simulatedPs)}{' '}
        simulated
      </h2>
      <div className="downloads">
        <button
          type="button"
          onClick={() =>
            saveBlob(new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' }), `${r.scenario}.json`)
          }
        >
          Download the result JSON
        </button>
        {report && id ? (
          <button
            type="button"
            onClick={() =>
              void download(`/api/simulate/${encodeURIComponent(id)}/report.html`).then((b) =>
                saveBlob(b, `${r.scenario}.html`),
              )
            }
          >
            Download the HTML report
          </button>
        ) : null}
      </div>
      {r.flows.length > 0 ? <FlowTable r={r} /> : null}
      <Counters r={r} />
      <div className="chart-grid">
        {charts.map((c) => (
          <VegaChart key={c.chart} chart={c} />
        ))}
      </div>
    </section>
  );
}

export function SimulatePage() {
  const { catalog } = useCatalog();
  const [source, setSource] = useState<'yaml' | 'builtin'>('yaml');
  const [name, setName] = useState('incast-16');
  const [text, setText] = useState(EXAMPLE);
  const [engine, setEngine] = useState('');
  const [problems, setProblems] = useState<YamlProblem[]>([]);
  const [validating, setValidating] = useState<boolean>();
  const settled = useSettled(text, 400);
  const { state, start, cancel } = useRun();
  /** The text's problems from /api/validate; undefined where the server has no such route (then the run's
   * refusal tells). */
  const check = useCallback(async (yaml: string): Promise<YamlProblem[] | undefined> => {
    try {
      const p = await validateYaml(yaml);
      setValidating(true);
      return p;
    } catch (e) {
      if (e instanceof ApiError && e.missingRoute) {
        setValidating(false);
        return undefined;
      }
      return problemsOfError(e);
    }
  }, []);
  useEffect(() => {
    if (validating === false || source !== 'yaml') return;
    let live = true;
    check(settled).then((p) => live && p !== undefined && setProblems(p));
    return () => {
      live = false;
    };
  }, [settled, validating, source, check]);
  const run = async () => {
    const body: Record<string, unknown> = source === 'yaml' ? { yaml: text } : { name };
    if (engine) body.engine = engine;
    if (source === 'yaml' && validating !== false) {
      const p = await check(text);
      if (p !== undefined) setProblems(p);
      if (p !== undefined && p.length > 0) return;
    }
    try {
      setProblems([]);
      await start(body);
    } catch (e) {
      setProblems(problemsOfError(e));
    }
  };
  const going = state.phase === 'starting' || state.phase === 'queued' || state.phase === 'running';
  return (
    <section aria-labelledby="simulate-h">
      <h1 id="simulate-h">Simulate a scenario</h1>
      <form
        className="form-grid"
        aria-label="run"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <Field label="Scenario">
          {(id) => (
            <select
              id={id}
              name="source"
              value={source}
              onChange={(e) => setSource(e.target.value as 'yaml' | 'builtin')}
            >
              <option value="yaml">the YAML below</option>
              <option value="builtin">a built-in scenario</option>
            </select>
          )}
        </Field>
        <Field label="Built-in scenario">
          {(id) => (
            <select
              id={id}
              name="builtin"
              value={name}
              disabled={source !== 'builtin'}
              onChange={(e) => setName(e.target.value)}
            >
              {(catalog?.scenarios ?? [name]).map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Engine">
          {(id) => (
            <select id={id} name="engine" value={engine} onChange={(e) => setEngine(e.target.value)}>
              {ENGINES.map((x) => (
                <option key={x} value={x}>
                  {x || "the scenario's"}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="field">
          <button type="submit" disabled={going}>
            Run
          </button>
        </div>
      </form>
      {source === 'yaml' ? <Editor text={text} set={setText} problems={problems} /> : null}
      <p className="muted">
        {validating === false
          ? 'Checked when run (this server has no /api/validate).'
          : validating
            ? 'Checked as you type.'
            : ''}
      </p>
      <div id="yaml-problems">
        <Problems problems={problems.map((p) => ({ message: p.message, where: where(p) }))} testId="yaml-errors" />
      </div>
      <Progress s={state} cancel={cancel} />
      {state.phase === 'done' && state.result ? <Results r={state.result} id={state.id} /> : null}
    </section>
  );
}
