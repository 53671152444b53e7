// The Demo page: the seed's comparison table with each claim's verdict, from the last demo bundle (GET /api/demo,
// what `demo --json` prints), each row opening its evidence; the bundle's charts below; a button running the
// quick demo (POST /api/demo, its progress on the same events route as a simulation). Shown only where the
// server has these routes. Leaves out: the designs' diagrams.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ClaimRow, ReportInput } from '../../../src/report/input.ts';
import { ApiError, api, postJson, runEvents } from '../api.ts';
import { Problems } from '../Field.tsx';
import { inputCharts } from '../result-charts.ts';
import { VegaChart } from '../VegaChart.tsx';

interface Bundle {
  claims: ClaimRow[];
  report: ReportInput;
}

function Claims({ claims }: { claims: ClaimRow[] }) {
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
          {claims.map((c) => (
            <tr key={`${c.aspect}-${c.side}-${c.claim}`}>
              <td>{c.aspect}</td>
              <td>{c.side}</td>
              <td>{c.claim}</td>
              <td>
                <span className={`badge ${c.verdict.replace(/\s+/g, '-')}`}>{c.verdict}</span>
              </td>
              <td>
                <details>
                  <summary>{c.evidence}</summary>
                  <p className="muted">rule: {c.rule}</p>
                  <ul>
                    {Object.entries(c.values).map(([k, v]) => (
                      <li key={k}>
                        {k}: {v}
                      </li>
                    ))}
                  </ul>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DemoPage() {
  const [have, setHave] = useState<boolean>();
  const [bundle, setBundle] = useState<Bundle>();
  const [status, setStatus] = useState('');
  const [problems, setProblems] = useState<{ message: string }[]>([]);
  // The first load tells whether the server has the route; its own 404 says there is no bundle yet.
  const load = useCallback(
    () =>
      api<Bundle>('/api/demo').then(
        (b) => {
          setHave(true);
          setBundle(b);
        },
        (e) => {
          setHave(!(e instanceof ApiError && e.missingRoute));
          setStatus(e instanceof ApiError ? e.message : String(e));
        },
      ),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const charts = useMemo(() => (bundle ? inputCharts(bundle.report) : []), [bundle]);
  const runQuick = async () => {
    try {
      const { id } = await postJson<{ id: string }>('/api/demo', {});
      setStatus('queued');
      const es = runEvents(id);
      es.addEventListener('progress', (m) => {
        const e = JSON.parse((m as MessageEvent<string>).data) as { done?: number; total?: number };
        setStatus(`running: ${e.done ?? 0} of ${e.total ?? '?'} steps`);
      });
      for (const k of ['result', 'error', 'cancelled'])
        es.addEventListener(k, (m) => {
          es.close();
          const e = JSON.parse((m as MessageEvent<string>).data) as { error?: string; reason?: string };
          setStatus(k === 'result' ? 'done' : `${k}: ${e.error ?? e.reason ?? ''}`);
          if (k === 'result') void load();
        });
    } catch (e) {
      setProblems([{ message: e instanceof ApiError ? e.message : String(e) }]);
    }
  };
  return (
    <section aria-labelledby="demo-h">
      <h1 id="demo-h">The seed's claims, measured</h1>
      {have === false ? (
        <p className="muted">Not available on this server (it has no /api/demo).</p>
      ) : (
        <>
          <button type="button" onClick={() => void runQuick()}>
            Run the quick demo
          </button>
          <p className="status" aria-live="polite">
            {status}
          </p>
          <Problems problems={problems} />
          {bundle ? <Claims claims={bundle.claims} /> : null}
          <div className="chart-grid">
            {charts.map((c) => (
              <VegaChart key={c.chart} chart={c} />
            ))}
          </div>
        </>
      )}
    </section>
  );
}
