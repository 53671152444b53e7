// The Planner page: a requirement (GPUs, GPUs per server, NIC, oversubscription, budget) -> the planner's ranked
// feasible designs from POST /api/planner (`plan --json` without a topology); tick two or three to compare them
// side by side, with a bar chart per metric. The budget filters the ranking here (the planner ranks by cost, so
// the designs over budget are the tail). Leaves out: the rejected families' reasons beyond a count.
import { useEffect, useMemo, useState } from 'react';
import type { plannerJson } from '../../../src/report/plan.ts';
import { ApiError, postJson } from '../api.ts';
import { useCatalog, useSettled } from '../catalog.ts';
import { compareChart } from '../compare-chart.ts';
import { Field, NumberField, Problems } from '../Field.tsx';
import { count, kw, ratio, tbps, usd } from '../format.ts';
import { VegaChart } from '../VegaChart.tsx';

type Ranking = ReturnType<typeof plannerJson>;
type Candidate = Ranking['designs'][number];

interface Requirement {
  hosts: number;
  gpusPerNode: number;
  nic: string;
  oversubscription: number;
  budgetUsd: number;
}

const MAX_COMPARED = 3;
const label = (c: Candidate) => `#${c.rank} ${c.topology}`;
const overs = (c: Candidate) =>
  Object.entries(c.oversubscription)
    .map(([k, v]) => `${k} ${ratio(v as number)}`)
    .join(', ');
const switches = (c: Candidate) => Object.values(c.switchesByRole).reduce((a, b) => a + b, 0);

/** The metrics compared: a row of the table and a bar chart each. */
const METRICS: {
  key: string;
  title: string;
  quantity: string;
  value: (c: Candidate) => number;
  show: (c: Candidate) => string;
}[] = [
  {
    key: 'cost-per-host',
    title: 'Cost per host',
    quantity: 'cost per host (USD)',
    value: (c) => c.costPerHostUsd,
    show: (c) => usd(c.costPerHostUsd),
  },
  { key: 'power', title: 'Power', quantity: 'power (kW)', value: (c) => c.powerW / 1000, show: (c) => kw(c.powerW) },
  {
    key: 'bisection',
    title: 'Bisection bandwidth',
    quantity: 'bisection (Tb/s)',
    value: (c) => c.bisectionGbps / 1000,
    show: (c) => tbps(c.bisectionGbps),
  },
  {
    key: 'switches',
    title: 'Switches',
    quantity: 'switches (count)',
    value: switches,
    show: (c) => count(switches(c)),
  },
  { key: 'tiers', title: 'Tiers', quantity: 'tiers (count)', value: (c) => c.tiers, show: (c) => String(c.tiers) },
  {
    key: 'hops',
    title: 'Longest path',
    quantity: 'max hops (count)',
    value: (c) => c.maxHops,
    show: (c) => String(c.maxHops),
  },
];

function RequirementForm({ req, set }: { req: Requirement; set: (r: Partial<Requirement>) => void }) {
  const { catalog } = useCatalog();
  return (
    <form className="form-grid" aria-label="requirement" onSubmit={(e) => e.preventDefault()}>
      <NumberField label="GPUs (hosts)" name="hosts" min={1} value={req.hosts} onValue={(v) => set({ hosts: v })} />
      <NumberField
        label="GPUs per server"
        name="gpusPerNode"
        min={1}
        value={req.gpusPerNode}
        onValue={(v) => set({ gpusPerNode: v })}
      />
      <Field label="NIC">
        {(id) => (
          <select id={id} name="nic" value={req.nic} onChange={(e) => set({ nic: e.target.value })}>
            {(catalog?.nics ?? [{ id: req.nic }]).map((n) => (
              <option key={n.id}>{n.id}</option>
            ))}
          </select>
        )}
      </Field>
      <NumberField
        label="Oversubscription (down:up)"
        name="oversubscription"
        min={1}
        step={0.5}
        value={req.oversubscription}
        onValue={(v) => set({ oversubscription: v })}
      />
      <NumberField
        label="Budget (USD, 0: none)"
        name="budget"
        min={0}
        step={100000}
        value={req.budgetUsd}
        onValue={(v) => set({ budgetUsd: v })}
      />
    </form>
  );
}

function RankingTable({
  designs,
  picked,
  toggle,
}: {
  designs: Candidate[];
  picked: number[];
  toggle: (rank: number) => void;
}) {
  return (
    <div className="table-wrap">
      <table aria-label="feasible designs, cheapest first">
        <thead>
          <tr>
            <th>compare</th>
            <th className="num">rank</th>
            <th>topology</th>
            <th>switch models</th>
            <th className="num">tiers</th>
            <th className="num">switches</th>
            <th className="num">cost</th>
            <th className="num">cost per host</th>
            <th className="num">power</th>
            <th className="num">bisection</th>
            <th className="num">oversubscription</th>
          </tr>
        </thead>
        <tbody>
          {designs.map((c) => {
            const on = picked.includes(c.rank);
            return (
              <tr key={c.rank} data-rank={c.rank}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`compare design ${c.rank}`}
                    checked={on}
                    disabled={!on && picked.length >= MAX_COMPARED}
                    onChange={() => toggle(c.rank)}
                  />
                </td>
                <td className="num">{c.rank}</td>
                <td>{c.topology}</td>
                <td>
                  {Object.entries(c.models)
                    .map(([r, m]) => `${r}: ${m}`)
                    .join(', ')}
                </td>
                <td className="num">{c.tiers}</td>
                <td className="num">{count(switches(c))}</td>
                <td className="num">{usd(c.costUsd)}</td>
                <td className="num">{usd(c.costPerHostUsd)}</td>
                <td className="num">{kw(c.powerW)}</td>
                <td className="num">{tbps(c.bisectionGbps)}</td>
                <td className="num">{overs(c)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Comparison({ chosen }: { chosen: Candidate[] }) {
  const charts = useMemo(
    () =>
      METRICS.map((m) =>
        compareChart({
          chart: `compare-${m.key}`,
          title: m.title,
          quantity: m.quantity,
          bars: chosen.map((c) => ({ design: label(c), value: m.value(c) })),
        }),
      ),
    [chosen],
  );
  return (
    <section aria-labelledby="compare-h" data-testid="comparison">
      <h2 id="compare-h">Side by side</h2>
      <div className="table-wrap">
        <table aria-label="compared designs">
          <thead>
            <tr>
              <th>metric</th>
              {chosen.map((c) => (
                <th key={c.rank} className="num">
                  {label(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {METRICS.map((m) => (
              <tr key={m.key} data-metric={m.key}>
                <td>{m.title}</td>
                {chosen.map((c) => (
                  <td key={c.rank} className="num">
                    {m.show(c)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="chart-grid">
        {charts.map((c) => (
          <VegaChart key={c.chart} chart={c} />
        ))}
      </div>
    </section>
  );
}

export function PlannerPage() {
  const [req, setReq] = useState<Requirement>({
    hosts: 2048,
    gpusPerNode: 8,
    nic: 'nic-400g',
    oversubscription: 1,
    budgetUsd: 0,
  });
  const settled = useSettled(req, 400);
  const [ranking, setRanking] = useState<Ranking>();
  const [problems, setProblems] = useState<{ message: string; where?: string }[]>([]);
  const [picked, setPicked] = useState<number[]>([]);
  useEffect(() => {
    let live = true;
    const { budgetUsd: _b, ...fabric } = settled;
    postJson<Ranking>('/api/planner', { fabric, top: 15 }).then(
      (r) => {
        if (!live) return;
        setRanking(r);
        setProblems([]);
        setPicked([]);
      },
      (e) =>
        live &&
        setProblems(
          e instanceof ApiError
            ? e.problems.map((p) => ({ message: p.message, where: p.field }))
            : [{ message: String(e) }],
        ),
    );
    return () => {
      live = false;
    };
  }, [settled]);
  const shown = (ranking?.designs ?? []).filter((c) => settled.budgetUsd <= 0 || c.costUsd <= settled.budgetUsd);
  const over = (ranking?.designs.length ?? 0) - shown.length;
  const chosen = picked.map((r) => shown.find((c) => c.rank === r)).filter((c): c is Candidate => c !== undefined);
  const toggle = (rank: number) => setPicked((p) => (p.includes(rank) ? p.filter((r) => r !== rank) : [...p, rank]));
  return (
    <section aria-labelledby="planner-h">
      <h1 id="planner-h">Plan from a requirement</h1>
      <RequirementForm req={req} set={(r) => setReq((old) => ({ ...old, ...r }))} />
      <Problems problems={problems} testId="planner-errors" />
      {ranking && problems.length === 0 ? (
        <>
          <p className="status" aria-live="polite" data-testid="planner-status">
            {ranking.feasibleCount} feasible designs
            {over > 0 ? `, ${over} of the first ${ranking.designs.length} over budget (hidden)` : ''}
            {ranking.rejectedFamilies.length > 0 ? `; families rejected: ${ranking.rejectedFamilies.length}` : ''}. Tick
            two or three to compare.
          </p>
          <RankingTable designs={shown} picked={picked} toggle={toggle} />
          {chosen.length >= 2 ? <Comparison chosen={chosen} /> : null}
        </>
      ) : null}
    </section>
  );
}
