// `aifabric capacity`: the SLO search of src/engine/inference/capacity.ts on a scenario, printed as a table or JSON.
import { capacitySearch, parseSlo } from '../../engine/inference/capacity.ts';
import { inferenceItem } from '../../engine/inference/index.ts';
import { ScenarioError } from '../../errors.ts';
import { table } from '../../report/plan.ts';
import { loadScenarioFile, locatingErrors } from '../../scenario/load.ts';
import { MAX_HOSTS } from '../../scenario/schema.ts';
import { catalogFor } from '../catalog-option.ts';
import { intOption } from '../options.ts';

/** What `aifabric capacity` was given (its options are declared in src/cli/commands/capacity.ts). */
export interface CapacityOptions {
  slo: string[];
  engine?: 'analytic' | 'flow';
  maxReplicas?: string;
  json?: boolean;
  catalog?: string[];
}

export function capacity(file: string, opts: CapacityOptions): void {
  locatingErrors(file, () => {
    const catalog = catalogFor(file, opts.catalog);
    const s = loadScenarioFile(file, catalog);
    if (!inferenceItem(s))
      throw new ScenarioError([
        { path: 'traffic', message: 'capacity needs an inference item, e.g. traffic: [{inference: {...}}]' },
      ]);
    const bounds = parseSlo(opts.slo);
    const maxReplicas =
      opts.maxReplicas === undefined
        ? undefined
        : intOption('--max-replicas', opts.maxReplicas, { min: 1, max: MAX_HOSTS });
    const engine = (opts.engine as 'analytic' | 'flow' | undefined) ?? (s.engine === 'analytic' ? 'analytic' : 'flow');
    const progress = process.stderr.isTTY === true && !opts.json;
    const r = capacitySearch(s, catalog, bounds, engine, {
      maxReplicas,
      onStep: progress
        ? (st) =>
            process.stderr.write(
              `  ${st.stage} ${st.replicas} on ${st.design}: ${st.values.map((v) => v.toFixed(2)).join(', ')} ms ${st.ok ? 'meets' : 'misses'} the SLO\n`,
            )
        : undefined,
    });
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
      return;
    }
    const out: string[] = [];
    out.push(
      `SLO ${r.slo.join(', ')} at ${r.load.ratePerS.toFixed(2)} requests/s (${r.load.arrivals}, ${r.load.requests} requests), ${r.engine} engine`,
    );
    out.push('');
    out.push(
      table(
        ['step', 'replicas', 'design', ...r.slo.map((x) => `${x.split('=')[0]} (ms)`), 'SLO'],
        r.steps.map((st) => [
          st.stage,
          st.replicas,
          st.design,
          ...st.values.map((v) => v.toFixed(2)),
          st.ok ? 'met' : 'missed',
        ]),
      ),
    );
    out.push('');
    out.push(
      `fewest replicas: ${r.replicas}; cheapest design that meets the SLO: ${r.design.switch} access under ${r.design.spineSwitch} aggregation (${r.design.switches} switches, $${Math.round(r.design.costUsd).toLocaleString('en-US')}, ${(r.design.powerW / 1000).toFixed(1)} kW)`,
    );
    out.push(
      `throughput ${r.throughputPerS.toFixed(2)} requests/s; network cost per 1,000 requests/s: $${Math.round(r.costPer1kRpsUsd).toLocaleString('en-US')}`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  });
}
