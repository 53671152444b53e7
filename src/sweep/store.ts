// The run store (issue 19): one SQLite row per run, keyed by src/sweep/key.ts's hash, with the scenario, the result
// JSON (or the error) and timings. Every write is its own transaction in WAL mode, so a sweep stopped at any moment
// (Ctrl-C, kill -9, a power cut) leaves every row whole, and the next run resumes from what is there. A stored result
// is never overwritten: a point delivered twice (a queue job retried after its worker died) keeps its first result.
// Left out: several processes writing one store at once (SQLite serializes them; the queue's submitter is the only
// writer by design), and schema migrations (version 1 is the first).
import Database from 'better-sqlite3';

export const STORE_SCHEMA_VERSION = 1;

/** One stored run. `result` and `error` are JSON text and a message; exactly one of them is set. */
export interface StoredRun {
  key: string;
  sweep: string;
  point: Record<string, unknown>;
  seed: number;
  engine: string;
  code: string;
  scenario: unknown;
  result?: string;
  error?: string;
  startedAt: string;
  finishedAt: string;
  wallMs: number;
  worker: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  key TEXT PRIMARY KEY,          -- sha256 of scenario, referenced files, engine, seed and code
  sweep TEXT NOT NULL,           -- the sweep's name (its file name without extension, or its name field)
  point TEXT NOT NULL,           -- JSON: the varied fields' values, by dot path
  seed INTEGER NOT NULL,
  engine TEXT NOT NULL,
  code TEXT NOT NULL,            -- sha256 of the program that ran it
  scenario TEXT,                 -- JSON: the expanded scenario (null when the combination did not validate)
  result TEXT,                   -- JSON: the Result, or null when the point failed
  error TEXT,                    -- why it failed, or null
  started_at TEXT NOT NULL,      -- ISO 8601, UTC
  finished_at TEXT NOT NULL,
  wall_ms REAL NOT NULL,
  worker TEXT NOT NULL           -- host/pid/thread that ran it
);
CREATE INDEX IF NOT EXISTS runs_sweep ON runs (sweep);
`;

interface Row {
  key: string;
  sweep: string;
  point: string;
  seed: number;
  engine: string;
  code: string;
  scenario: string | null;
  result: string | null;
  error: string | null;
  started_at: string;
  finished_at: string;
  wall_ms: number;
  worker: string;
}

const fromRow = (r: Row): StoredRun => ({
  key: r.key,
  sweep: r.sweep,
  point: JSON.parse(r.point) as Record<string, unknown>,
  seed: r.seed,
  engine: r.engine,
  code: r.code,
  scenario: r.scenario === null ? null : (JSON.parse(r.scenario) as unknown),
  ...(r.result === null ? {} : { result: r.result }),
  ...(r.error === null ? {} : { error: r.error }),
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  wallMs: r.wall_ms,
  worker: r.worker,
});

export class RunStore {
  private readonly db: Database.Database;
  private insertStmt?: Database.Statement;
  private hasResultStmt?: Database.Statement;

  constructor(
    readonly path: string,
    opts: { readonly?: boolean } = {},
  ) {
    this.db = new Database(path, { readonly: opts.readonly === true, fileMustExist: opts.readonly === true });
    if (!opts.readonly) {
      this.db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode: a committed row survives a crash of the process; a power cut may lose the last ones,
      // which the next run computes again (SQLite's documentation, "PRAGMA synchronous").
      this.db.pragma('synchronous = NORMAL');
      this.db.exec(SCHEMA);
      this.db
        .prepare('INSERT OR IGNORE INTO meta (name, value) VALUES (?, ?)')
        .run('schema', String(STORE_SCHEMA_VERSION));
    }
    this.db.pragma('busy_timeout = 5000');
  }

  // Prepared on first use: a read-only store opened while its writer is still creating the file has no table yet.
  private get insert(): Database.Statement {
    this.insertStmt ??= this.db.prepare(
      `INSERT INTO runs (key, sweep, point, seed, engine, code, scenario, result, error, started_at, finished_at, wall_ms, worker)
       VALUES (@key, @sweep, @point, @seed, @engine, @code, @scenario, @result, @error, @started_at, @finished_at, @wall_ms, @worker)
       ON CONFLICT (key) DO UPDATE SET sweep = excluded.sweep, point = excluded.point, scenario = excluded.scenario,
         result = excluded.result, error = excluded.error, started_at = excluded.started_at,
         finished_at = excluded.finished_at, wall_ms = excluded.wall_ms, worker = excluded.worker
       WHERE runs.result IS NULL`,
    );
    return this.insertStmt;
  }

  private get hasResult(): Database.Statement {
    this.hasResultStmt ??= this.db.prepare('SELECT 1 FROM runs WHERE key = ? AND result IS NOT NULL');
    return this.hasResultStmt;
  }

  private hasTable(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").get() !== undefined;
  }

  /** True when the run has a stored result (a stored failure is run again). */
  done(key: string): boolean {
    return this.hasResult.get(key) !== undefined;
  }

  /** Stores a run; false when a result was already stored under its key (it is kept). */
  put(run: StoredRun): boolean {
    const info = this.insert.run({
      key: run.key,
      sweep: run.sweep,
      point: JSON.stringify(run.point),
      seed: run.seed,
      engine: run.engine,
      code: run.code,
      scenario: run.scenario === null || run.scenario === undefined ? null : JSON.stringify(run.scenario),
      result: run.result ?? null,
      error: run.result === undefined ? (run.error ?? 'no result') : null,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      wall_ms: run.wallMs,
      worker: run.worker,
    });
    return info.changes > 0;
  }

  /** The run whose key is `key` or starts with it (at least 6 characters); undefined if none or several match. */
  get(key: string): StoredRun | undefined {
    if (key.length < 6 || !this.hasTable()) return undefined;
    const rows = this.db
      .prepare('SELECT * FROM runs WHERE key >= ? AND key < ? LIMIT 2')
      .all(key, `${key}\uffff`) as Row[];
    return rows.length === 1 ? fromRow(rows[0]) : undefined;
  }

  /** Every run (optionally of one sweep), oldest first. */
  list(sweep?: string): StoredRun[] {
    if (!this.hasTable()) return [];
    const rows = (
      sweep === undefined
        ? this.db.prepare('SELECT * FROM runs ORDER BY rowid').all()
        : this.db.prepare('SELECT * FROM runs WHERE sweep = ? ORDER BY rowid').all(sweep)
    ) as Row[];
    return rows.map(fromRow);
  }

  /** SQLite's own check of the file ("ok" when whole). */
  integrity(): string {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
