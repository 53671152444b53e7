// The Runs page: the sweeps' run store (GET /api/runs), filterable by sweep and status, one row per run with its
// point and metrics, and the charts `aifabric runs report` draws of the runs listed (a metric over the varied
// fields, and a heat map over two), built by the same code (reportFromMetrics, src/sweep/report.ts) from the
// metrics the route gives. Shown only where the server has the route. Leaves out: a run's whole result
// (`aifabric runs show KEY`).
import { useEffect, useMemo, useState } from 'react';
import { type MetricsRun, reportFromMetrics } from '../../../src/sweep/report.ts';
import { ApiError, api, hasRoute } from '../api.ts';
import { useSettled } from '../catalog.ts';
import { Field, Problems } from '../Field.tsx';
import { VegaChart } from '../VegaChart.tsx';

interface StoredRun {
  key?: string;
  sweep?: string;
  point?: unknown;
  seed?: number;
  engine?: string;
  status?: string;
  metrics?: Record<string, unknown> | null;
  error?: string | null;
}

/** The runs report of the runs listed: its notes and figures (none without a finished run). */
function SweepCharts({ runs }: { runs: StoredRun[] }) {
  const report = useMemo(() => reportFromMetrics(runs as MetricsRun[]), [runs]);
  const figures = report.figures ?? [];
  if (figures.length === 0) return null;
  return (
    <section aria-label="sweep charts" data-testid="sweep-charts">
      <h2>{report.title}</h2>
      <p className="muted">{report.subtitle}</p>
      {(report.notes ?? []).map((n) => (
        <p key={n} className="notes">
          {n}
        </p>
      ))}
      <div className="chart-grid">
        {figures.map((f) => (
          <VegaChart key={f.chart.chart} chart={f.chart} caption={f.caption} />
        ))}
      </div>
    </section>
  );
}

/** A stored run either finished with a result or failed (the run store keeps no other state). */
const STATUSES = ['', 'done', 'failed'];

const short = (x: unknown) => (x === undefined ? '' : typeof x === 'string' ? x : JSON.stringify(x));

export function RunsPage() {
  const [have, setHave] = useState<boolean>();
  const [filter, setFilter] = useState({ sweep: '', status: '' });
  const settled = useSettled(filter, 300);
  const [runs, setRuns] = useState<StoredRun[]>([]);
  const [note, setNote] = useState('');
  const [problems, setProblems] = useState<{ message: string }[]>([]);
  useEffect(() => {
    hasRoute('GET', '/api/runs').then(setHave);
  }, []);
  useEffect(() => {
    if (!have) return;
    const q = new URLSearchParams(Object.entries(settled).filter(([, v]) => v !== ''));
    api<{ runs: StoredRun[]; note?: string }>(`/api/runs${q.size > 0 ? `?${q}` : ''}`).then(
      (r) => {
        setRuns(r.runs);
        setNote(r.note ?? '');
        setProblems([]);
      },
      (e) => setProblems([{ message: e instanceof ApiError ? e.message : String(e) }]),
    );
  }, [have, settled]);
  return (
    <section aria-labelledby="runs-h">
      <h1 id="runs-h">Stored runs</h1>
      {have === false ? (
        <p className="muted">Not available on this server (it has no /api/runs).</p>
      ) : (
        <>
          <form className="form-grid" aria-label="filter runs" onSubmit={(e) => e.preventDefault()}>
            <Field label="Sweep">
              {(id) => (
                <input
                  id={id}
                  name="sweep"
                  value={filter.sweep}
                  onChange={(e) => setFilter((f) => ({ ...f, sweep: e.target.value }))}
                />
              )}
            </Field>
            <Field label="Status">
              {(id) => (
                <select
                  id={id}
                  name="status"
                  value={filter.status}
                  onChange={(e) => setFilter((f) => ({ ...f, status: e.target.value }))}
                >
                  {STATUSES.map((x) => (
                    <option key={x} value={x}>
                      {x || 'any'}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </form>
          {note ? <p className="muted">{note}</p> : null}
          <Problems problems={problems} />
          <div className="table-wrap">
            <table aria-label="stored runs">
              <thead>
                <tr>
                  <th>sweep</th>
                  <th>point</th>
                  <th>seed</th>
                  <th>engine</th>
                  <th>status</th>
                  <th>metrics or error</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r, i) => (
                  <tr key={short(r.key ?? i)} data-status={r.status}>
                    <td>{short(r.sweep)}</td>
                    <td>{short(r.point)}</td>
                    <td>{short(r.seed)}</td>
                    <td>{short(r.engine)}</td>
                    <td>{short(r.status)}</td>
                    <td>{short(r.metrics ?? r.error ?? undefined)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <SweepCharts runs={runs} />
        </>
      )}
    </section>
  );
}
