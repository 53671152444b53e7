// Typed errors. The CLI turns each into one clear line and a non-zero exit code (docs/architecture.md, "Errors").

/** One problem with the input: a path into it (`fabric.switch`), what is wrong and what would fix it. */
export interface InputProblem {
  path: string;
  message: string;
  /** `file:line:col` when the input came from a file. */
  location?: string;
}

/** A scenario (or CLI flag) that does not validate. Carries every problem found, each with its path. */
export class ScenarioError extends Error {
  readonly problems: InputProblem[];
  constructor(problems: InputProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ScenarioError';
    this.problems = problems;
  }
}

/** A run the resource guard refuses (over --max-memory or --max-events): an impossible request, not a usage error. */
export class LimitError extends ScenarioError {
  constructor(problems: InputProblem[]) {
    super(problems);
    this.name = 'LimitError';
  }
}

/** A design that cannot be built: names the constraint that failed and what to change. */
export class DesignError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.name = 'DesignError';
    this.path = path;
  }
}

/** A catalog file that does not validate. */
export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}

export function formatProblem(p: InputProblem): string {
  return p.location ? `${p.location}: ${p.path}: ${p.message}` : `${p.path}: ${p.message}`;
}

/** True for the errors whose message is meant for the user as it is (no stack trace). */
export function isUserError(e: unknown): e is ScenarioError | DesignError | CatalogError {
  return e instanceof ScenarioError || e instanceof DesignError || e instanceof CatalogError;
}
