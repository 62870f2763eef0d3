// Keeps a CoverageModel in step with a running executor: decodes new PCs, symbolizes, folds in hits.
import type { ModuleInfo } from '../native/types';
import type { PcLocation } from './batchSymbolizer';
import { CoverageModel, type SourcePoint } from './model';
import type { PathResolver } from './pathResolver';
import { decodePcTable, type PcEntry } from './pcTable';

/** What the collector reads of an executor (NativeExecutor has it); tests pass a fake. */
export interface CoverageSource {
  pcs(): Buffer;
  coverage(): Buffer;
  modules(): ModuleInfo[];
}

/** Symbol lookups by module; CachedPcSymbols is the real one. */
export interface PcLookup {
  lookup(module: string, offsets: readonly number[]): Promise<(PcLocation | undefined)[]>;
}

/** FWB_MODULE_GCC and FWB_GCC_SLOTS from native/include/fuzzwb_shm.h. */
const MODULE_GCC = 2;
export const GCC_SLOTS = 1 << 16;

export interface CollectorOptions {
  /** undefined when no symbolizer was found: coverage is then kept by PC only. */
  symbols: PcLookup | undefined;
  resolver: PathResolver;
  /** Called once per distinct problem (missing symbolizer, stripped module, bad table). */
  warn: (message: string) => void;
}

export class CoverageCollector {
  readonly model = new CoverageModel();
  /** Every decoded point, symbolized or not, by counter: the sancov export needs them all. */
  readonly entries = new Map<number, PcEntry>();
  private readonly locations = new Map<number, PcLocation>();
  private readonly warned = new Set<string>();
  private readonly unsymbolized = new Map<number, number>();
  private decodedUpTo = 0;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly source: CoverageSource,
    private readonly opts: CollectorOptions,
  ) {}

  /** Picks up new PCs and new hits; calls are serialized, so a live feed may call it freely. */
  refresh(): Promise<void> {
    const next = this.running.then(() => this.refreshNow());
    this.running = next.catch(() => undefined);
    return next;
  }

  modules(): ModuleInfo[] {
    return this.source.modules();
  }

  /** Source names debug info gave that no workspace file matched. */
  unresolvedFiles(): string[] {
    return this.opts.resolver.unresolved();
  }

  /** The location of a decoded point, when it was symbolized. */
  locationOf(counter: number): PcLocation | undefined {
    return this.locations.get(counter);
  }

  isHit(counter: number): boolean {
    return (this.source.coverage()[counter] ?? 0) !== 0;
  }

  private async refreshNow(): Promise<void> {
    const modules = this.source.modules();
    const pcs = this.source.pcs();
    const coverage = this.source.coverage();
    const guarded = modules.filter((m) => (m.flags & MODULE_GCC) === 0);
    const used = Math.max(0, ...guarded.map((m) => m.counterStart + m.counterCount));
    const fresh: PcEntry[] = [];
    const take = (from: number, to: number): void => {
      const { entries, warnings } = decodePcTable(pcs, modules, from, to);
      for (const w of warnings) this.warnOnce(w);
      for (const e of entries) {
        if (this.entries.has(e.counter)) continue;
        this.entries.set(e.counter, e);
        fresh.push(e);
      }
    };
    if (used > this.decodedUpTo) {
      take(this.decodedUpTo, used);
      this.decodedUpTo = used;
    }
    if (modules.some((m) => (m.flags & MODULE_GCC) !== 0) && coverage.length >= GCC_SLOTS) {
      take(coverage.length - GCC_SLOTS, coverage.length);
    }
    if (fresh.length > 0) await this.symbolize(modules, fresh);
    this.model.update(coverage);
  }

  private async symbolize(
    modules: readonly ModuleInfo[],
    fresh: readonly PcEntry[],
  ): Promise<void> {
    const symbols = this.opts.symbols;
    if (symbols === undefined) {
      this.warnOnce(
        'llvm-symbolizer not found (install llvm-19 or put llvm-symbolizer on PATH): ' +
          'coverage is listed by PC only, without lines',
      );
      return;
    }
    const byModule = new Map<number, PcEntry[]>();
    for (const e of fresh) {
      let list = byModule.get(e.module);
      if (list === undefined) byModule.set(e.module, (list = []));
      list.push(e);
    }
    const points: SourcePoint[] = [];
    for (const [index, list] of byModule) {
      const mod = modules[index];
      if (mod === undefined) continue;
      // gcc's PCs are return addresses: the call that reached the point is the byte before.
      const gcc = (mod.flags & MODULE_GCC) !== 0;
      const offsets = list.map((e) => (gcc && e.offset > 0 ? e.offset - 1 : e.offset));
      let locs: (PcLocation | undefined)[];
      try {
        locs = await symbols.lookup(mod.path, offsets);
      } catch (err) {
        this.warnOnce(`cannot symbolize ${mod.path}: ${(err as Error).message}`);
        locs = [];
      }
      let missing = 0;
      list.forEach((e, i) => {
        const loc = locs[i];
        if (loc === undefined) {
          missing++;
          return;
        }
        this.locations.set(e.counter, loc);
        const file = this.opts.resolver.resolve(loc.file).path;
        points.push({
          counter: e.counter,
          file,
          line: loc.line,
          column: loc.column,
          func: loc.func,
        });
      });
      const total = (this.unsymbolized.get(index) ?? 0) + missing;
      this.unsymbolized.set(index, total);
      if (missing === list.length) {
        this.warnOnce(
          `${mod.path} has no line information (stripped, or built without -g): ` +
            'its PCs are listed by address only',
        );
      }
    }
    this.model.addPoints(points);
  }

  private warnOnce(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.opts.warn(message);
  }
}
