// The server's threads (threads.ts): piscina calls `check` with one parse-heavy request (tasks.ts) and `demo` with
// the quick demo. Errors become the HTTP answer here (errors.ts), since their classes do not cross to the server's
// thread. Kept apart from the server so a thread loads the library and nothing of Fastify.
import { type Catalog, loadCatalog } from '../catalog/index.ts';
import { ScenarioError } from '../errors.ts';
import { reportFromResult } from '../report/from-result.ts';
import type { Result } from '../result/types.ts';
import { quickDemo } from './demo.ts';
import { apiError } from './errors.ts';
import { planFile, planJson } from './plan.ts';
import { renderReportHere } from './render.ts';
import { simulateJob } from './simulate.ts';
import { storedRuns } from './stored-runs.ts';
import type { CheckAnswer, CheckTask, DemoTask, RunOutcome } from './tasks.ts';
import { validateText } from './validate.ts';

let catalog: Catalog | undefined;

async function answer(t: CheckTask, c: Catalog): Promise<unknown> {
  switch (t.kind) {
    case 'validate':
      if (typeof t.yaml !== 'string')
        throw new ScenarioError([{ path: 'yaml', message: 'missing: send {"yaml": "the scenario text"}' }]);
      return validateText(t.yaml, c);
    case 'prepare':
      return simulateJob(t.body, c, t.limits);
    case 'plan':
      return planJson(t.body, c, t.top);
    case 'plan-file':
      return planFile(t.body, c);
    case 'report':
      return renderReportHere(reportFromResult(t.result as Result));
    case 'runs':
      return storedRuns(t.path, t.sweep, t.status);
  }
}

export async function check(t: CheckTask): Promise<CheckAnswer> {
  catalog ??= loadCatalog();
  try {
    return { ok: true, value: await answer(t, catalog) };
  } catch (e) {
    return { ok: false, ...apiError(e) };
  }
}

export function demo(t: DemoTask): Promise<RunOutcome> {
  return quickDemo(t);
}
