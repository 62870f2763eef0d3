// Per-file line and function coverage states as the engine reports them, with running counts.
import type { DeltaLine, FileLines, LineState } from '../../protocol/messages';

/** One file's coverage; counts are kept up to date so a summary never walks every line. */
export interface FileCoverageState {
  file: string;
  /** 1-based line → state, instrumented lines only. */
  lines: Map<number, LineState>;
  functions: Map<string, LineState>;
  linesHit: number;
  functionsHit: number;
  /** A snapshot gives function counts without names; used until a delta names functions. */
  snapshotFunctions?: { total: number; hit: number };
}

/** The numbers the Test Coverage API and the status bar show for one file. */
export interface FileCoverageCounts {
  file: string;
  linesTotal: number;
  linesHit: number;
  functionsTotal: number;
  functionsHit: number;
}

const isHit = (s: LineState | undefined): boolean => s === 'covered' || s === 'partial';

export class CoverageStore {
  private readonly files = new Map<string, FileCoverageState>();
  /**
   * Lines a crash stack shows were executed. A crash stops its line before the coverage point of
   * the code after the faulting access (or after the call a caller frame is in), so sancov alone
   * may call the very line of a finding uncovered; such a line is shown as partial instead.
   */
  private readonly reached = new Map<string, Set<number>>();

  /** Folds in a delta; returns the files whose lines or functions changed. */
  applyDelta(delta: DeltaLine): string[] {
    const changed: string[] = [];
    for (const fd of delta.files) {
      const rec = this.fileRecord(fd.file);
      let touched = false;
      for (const { line, state } of fd.lines) {
        touched = setLine(rec, line, this.adjusted(fd.file, line, state)) || touched;
      }
      for (const fn of fd.functions) touched = setFunction(rec, fn.name, fn.state) || touched;
      if (touched) changed.push(fd.file);
    }
    return changed;
  }

  /**
   * Replaces the files a snapshot holds (a restarted engine catching up); files the snapshot
   * leaves out are kept, since a snapshot may be asked for a few files only. Returns them all.
   */
  applySnapshot(files: readonly FileLines[]): string[] {
    const changed: string[] = [];
    for (const f of files) {
      const rec: FileCoverageState = {
        file: f.file,
        lines: new Map(),
        functions: new Map(),
        linesHit: 0,
        functionsHit: 0,
        snapshotFunctions: { total: f.functionsTotal, hit: f.functionsHit },
      };
      for (const { line, state } of f.lines) setLine(rec, line, this.adjusted(f.file, line, state));
      this.files.set(f.file, rec);
      changed.push(f.file);
    }
    return changed;
  }

  /** Records lines a crash stack passed through; returns the files whose shown state changed. */
  markReached(spots: readonly { file: string; line: number }[]): string[] {
    const changed = new Set<string>();
    for (const { file, line } of spots) {
      let lines = this.reached.get(file);
      if (lines === undefined) this.reached.set(file, (lines = new Set()));
      if (lines.has(line)) continue;
      lines.add(line);
      const rec = this.files.get(file);
      if (rec?.lines.get(line) === 'uncovered' && setLine(rec, line, 'partial')) changed.add(file);
    }
    return [...changed];
  }

  private adjusted(file: string, line: number, state: LineState): LineState {
    return state === 'uncovered' && this.reached.get(file)?.has(line) === true ? 'partial' : state;
  }

  get(file: string): FileCoverageState | undefined {
    return this.files.get(file);
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }

  counts(file: string): FileCoverageCounts | undefined {
    const rec = this.files.get(file);
    if (rec === undefined) return undefined;
    const snap = rec.functions.size === 0 ? rec.snapshotFunctions : undefined;
    return {
      file,
      linesTotal: rec.lines.size,
      linesHit: rec.linesHit,
      functionsTotal: snap?.total ?? rec.functions.size,
      functionsHit: snap?.hit ?? rec.functionsHit,
    };
  }

  /** Drops everything; returns the files that had coverage, so their views can be cleared. */
  clear(): string[] {
    const names = this.fileNames();
    this.files.clear();
    return names;
  }

  private fileRecord(file: string): FileCoverageState {
    let rec = this.files.get(file);
    if (rec === undefined) {
      rec = { file, lines: new Map(), functions: new Map(), linesHit: 0, functionsHit: 0 };
      this.files.set(file, rec);
    }
    return rec;
  }
}

function setLine(rec: FileCoverageState, line: number, state: LineState): boolean {
  const old = rec.lines.get(line);
  if (old === state) return false;
  rec.linesHit += Number(isHit(state)) - Number(isHit(old));
  rec.lines.set(line, state);
  return true;
}

function setFunction(rec: FileCoverageState, name: string, state: LineState): boolean {
  const old = rec.functions.get(name);
  if (old === state) return false;
  rec.functionsHit += Number(isHit(state)) - Number(isHit(old));
  rec.functions.set(name, state);
  return true;
}
