// The coverage model: symbolized PCs grouped into lines and functions, updated from coverage bytes.

/** One instrumented point (a guard/counter or a gcc hash slot) with its source location. */
export interface SourcePoint {
  /** Index of the point's counter in the shared counter array. */
  counter: number;
  /** Resolved source file; the grouping key of lines. */
  file: string;
  line: number;
  column: number;
  func: string;
}

/** covered: every PC of the line hit; partial: some; uncovered: none. */
export type LineState = 'covered' | 'partial' | 'uncovered';

export interface LineChange {
  line: number;
  state: LineState;
}

export interface FunctionChange {
  name: string;
  /** First line of the function that carries a PC. */
  line: number;
  state: LineState;
}

/** The changes of one file since the previous delta. */
export interface FileDelta {
  file: string;
  lines: LineChange[];
  functions: FunctionChange[];
}

export interface CoverageTotals {
  files: number;
  lines: number;
  linesHit: number;
  functions: number;
  functionsHit: number;
  edges: number;
  edgesHit: number;
}

export interface CoverageDelta {
  files: FileDelta[];
  totals: CoverageTotals;
}

interface Tally {
  total: number;
  hit: number;
  /** State last reported in a delta; undefined before the first one. */
  reported: LineState | undefined;
}

interface FuncTally extends Tally {
  name: string;
  line: number;
}

interface FileRecord {
  file: string;
  lines: Map<number, Tally>;
  funcs: Map<string, FuncTally>;
  /** PCs per line, in the order they were added: pc keys for the writers. */
  points: SourcePoint[];
}

/**
 * Counters non-zero in `coverage` and not in `seen`. The map is mostly zeros, so it is read four
 * bytes at a time (a Uint32Array view: BigInt words would allocate on every read) and only non-zero
 * words are looked at byte by byte.
 */
export function newlyHit(coverage: Uint8Array, seen: ReadonlySet<number>): number[] {
  const out: number[] = [];
  const head = Math.min((4 - (coverage.byteOffset & 3)) & 3, coverage.length);
  const words = Math.floor((coverage.length - head) / 4);
  const check = (i: number): void => {
    if (coverage[i] !== 0 && !seen.has(i)) out.push(i);
  };
  for (let i = 0; i < head; i++) check(i);
  const view = new Uint32Array(coverage.buffer, coverage.byteOffset + head, words);
  for (let w = 0; w < view.length; w++) {
    if (view[w] === 0) continue;
    const base = head + w * 4;
    for (let i = base; i < base + 4; i++) check(i);
  }
  for (let i = head + view.length * 4; i < coverage.length; i++) check(i);
  return out;
}

export function stateOf(t: { total: number; hit: number }): LineState {
  if (t.hit === 0) return 'uncovered';
  return t.hit >= t.total ? 'covered' : 'partial';
}

/** A file's lines and functions as the writers read them. */
export interface FileCoverage {
  file: string;
  lines: { line: number; total: number; hit: number }[];
  functions: { name: string; line: number; total: number; hit: number }[];
  points: { point: SourcePoint; hit: boolean }[];
}

/**
 * Accumulates which points were hit. Points may be added at any time (gcc targets name their PCs
 * as they are first hit); `update` folds in the accumulated coverage bytes and `delta` returns only
 * what changed since the previous delta, so a live view never receives whole maps.
 */
export class CoverageModel {
  private readonly files = new Map<string, FileRecord>();
  private readonly byCounter = new Map<number, { rec: FileRecord; point: SourcePoint }>();
  private readonly hit = new Set<number>();
  private readonly dirtyLines = new Map<FileRecord, Set<number>>();
  private readonly dirtyFuncs = new Map<FileRecord, Set<string>>();
  /** Kept up to date as points are added and hit, so a delta never walks every line. */
  private readonly sums = { lines: 0, linesHit: 0, functions: 0, functionsHit: 0, edgesHit: 0 };

  /** Adds points; a counter already known keeps its first location. */
  addPoints(points: readonly SourcePoint[]): void {
    for (const p of points) {
      if (this.byCounter.has(p.counter)) continue;
      let rec = this.files.get(p.file);
      if (rec === undefined) {
        rec = { file: p.file, lines: new Map(), funcs: new Map(), points: [] };
        this.files.set(p.file, rec);
      }
      this.byCounter.set(p.counter, { rec, point: p });
      rec.points.push(p);
      const isHit = this.hit.has(p.counter) ? 1 : 0;
      let lt = rec.lines.get(p.line);
      if (lt === undefined) {
        rec.lines.set(p.line, (lt = { total: 0, hit: 0, reported: undefined }));
        this.sums.lines++;
      }
      lt.total++;
      this.countHit(lt, isHit, 'linesHit');
      let ft = rec.funcs.get(p.func);
      if (ft === undefined) {
        ft = { name: p.func, line: p.line, total: 0, hit: 0, reported: undefined };
        rec.funcs.set(p.func, ft);
        this.sums.functions++;
      }
      ft.total++;
      this.countHit(ft, isHit, 'functionsHit');
      ft.line = Math.min(ft.line, p.line);
      this.sums.edgesHit += isHit;
      this.markDirty(rec, p);
    }
  }

  /** Folds in accumulated coverage (one byte per counter, non-zero = hit). */
  update(coverage: Uint8Array): void {
    this.updateCounters(newlyHit(coverage, this.hit));
  }

  /** Marks counters hit directly (a list of newly covered counters). */
  updateCounters(counters: Iterable<number>): void {
    for (const counter of counters) {
      if (this.hit.has(counter)) continue;
      const known = this.byCounter.get(counter);
      if (known === undefined) {
        this.hit.add(counter);
        continue;
      }
      this.markHit(counter, known.rec, known.point);
    }
  }

  isKnown(counter: number): boolean {
    return this.byCounter.has(counter);
  }

  /** Line and function states that changed since the previous call (everything, the first time). */
  delta(): CoverageDelta {
    const files: FileDelta[] = [];
    const recs = new Set([...this.dirtyLines.keys(), ...this.dirtyFuncs.keys()]);
    for (const rec of recs) {
      const lines: LineChange[] = [];
      for (const line of this.dirtyLines.get(rec) ?? []) {
        const t = rec.lines.get(line);
        if (t === undefined) continue;
        const state = stateOf(t);
        if (state === t.reported) continue;
        t.reported = state;
        lines.push({ line, state });
      }
      const functions: FunctionChange[] = [];
      for (const name of this.dirtyFuncs.get(rec) ?? []) {
        const t = rec.funcs.get(name);
        if (t === undefined) continue;
        const state = stateOf(t);
        if (state === t.reported) continue;
        t.reported = state;
        functions.push({ name, line: t.line, state });
      }
      if (lines.length === 0 && functions.length === 0) continue;
      lines.sort((a, b) => a.line - b.line);
      files.push({ file: rec.file, lines, functions });
    }
    this.dirtyLines.clear();
    this.dirtyFuncs.clear();
    files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    return { files, totals: this.totals() };
  }

  totals(): CoverageTotals {
    return { files: this.files.size, edges: this.byCounter.size, ...this.sums };
  }

  /** Every file's lines, functions and points, sorted, for the exporters. */
  snapshot(): FileCoverage[] {
    return [...this.files.values()]
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
      .map((rec) => ({
        file: rec.file,
        lines: [...rec.lines.entries()]
          .map(([line, t]) => ({ line, total: t.total, hit: t.hit }))
          .sort((a, b) => a.line - b.line),
        functions: [...rec.funcs.values()]
          .map((f) => ({ name: f.name, line: f.line, total: f.total, hit: f.hit }))
          .sort((a, b) => a.line - b.line || (a.name < b.name ? -1 : 1)),
        points: rec.points.map((point) => ({ point, hit: this.hit.has(point.counter) })),
      }));
  }

  private markHit(counter: number, rec: FileRecord, point: SourcePoint): void {
    this.hit.add(counter);
    const lt = rec.lines.get(point.line);
    if (lt !== undefined) this.countHit(lt, 1, 'linesHit');
    const ft = rec.funcs.get(point.func);
    if (ft !== undefined) this.countHit(ft, 1, 'functionsHit');
    this.sums.edgesHit++;
    this.markDirty(rec, point);
  }

  /** Adds `n` hits to a line or function, counting it as hit the first time. */
  private countHit(t: Tally, n: number, sum: 'linesHit' | 'functionsHit'): void {
    if (n === 0) return;
    if (t.hit === 0) this.sums[sum]++;
    t.hit += n;
  }

  private markDirty(rec: FileRecord, p: SourcePoint): void {
    let lines = this.dirtyLines.get(rec);
    if (lines === undefined) this.dirtyLines.set(rec, (lines = new Set()));
    lines.add(p.line);
    let funcs = this.dirtyFuncs.get(rec);
    if (funcs === undefined) this.dirtyFuncs.set(rec, (funcs = new Set()));
    funcs.add(p.func);
  }
}
