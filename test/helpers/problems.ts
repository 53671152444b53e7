// What a scenario error says, as the tests compare it: each problem as `path: message`, or none when `fn` throws
// nothing. Any other error is rethrown.
import { ScenarioError } from '../../src/errors.ts';

export function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}
