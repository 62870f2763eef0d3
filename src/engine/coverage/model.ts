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
 * Counters non-zero in `coverage` and not in `seen`. The map is mostly zeros, so it is read eight
 * bytes at a time and only non-zero words are looked at byte by byte.
 */
export function newlyHit(coverage: Uint8Array, seen: ReadonlySet<number>): number[] {
  const out: number[] = [];
  const head = Math.min((8 - (coverage.byteOffset & 7)) & 7, coverage.length);
  const words = Math.floor((coverage.length - head) / 8);
  const check = (i: number): void => {
    if (coverage[i] !== 0 && !seen.has(i)) out.push(i);
  };
  for (let i = 0; i < head; i++) check(i);
  const view = new BigUint64Array(coverage.buffer, coverage.byteOffset + head, words);
  for (let w = 0; w < view.length; w++) {
    if (view[w] === 0n) continue;
    const base = head + w * 8;
    for (let i = base; i < base + 8; i++) check(i);
  }
  for (let i = head + view.length * 8; i < coverage.length; i++) check(i);
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
      const lt = rec.lines.get(p.line) ?? { total: 0, hit: 0, reported: undefined };
      lt.total++;
      lt.hit += isHit;
      rec.lines.set(p.line, lt);
      const ft = rec.funcs.get(p.func) ?? {
        name: p.func,
        line: p.line,
        total: 0,
        hit: 0,
        reported: undefined,
      };
      ft.total++;
      ft.hit += isHit;
      ft.line = Math.min(ft.line, p.line);
      rec.funcs.set(p.func, ft);
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
    const t: CoverageTotals = {
      files: this.files.size,
      lines: 0,
      linesHit: 0,
      functions: 0,
      functionsHit: 0,
      edges: this.byCounter.size,
      edgesHit: 0,
    };
    for (const rec of this.files.values()) {
      for (const l of rec.lines.values()) {
        t.lines++;
        if (l.hit > 0) t.linesHit++;
        t.edgesHit += l.hit;
      }
      for (const f of rec.funcs.values()) {
        t.functions++;
        if (f.hit > 0) t.functionsHit++;
      }
    }
    return t;
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
    if (lt !== undefined) lt.hit++;
    const ft = rec.funcs.get(point.func);
    if (ft !== undefined) ft.hit++;
    this.markDirty(rec, point);
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
