/**
 * The migration journal (SQLite via better-sqlite3, WAL, synchronous=FULL): every system's lifecycle
 * state and every step's status, written before a step runs and after it finishes, so that a run
 * killed at any point resumes without redoing finished steps. Also an append-only event log (what
 * changed, retries, rollbacks) and one row per run.
 */
import Database from 'better-sqlite3';
import { touchPrivateFile } from '../lib/private-files.js';
import type { LifecycleState } from './lifecycle.js';

type StepStatus = 'running' | 'done' | 'failed';

export interface StepRow {
  system: string;
  step: string;
  status: StepStatus;
  attempts: number;
  started_at: string;
  finished_at: string | null;
  detail: string | null;
}

export interface SystemRow {
  id: string;
  wave: number;
  state: LifecycleState;
  strategy: string;
  target_cloud: string;
  error: string | null;
  updated_at: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS systems (id TEXT PRIMARY KEY, wave INTEGER NOT NULL, state TEXT NOT NULL, strategy TEXT NOT NULL, target_cloud TEXT NOT NULL, error TEXT, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS steps (system TEXT NOT NULL, step TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, detail TEXT, PRIMARY KEY (system, step));
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, system TEXT, step TEXT, kind TEXT NOT NULL, detail TEXT);
CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, wave INTEGER NOT NULL, pid INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, result TEXT);
CREATE INDEX IF NOT EXISTS systems_wave ON systems (wave);
CREATE TABLE IF NOT EXISTS replication (system TEXT NOT NULL, round INTEGER NOT NULL, kind TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, bytes_sent INTEGER NOT NULL, seconds REAL NOT NULL, mbps REAL NOT NULL, bytes_behind INTEGER NOT NULL, files_behind INTEGER NOT NULL, PRIMARY KEY (system, round));
`;

/** One replication round: what it sent, and what the target still lacked right after it. */
export interface RoundRow {
  system: string;
  round: number;
  /** initial, incremental or final (under freeze). */
  kind: 'initial' | 'incremental' | 'final' | 'checksum';
  /** The target's copy is as of this moment (the round's start). */
  started_at: string;
  finished_at: string;
  bytes_sent: number;
  seconds: number;
  mbps: number;
  bytes_behind: number;
  files_behind: number;
}

const now = () => new Date().toISOString();

export class Journal {
  readonly db: Database.Database;
  constructor(
    readonly file: string,
    opts: { readonly?: boolean } = {},
  ) {
    if (!opts.readonly) touchPrivateFile(file); // 0600 before SQLite opens it (its -wal/-shm copy the mode)
    this.db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    this.db.pragma('busy_timeout = 5000');
    if (!opts.readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.exec(SCHEMA);
    }
  }

  /** Enter a wave's systems (state `planned`) unless the journal knows them already. */
  register(wave: number, systems: ReadonlyArray<{ id: string; strategy: string; target_cloud: string }>): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO systems (id, wave, state, strategy, target_cloud, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      for (const s of systems) insert.run(s.id, wave, 'planned', s.strategy, s.target_cloud, now());
    })();
  }

  system(id: string): SystemRow | undefined {
    return this.db.prepare('SELECT * FROM systems WHERE id = ?').get(id) as SystemRow | undefined;
  }

  systems(wave?: number): SystemRow[] {
    return (
      wave === undefined
        ? this.db.prepare('SELECT * FROM systems ORDER BY wave, id').all()
        : this.db.prepare('SELECT * FROM systems WHERE wave = ? ORDER BY id').all(wave)
    ) as SystemRow[];
  }

  setState(id: string, state: LifecycleState, error: string | null = null): void {
    this.db.prepare('UPDATE systems SET state = ?, error = ?, updated_at = ? WHERE id = ?').run(state, error, now(), id);
    this.event(id, null, 'state', state + (error ? `: ${error}` : ''));
  }

  step(system: string, step: string): StepRow | undefined {
    return this.db.prepare('SELECT * FROM steps WHERE system = ? AND step = ?').get(system, step) as StepRow | undefined;
  }

  steps(system?: string): StepRow[] {
    return (
      system === undefined ? this.db.prepare('SELECT * FROM steps').all() : this.db.prepare('SELECT * FROM steps WHERE system = ?').all(system)
    ) as StepRow[];
  }

  /** Written (and synced) before the step's effect: a crash after this line re-runs the step. */
  stepStarted(system: string, step: string): void {
    this.db
      .prepare(`INSERT INTO steps (system, step, status, attempts, started_at) VALUES (?, ?, 'running', 1, ?)
                ON CONFLICT (system, step) DO UPDATE SET status = 'running', attempts = attempts + 1, started_at = excluded.started_at, finished_at = NULL`)
      .run(system, step, now());
  }

  stepFinished(system: string, step: string, status: 'done' | 'failed', detail?: unknown): void {
    this.db
      .prepare('UPDATE steps SET status = ?, finished_at = ?, detail = ? WHERE system = ? AND step = ?')
      .run(status, now(), detail === undefined ? null : JSON.stringify(detail), system, step);
  }

  /** Forget a system's steps (after a rollback, so that a later run starts it afresh). */
  resetSteps(system: string): void {
    this.db.prepare('DELETE FROM steps WHERE system = ?').run(system);
    this.db.prepare('DELETE FROM replication WHERE system = ?').run(system);
  }

  event(system: string | null, step: string | null, kind: string, detail?: string): void {
    this.db.prepare('INSERT INTO events (at, system, step, kind, detail) VALUES (?, ?, ?, ?, ?)').run(now(), system, step, kind, detail ?? null);
  }

  events(system?: string): Array<{ seq: number; at: string; system: string | null; step: string | null; kind: string; detail: string | null }> {
    return (
      system === undefined
        ? this.db.prepare('SELECT * FROM events ORDER BY seq').all()
        : this.db.prepare('SELECT * FROM events WHERE system = ? ORDER BY seq').all(system)
    ) as never;
  }

  recordRound(r: RoundRow): void {
    this.db
      .prepare(
        'INSERT OR REPLACE INTO replication (system, round, kind, started_at, finished_at, bytes_sent, seconds, mbps, bytes_behind, files_behind) VALUES (@system, @round, @kind, @started_at, @finished_at, @bytes_sent, @seconds, @mbps, @bytes_behind, @files_behind)',
      )
      .run(r);
  }

  rounds(system: string): RoundRow[] {
    return this.db.prepare('SELECT * FROM replication WHERE system = ? ORDER BY round').all(system) as RoundRow[];
  }

  /** The latest round of every system (the lag the status and /metrics show). */
  latestRounds(): RoundRow[] {
    return this.db
      .prepare(
        'SELECT r.* FROM replication r JOIN (SELECT system, MAX(round) AS round FROM replication GROUP BY system) m ON r.system = m.system AND r.round = m.round ORDER BY r.system',
      )
      .all() as RoundRow[];
  }

  runStarted(wave: number): number {
    return Number(this.db.prepare('INSERT INTO runs (wave, pid, started_at) VALUES (?, ?, ?)').run(wave, process.pid, now()).lastInsertRowid);
  }

  runFinished(id: number, result: string): void {
    this.db.prepare('UPDATE runs SET finished_at = ?, result = ? WHERE id = ?').run(now(), result, id);
  }

  close(): void {
    this.db.close();
  }
}
