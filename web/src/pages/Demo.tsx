// The Demo page: the seed's comparison table with each claim's verdict, from the last demo bundle (GET /api/demo,
// what `demo --json` prints), each row opening its evidence (the values its rule read and the thresholds it
// compared them with) and its charts (the report's specs for that row: claim-charts.ts); a button running the
// quick demo (POST /api/demo) with its live progress (the step running, steps done) on the same events route as a
// simulation, and Cancel. Shown only where the server has these routes. Leaves out: the designs' diagrams and
// bills of materials (the Design page and the demo's report.html draw them).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ClaimRow, ReportInput } from '../../../src/report/input.ts';
import { ApiError, api, postJson, runEvents } from '../api.ts';
import { claimCharts } from '../claim-charts.ts';
import { Problems } from '../Field.tsx';
import { VegaChart } from '../VegaChart.tsx';

interface Bundle {
  claims: ClaimRow[];
  report: ReportInput;
}

/** A claim row's key, as the page marks it (`data-claim`) for tests and links. */
export const claimKey = (c: Pick<ClaimRow, 'aspect' | 'side'>) => `${c.aspect}|${c.side}`;

function NumberTable({ label, values }: { label: string; values: Record<string, number> }) {
  const rows = Object.entries(values);
  if (rows.length === 0) return null;
  return (
    <table className="evidence" aria-label={label} data-testid={label}>
      <caption>{label}</caption>
      <tbody>
        {rows.map(([k, v]) => (
          <tr key={k}>
            <th scope="row">{k}</th>
            <td>{String(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A row's evidence, opened on demand: its charts are drawn only once it is open (vega takes a while per chart). */
function Evidence({ claim, report }: { claim: ClaimRow; report: ReportInput }) {
  const [open, setOpen] = useState(false);
  const charts = open ? claimCharts(claim, report) : [];
  return (
    <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{claim.evidence}</summary>
      <p className="muted">rule: {claim.rule}</p>
      <NumberTable label="values" values={claim.values} />
      <NumberTable label="thresholds" values={claim.thresholds ?? {}} />
      {open && charts.length === 0 ? <p className="muted">No chart: the values come from the designs.</p> : null}
      <div className="chart-grid">
        {charts.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a row's charts are rebuilt whole; several share a name
          <VegaChart key={i} chart={c} />
        ))}
      </div>
    </details>
  );
}

function Claims({ bundle }: { bundle: Bundle }) {
  return (
    <div className="table-wrap">
      <table aria-label="claims and verdicts">
        <thead>
          <tr>
            <th>aspect</th>
            <th>side</th>
            <th>claim</th>
            <th>verdict</th>
            <th>evidence</th>
          </tr>
        </thead>
        <tbody>
          {bundle.claims.map((c) => (
            <tr key={`${claimKey(c)}-${c.claim}`} data-claim={claimKey(c)}>
              <td>{c.aspect}</td>
              <td>{c.side}</td>
              <td>{c.claim}</td>
              <td>
                <span className={`badge ${c.verdict.replace(/\s+/g, '-')}`} data-testid="verdict">
                  {c.verdict}
                </span>
              </td>
              <td>
                <Evidence claim={c} report={bundle.report} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Phase = 'idle' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
interface DemoRun {
  phase: Phase;
  id?: string;
  done?: number;
  total?: number;
  step?: string;
  message?: string;
}
interface DemoEvent {
  kind: string;
  position?: number;
  done?: number;
  total?: number;
  step?: string;
  error?: string;
  reason?: string;
}

const TERMINAL: Record<string, Phase> = { result: 'done', error: 'failed', cancelled: 'cancelled' };

function fold(s: DemoRun, e: DemoEvent): DemoRun {
  if (e.kind === 'queued') return { ...s, phase: 'queued', message: `queued (position ${e.position ?? 1})` };
  if (e.kind === 'started') return { ...s, phase: 'running' };
  if (e.kind === 'progress') return { ...s, phase: 'running', done: e.done, total: e.total, step: e.step };
  const phase = TERMINAL[e.kind];
  return phase ? { ...s, phase, message: e.error ?? e.reason } : s;
}

function progressText(r: DemoRun): string {
  if (r.phase === 'running')
    return r.total ? `running: step ${r.done ?? 0} of ${r.total} done, now ${r.step ?? ''}` : 'running';
  if (r.phase === 'done') return 'done';
  return [r.phase === 'idle' ? '' : r.phase, r.message].filter(Boolean).join(': ');
}

/** Runs the quick demo and follows it; `onDone` when its result is in. */
function useDemoRun(onDone: () => void) {
  const [run, setRun] = useState<DemoRun>({ phase: 'idle' });
  const source = useRef<EventSource | undefined>(undefined);
  useEffect(() => () => source.current?.close(), []);
  const start = async () => {
    source.current?.close();
    const { id } = await postJson<{ id: string }>('/api/demo', {});
    setRun({ phase: 'queued', id });
    const es = runEvents(id);
    source.current = es;
    const on = (m: MessageEvent<string>) => {
      const e = JSON.parse(m.data) as DemoEvent;
      setRun((s) => fold(s, e));
      if (e.kind in TERMINAL) es.close();
      if (e.kind === 'result') onDone();
    };
    for (const k of ['queued', 'started', 'progress', 'result', 'error', 'cancelled']) es.addEventListener(k, on);
  };
  const cancel = () => {
    if (run.id) void api(`/api/simulate/${encodeURIComponent(run.id)}`, { method: 'DELETE' }).catch(() => undefined);
  };
  return { run, start, cancel };
}

export function DemoPage() {
  const [have, setHave] = useState<boolean>();
  const [bundle, setBundle] = useState<Bundle>();
  const [note, setNote] = useState('');
  const [problems, setProblems] = useState<{ message: string }[]>([]);
  // The first load tells whether the server has the route; its own 404 says there is no bundle yet.
  const load = useCallback(
    () =>
      api<Bundle>('/api/demo').then(
        (b) => {
          setHave(true);
          setBundle(b);
          setNote('');
        },
        (e) => {
          setHave(!(e instanceof ApiError && e.missingRoute));
          setNote(e instanceof ApiError ? e.message : String(e));
        },
      ),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const { run, start, cancel } = useDemoRun(() => void load());
  const going = run.phase === 'queued' || run.phase === 'running';
  const pct = run.total ? (100 * (run.done ?? 0)) / run.total : undefined;
  const runQuick = () =>
    start().catch((e) => setProblems([{ message: e instanceof ApiError ? e.message : String(e) }]));
  return (
    <section aria-labelledby="demo-h">
      <h1 id="demo-h">The seed's claims, measured</h1>
      {have === false ? (
        <p className="muted">Not available on this server (it has no /api/demo).</p>
      ) : (
        <>
          <div className="actions">
            <button type="button" onClick={() => void runQuick()} disabled={going}>
              Run the quick demo
            </button>
            {going ? (
              <button type="button" onClick={cancel}>
                Cancel
              </button>
            ) : null}
          </div>
          <div className="progress" data-testid="demo-progress" data-phase={run.phase} aria-live="polite">
            <p className="status">{progressText(run)}</p>
            {going && pct !== undefined ? <progress max={100} value={pct} aria-label="demo progress" /> : null}
          </div>
          {note && !bundle ? <p className="muted">{note}</p> : null}
          <Problems problems={problems} />
          {bundle ? <Claims bundle={bundle} /> : null}
        </>
      )}
    </section>
  );
}
