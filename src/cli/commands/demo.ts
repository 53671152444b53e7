import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from '@commander-js/extra-typings';
import { loadCatalog } from '../../catalog/index.ts';
import { designFabric, planDesigns } from '../../fabric/index.ts';
import { designText, plannerText } from '../../report/plan.ts';
import { loadScenarioFile } from '../../scenario/load.ts';

export const SCENARIO_DIR = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

/**
 * The main job. Until the simulation issues land it designs the built-in training and inference
 * fabrics from the catalog and prints them side by side.
 */
export function demoCommand() {
  return new Command('demo')
    .description('design the built-in training and inference fabrics (scenarios/) and print them')
    .option('--quick', 'smaller versions (for tests)')
    .action((opts) => {
      const catalog = loadCatalog();
      const files = readdirSync(SCENARIO_DIR)
        .filter((f) => f.endsWith('.yaml'))
        // Training first, then inference, as the seed compares them.
        .sort((a, b) => Number(a.startsWith('inference')) - Number(b.startsWith('inference')) || a.localeCompare(b));
      for (const f of files) {
        const s = loadScenarioFile(join(SCENARIO_DIR, f), catalog);
        if (opts.quick && s.fabric.hosts > 4096) continue;
        process.stdout.write(`=== ${s.name ?? f}: ${s.description ?? ''}\n`);
        if (s.fabric.topology) process.stdout.write(designText(designFabric(s.fabric, catalog, s.name)));
        else process.stdout.write(plannerText(planDesigns(s.fabric, catalog), 5));
        process.stdout.write('\n');
      }
    });
}
