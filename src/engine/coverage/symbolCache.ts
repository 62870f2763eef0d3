// Symbolized PC tables cached on disk by build-id (~/.cache/fuzzwb/symbols/<build-id>.json).
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import { readBuildId } from '../triage/buildId';
import type { PcLocation, PcSymbolizer } from './batchSymbolizer';

const FORMAT = 1;

/** The file format: parallel arrays parse far faster than one object per PC. */
interface CacheFile {
  v: number;
  module: string;
  offsets: number[];
  /** Four numbers per offset: file index, line, column, function index; file -1 = unknown. */
  locs: number[];
  files: string[];
  funcs: string[];
}

/** ~/.cache/fuzzwb/symbols, or $FUZZWB_CACHE_DIR/symbols. */
export function defaultSymbolCacheDir(
  env: Record<string, string | undefined> = process.env,
): string {
  const base =
    env.FUZZWB_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'fuzzwb');
  return join(base, 'symbols');
}

function decode(file: CacheFile): Map<number, PcLocation | undefined> {
  const out = new Map<number, PcLocation | undefined>();
  file.offsets.forEach((off, i) => {
    const f = file.locs[i * 4] ?? -1;
    const name = file.files[f];
    out.set(
      off,
      f < 0 || name === undefined
        ? undefined
        : {
            file: name,
            line: file.locs[i * 4 + 1] ?? 0,
            column: file.locs[i * 4 + 2] ?? 0,
            func: file.funcs[file.locs[i * 4 + 3] ?? -1] ?? '??',
          },
    );
  });
  return out;
}

function encode(module: string, known: Map<number, PcLocation | undefined>): CacheFile {
  const files = new Map<string, number>();
  const funcs = new Map<string, number>();
  const index = (m: Map<string, number>, s: string): number => {
    let i = m.get(s);
    if (i === undefined) m.set(s, (i = m.size));
    return i;
  };
  const offsets: number[] = [];
  const locs: number[] = [];
  for (const [off, loc] of known) {
    offsets.push(off);
    if (loc === undefined) locs.push(-1, 0, 0, -1);
    else locs.push(index(files, loc.file), loc.line, loc.column, index(funcs, loc.func));
  }
  return { v: FORMAT, module, offsets, locs, files: [...files.keys()], funcs: [...funcs.keys()] };
}

/**
 * Answers PCs of a module from the disk cache and symbolizes only the ones it lacks, then writes
 * the grown table back atomically (concurrent engines at worst redo some work). A module without
 * a build-id is symbolized every run: a rebuilt file at the same path must not get stale answers.
 */
export class CachedPcSymbols {
  private readonly tables = new Map<string, Map<number, PcLocation | undefined>>();

  constructor(
    private readonly symbolizer: PcSymbolizer,
    private readonly dir: string | undefined = defaultSymbolCacheDir(),
  ) {}

  async lookup(module: string, offsets: readonly number[]): Promise<(PcLocation | undefined)[]> {
    const id = readBuildId(module);
    const key = id ?? `path:${module}`;
    let table = this.tables.get(key);
    if (table === undefined) {
      table = id !== undefined ? this.load(id) : new Map();
      this.tables.set(key, table);
    }
    const missing = [...new Set(offsets.filter((o) => !table.has(o)))];
    if (missing.length > 0) {
      const answers = await this.symbolizer.symbolize(module, missing);
      missing.forEach((o, i) => table.set(o, answers[i]));
      if (id !== undefined) this.save(id, module, table);
    }
    return offsets.map((o) => table.get(o));
  }

  private path(id: string): string | undefined {
    return this.dir === undefined ? undefined : join(this.dir, `${id}.json`);
  }

  private load(id: string): Map<number, PcLocation | undefined> {
    const p = this.path(id);
    if (p === undefined) return new Map<number, PcLocation | undefined>();
    try {
      const file = JSON.parse(readFileSync(p, 'utf8')) as CacheFile;
      return file.v === FORMAT ? decode(file) : new Map<number, PcLocation | undefined>();
    } catch {
      return new Map<number, PcLocation | undefined>();
    }
  }

  /** A cache that cannot be written only costs time on the next run. */
  private save(id: string, module: string, table: Map<number, PcLocation | undefined>): void {
    const p = this.path(id);
    if (p === undefined || this.dir === undefined) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileAtomic(p, JSON.stringify(encode(module, table)));
    } catch {
      // read-only home or a full disk: keep the answers in memory
    }
  }
}
