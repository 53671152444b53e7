// Regression goldens: every built-in scenario's design (or planner ranking) as committed JSON. They guard
// against unintended change; correctness comes from the validation and invariant tests.
// Refresh after an intended change with: UPDATE_GOLDENS=1 npx vitest run test/goldens.test.ts
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../src/catalog/index.ts';
import { designFabric, planDesigns } from '../src/fabric/index.ts';
import { designJson, plannerJson } from '../src/report/plan.ts';
import { scenarioCatalogFiles } from '../src/scenario/catalog-refs.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';

const scenarios = fileURLToPath(new URL('../scenarios/', import.meta.url));
const goldens = fileURLToPath(new URL('./goldens/', import.meta.url));
const catalog = loadCatalog();

describe('built-in scenarios compile to their committed goldens', () => {
  const files = readdirSync(scenarios).filter((f) => f.endsWith('.yaml'));
  it('there are built-in scenarios', () => expect(files.length).toBeGreaterThanOrEqual(3));
  it.each(files)('%s', (f) => {
    // A lab scenario names its user catalog (`catalog: [...]`); the others use the built-in one.
    const extra = scenarioCatalogFiles(`${scenarios}${f}`);
    const cat = extra.length ? loadCatalog(extra) : catalog;
    const s = loadScenarioFile(`${scenarios}${f}`, cat);
    const got = s.fabric.topology
      ? designJson(designFabric(s.fabric, cat, s.name))
      : plannerJson(planDesigns(s.fabric, cat), 5);
    const path = `${goldens}${f.replace(/\.yaml$/, '.json')}`;
    const text = `${JSON.stringify(got, null, 2)}\n`;
    if (process.env.UPDATE_GOLDENS === '1') writeFileSync(path, text);
    expect(existsSync(path), `missing golden ${path}: run with UPDATE_GOLDENS=1`).toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(path, 'utf8')));
  });
});

describe('docs generated from the schema', () => {
  it('docs/scenario-reference.md is current (npm run docs)', async () => {
    const { scenarioReferenceMarkdown } = await import('../src/scenario/reference.ts');
    const committed = readFileSync(new URL('../docs/scenario-reference.md', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioReferenceMarkdown());
  });
});
