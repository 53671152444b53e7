// The Design page: a fabric spec form (topology, hosts, GPUs per server, NIC, switch, oversubscription) and the
// design POST /api/plan returns for it (the JSON of `plan --json`): switch counts, bill of materials, cost,
// power, bisection, oversubscription; with the topology diagram and the CSV/SVG downloads where the server has
// POST /api/plan/files. It asks again each time the form settles. Leaves out: spine/core switch choice.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { DesignJson } from '../../../src/report/plan.ts';
import { ApiError, download, postJson, saveBlob } from '../api.ts';
import { useCatalog, useSettled } from '../catalog.ts';
import { Field, NumberField, Problems } from '../Field.tsx';
import { count, kw, ratio, tbps, usd } from '../format.ts';

/** The generated topologies (src/scenario/schema.ts TOPOLOGIES; the browser test checks the two lists agree). */
export const TOPOLOGY_OPTIONS = ['leaf-spine', 'fat-tree', 'rail-optimized', 'ddc', 'access-aggregation'];

export interface DesignForm {
  topology: string;
  hosts: number;
  gpusPerNode: number;
  nic: string;
  switch: string;
  oversubscription: number;
}

const INITIAL: DesignForm = {
  topology: 'leaf-spine',
  hosts: 512,
  gpusPerNode: 1,
  nic: 'nic-400g',
  switch: 'aurcore-32x400g',
  oversubscription: 1,
};

/** The form as the scenario's `fabric` section; an empty switch lets the design pick its default. */
export function specOf(f: DesignForm): Record<string, unknown> {
  const spec: Record<string, unknown> = {
    topology: f.topology,
    hosts: f.hosts,
    gpusPerNode: f.gpusPerNode,
    nic: f.nic,
    oversubscription: f.oversubscription,
  };
  if (f.switch) spec.switch = f.switch;
  return spec;
}

const FILES = [
  { format: 'cabling-csv', name: 'cabling.csv', label: 'Cabling CSV' },
  { format: 'netbox-devices', name: 'netbox-devices.csv', label: 'NetBox devices' },
  { format: 'netbox-interfaces', name: 'netbox-interfaces.csv', label: 'NetBox interfaces' },
  { format: 'netbox-cables', name: 'netbox-cables.csv', label: 'NetBox cables' },
  { format: 'svg', name: 'topology.svg', label: 'Diagram SVG' },
];

function problemsOf(e: unknown) {
  if (e instanceof ApiError) return e.problems.map((p) => ({ message: p.message, where: p.field }));
  return [{ message: String(e) }];
}

function DesignInputs({ form, set }: { form: DesignForm; set: (f: Partial<DesignForm>) => void }) {
  const { catalog } = useCatalog();
  return (
    <form className="form-grid" aria-label="fabric design" onSubmit={(e) => e.preventDefault()}>
      <Field label="Topology">
        {(id) => (
          <select id={id} name="topology" value={form.topology} onChange={(e) => set({ topology: e.target.value })}>
            {TOPOLOGY_OPTIONS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        )}
      </Field>
      <NumberField
        label="Hosts (GPUs with a NIC each)"
        name="hosts"
        min={1}
        value={form.hosts}
        onValue={(v) => set({ hosts: v })}
      />
      <NumberField
        label="GPUs per server"
        name="gpusPerNode"
        min={1}
        value={form.gpusPerNode}
        onValue={(v) => set({ gpusPerNode: v })}
      />
      <Field label="NIC">
        {(id) => (
          <select id={id} name="nic" value={form.nic} onChange={(e) => set({ nic: e.target.value })}>
            {(catalog?.nics ?? [{ id: form.nic, name: form.nic }]).map((n) => (
              <option key={n.id} value={n.id}>
                {n.id}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Switch (leaf / access)">
        {(id) => (
          <select id={id} name="switch" value={form.switch} onChange={(e) => set({ switch: e.target.value })}>
            <option value="">the design's default</option>
            {(catalog?.switches ?? [{ id: form.switch, name: form.switch }]).map((s) => (
              <option key={s.id} value={s.id}>
                {s.id}
              </option>
            ))}
          </select>
        )}
      </Field>
      <NumberField
        label="Oversubscription (down:up)"
        hint="1 is non-blocking"
        name="oversubscription"
        min={1}
        step={0.5}
        value={form.oversubscription}
        onValue={(v) => set({ oversubscription: v })}
      />
    </form>
  );
}

function Summary({ d }: { d: DesignJson }) {
  const t = d.bom.totals;
  const over = Object.entries(d.metrics.oversubscription);
  return (
    <dl className="summary" aria-label="design summary">
      {Object.entries(d.switchesByRole).map(([role, n]) => (
        <div key={role}>
          <dt>{role} switches</dt>
          <dd data-testid={`switches-${role}`}>{count(n)}</dd>
        </div>
      ))}
      <div>
        <dt>total cost</dt>
        <dd data-testid="total-cost">{usd(t.costUsd)}</dd>
      </div>
      <div>
        <dt>cost per host</dt>
        <dd>{usd(t.costPerHostUsd)}</dd>
      </div>
      <div>
        <dt>power</dt>
        <dd data-testid="total-power">{kw(t.powerW)}</dd>
      </div>
      <div>
        <dt>bisection</dt>
        <dd data-testid="bisection">{tbps(d.metrics.bisectionGbps)}</dd>
      </div>
      <div>
        <dt>oversubscription</dt>
        <dd data-testid="oversubscription">{over.map(([k, v]) => `${k} ${ratio(v)}`).join(', ')}</dd>
      </div>
      <div>
        <dt>tiers, max hops</dt>
        <dd>
          {d.tiers}, {d.metrics.maxHops}
        </dd>
      </div>
    </dl>
  );
}

function Bom({ d }: { d: DesignJson }) {
  return (
    <div className="table-wrap">
      <table aria-label="bill of materials">
        <thead>
          <tr>
            <th>item</th>
            <th>role</th>
            <th className="num">quantity</th>
            <th className="num">unit price</th>
            <th className="num">cost</th>
            <th className="num">power</th>
          </tr>
        </thead>
        <tbody>
          {d.bom.items.map((i) => (
            <tr key={`${i.category}-${i.id}-${i.role}`}>
              <td title={i.name}>{i.id}</td>
              <td>{i.role}</td>
              <td className="num">{count(i.quantity)}</td>
              <td className="num">{usd(i.unitPriceUsd)}</td>
              <td className="num">{usd(i.costUsd)}</td>
              <td className="num">{kw(i.powerW)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={4}>total</td>
            <td className="num">{usd(d.bom.totals.costUsd)}</td>
            <td className="num">{kw(d.bom.totals.powerW)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

/** The server's diagram (our own renderer's SVG, src/report/diagram.ts), parsed as SVG and adopted into the
 * page; anything that could run (scripts, event handlers) is dropped first, as the report does (html.ts). */
function SvgMarkup({ svg }: { svg: string }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    for (const s of doc.querySelectorAll('script, foreignObject')) s.remove();
    for (const n of doc.querySelectorAll('*'))
      for (const a of [...n.attributes]) if (/^on/i.test(a.name)) n.removeAttribute(a.name);
    el.replaceChildren(document.importNode(doc.documentElement, true));
  }, [svg]);
  return <figure ref={ref} className="diagram" aria-label="topology diagram" />;
}

/** The diagram and the downloads, from POST /api/plan/files where this server has it (the diagram's request
 * tells: no separate probe). */
function Files({ spec }: { spec: Record<string, unknown> }) {
  const [have, setHave] = useState<boolean>();
  const [svg, setSvg] = useState('');
  useEffect(() => {
    let live = true;
    download('/api/plan/files', { spec, format: 'svg' })
      .then((b) => b.text())
      .then(
        (t) => {
          if (!live) return;
          setHave(true);
          setSvg(t);
        },
        (e) => {
          if (!live) return;
          if (e instanceof ApiError && e.missingRoute) setHave(false);
          setSvg('');
        },
      );
    return () => {
      live = false;
    };
  }, [spec]);
  if (have === false)
    return <p className="muted">Diagram and downloads: not available on this server (it has no /api/plan/files).</p>;
  if (have === undefined) return null;
  const get = (format: string, name: string) =>
    download('/api/plan/files', { spec, format }).then((b) => saveBlob(b, name));
  return (
    <>
      <div className="downloads">
        {FILES.map((f) => (
          <button key={f.format} type="button" onClick={() => void get(f.format, f.name)}>
            {f.label}
          </button>
        ))}
      </div>
      {svg ? <SvgMarkup svg={svg} /> : null}
    </>
  );
}

export function DesignPage() {
  const [form, setForm] = useState<DesignForm>(INITIAL);
  const settled = useSettled(form, 250);
  const spec = useMemo(() => specOf(settled), [settled]);
  const [design, setDesign] = useState<DesignJson>();
  const [problems, setProblems] = useState<{ message: string; where?: string }[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    setBusy(true);
    postJson<DesignJson>('/api/plan', spec).then(
      (d) => {
        if (!live) return;
        setDesign(d);
        setProblems([]);
        setBusy(false);
      },
      (e) => {
        if (!live) return;
        setProblems(problemsOf(e));
        setBusy(false);
      },
    );
    return () => {
      live = false;
    };
  }, [spec]);
  const stale = busy || settled !== form;
  return (
    <section aria-labelledby="design-h">
      <h1 id="design-h">Design a fabric</h1>
      <DesignInputs form={form} set={(f) => setForm((old) => ({ ...old, ...f }))} />
      <p className="status" aria-live="polite" data-testid="design-status">
        {stale ? 'updating...' : problems.length > 0 ? 'this spec cannot be built' : 'up to date'}
      </p>
      <Problems problems={problems} testId="design-errors" />
      {design && problems.length === 0 ? (
        <>
          <Summary d={design} />
          <Files spec={spec} />
          <h2>Bill of materials</h2>
          <Bom d={design} />
          {design.notes.length > 0 ? (
            <ul className="notes">
              {design.notes.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
