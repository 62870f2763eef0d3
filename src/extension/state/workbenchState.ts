// The extension's view of fuzzing: session, stats, coverage and findings; vscode-free, with listeners.
import type {
  CoverageSnapshotResult,
  CoverageTotals,
  DeltaLine,
  FindingParams,
  FindingRecord,
  SessionEndedParams,
  StatusParams,
} from '../../protocol/messages';
import { CoverageStore } from './coverageStore';
import { StatsHistory } from './statsHistory';

/** What changed; views redraw only what they show. */
export type StateChange =
  | { kind: 'status' }
  /** `files`: the files whose line states changed (all of them after a snapshot or a reset). */
  | { kind: 'coverage'; files: readonly string[] }
  | { kind: 'findings' }
  | { kind: 'session' };

export type StateListener = (change: StateChange) => void;

export interface SessionInfo {
  id: number;
  target: string;
  running: boolean;
  end?: SessionEndedParams['end'];
  error?: string;
}

/** A finding and the target it was found in (the record itself does not name it). */
export interface FindingEntry {
  target: string;
  record: FindingRecord;
}

/** A finding's identity: its type and crash state (the engine's dedup key). */
export function findingKey(r: Pick<FindingRecord, 'type' | 'crashState'>): string {
  return [r.type, ...r.crashState].join('\n');
}

/**
 * One store that the engine's notifications write to and every view reads from. It survives engine
 * restarts: the last coverage and findings stay until replaced, so views never go blank.
 */
export class WorkbenchState {
  readonly coverage = new CoverageStore();
  readonly history = new StatsHistory();
  private sessionInfo: SessionInfo | undefined;
  private lastStatus: StatusParams | undefined;
  private coverageTotals: CoverageTotals | undefined;
  private readonly findingMap = new Map<string, FindingEntry>();
  private readonly listeners = new Set<StateListener>();

  /** `onListenerError` receives what a listener threw (the Output channel, in the extension). */
  constructor(private readonly onListenerError: (err: unknown) => void = rethrowLater) {}

  /** Adds a listener; the returned function removes it (fits `{ dispose }` wrappers). */
  onChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get session(): SessionInfo | undefined {
    return this.sessionInfo;
  }

  get status(): StatusParams | undefined {
    return this.lastStatus;
  }

  get totals(): CoverageTotals | undefined {
    return this.coverageTotals;
  }

  /**
   * A new session's first delta holds every instrumented line, so old coverage goes first. The
   * engine may announce a session's first notifications before its start response arrives; then
   * the session was already adopted and only gets its name here, keeping what it sent.
   */
  sessionStarted(id: number, target: string): void {
    const s = this.sessionInfo;
    if (s !== undefined && s.id === id && s.running) {
      this.sessionInfo = { ...s, target };
      this.emit({ kind: 'session' });
      return;
    }
    this.begin(id, target);
  }

  private begin(id: number, target: string): void {
    this.sessionInfo = { id, target, running: true };
    this.lastStatus = undefined;
    this.coverageTotals = undefined;
    this.history.clear();
    const cleared = this.coverage.clear();
    this.emit({ kind: 'session' });
    this.emit({ kind: 'status' });
    if (cleared.length > 0) this.emit({ kind: 'coverage', files: cleared });
  }

  sessionEnded(params: SessionEndedParams): void {
    if (this.sessionInfo === undefined || this.sessionInfo.id !== params.sessionId) return;
    this.sessionInfo = { ...this.sessionInfo, running: false, end: params.end };
    if (params.error !== undefined) this.sessionInfo.error = params.error;
    this.emit({ kind: 'session' });
  }

  applyStatus(status: StatusParams): void {
    if (!this.accept(status.sessionId)) return;
    this.lastStatus = status;
    this.history.add(status);
    this.emit({ kind: 'status' });
  }

  applyCoverage(delta: DeltaLine, sessionId?: number): void {
    if (sessionId !== undefined && !this.accept(sessionId)) return;
    this.coverageTotals = delta.totals;
    const files = this.coverage.applyDelta(delta);
    if (files.length > 0) this.emit({ kind: 'coverage', files });
  }

  applySnapshot(snapshot: CoverageSnapshotResult): void {
    if (snapshot.totals !== undefined) this.coverageTotals = snapshot.totals;
    const files = this.coverage.applySnapshot(snapshot.files);
    if (files.length > 0) this.emit({ kind: 'coverage', files });
  }

  /** Replaces every finding (a reload from disk): the ones not listed are gone. */
  setFindings(records: readonly FindingRecord[], target = this.currentTarget()): void {
    this.findingMap.clear();
    for (const record of records) this.findingMap.set(findingKey(record), { target, record });
    this.markCrashLines(records);
    this.emit({ kind: 'findings' });
  }

  /** A new finding, or a known crash state with a smaller input or more hits. */
  upsertFinding(params: FindingParams): void {
    const key = findingKey(params.record);
    const target = params.target ?? this.findingMap.get(key)?.target ?? this.currentTarget();
    this.findingMap.set(key, { target, record: params.record });
    this.markCrashLines([params.record]);
    this.emit({ kind: 'findings' });
  }

  /** The lines of the findings' stacks ran, whatever the coverage points say. */
  private markCrashLines(records: readonly FindingRecord[]): void {
    const spots: { file: string; line: number }[] = [];
    for (const r of records) {
      for (const f of r.frames) {
        if (f.file !== undefined && f.line !== undefined && f.line > 0) {
          spots.push({ file: f.file, line: f.line });
        }
      }
    }
    const files = this.coverage.markReached(spots);
    if (files.length > 0) this.emit({ kind: 'coverage', files });
  }

  findings(): FindingEntry[] {
    return [...this.findingMap.values()];
  }

  private currentTarget(): string {
    return this.sessionInfo?.target ?? 'fuzz target';
  }

  /**
   * Whether a notification of `sessionId` belongs in the state. The engine runs one session at a
   * time: another id while the current session runs is a late message of a replaced one; another
   * id when none runs is a new session whose start response has not arrived yet, adopted here.
   */
  private accept(sessionId: number): boolean {
    const s = this.sessionInfo;
    if (s !== undefined && s.id === sessionId) return true;
    if (s !== undefined && s.running) return false;
    this.begin(sessionId, s?.target ?? 'fuzz target');
    return true;
  }

  private emit(change: StateChange): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (err) {
        // One broken view must not starve the others of updates; the error is not lost.
        this.onListenerError(err);
      }
    }
  }
}

function rethrowLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}
