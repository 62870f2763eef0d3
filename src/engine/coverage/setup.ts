// Wires a CoverageCollector to the real symbolizer, the symbol cache and the workspace roots.
import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { findSymbolizer } from '../exec/findTool';
import { LlvmPcSymbolizer } from './batchSymbolizer';
import { CoverageCollector, type CoverageSource } from './collector';
import { PathResolver } from './pathResolver';
import { CachedPcSymbols, defaultSymbolCacheDir } from './symbolCache';

export interface CoverageSetup {
  target: string;
  /** Extra directories source names are resolved against (-source_roots). */
  roots: readonly string[];
  warn: (message: string) => void;
  env?: Record<string, string | undefined>;
}

/**
 * The symbolizer: $FUZZWB_SYMBOLIZER when set (an unusable one is reported, not replaced, so the
 * user sees why), else the first llvm-symbolizer on PATH.
 */
export function pickSymbolizer(
  env: Record<string, string | undefined>,
  warn: (m: string) => void,
): string | undefined {
  const chosen = env.FUZZWB_SYMBOLIZER;
  if (chosen === undefined || chosen === '') return findSymbolizer();
  try {
    accessSync(chosen, constants.X_OK);
    return chosen;
  } catch {
    warn(`FUZZWB_SYMBOLIZER=${chosen} is not an executable file`);
    return undefined;
  }
}

/** Roots for source names: the ones given, the working directory, the target's directory. */
export function sourceRoots(target: string, extra: readonly string[]): string[] {
  const all = [...extra.map((r) => resolve(r)), process.cwd(), dirname(resolve(target))];
  return [...new Set(all)];
}

export function createCollector(source: CoverageSource, setup: CoverageSetup): CoverageCollector {
  const env = setup.env ?? process.env;
  const tool = pickSymbolizer(env, setup.warn);
  const symbols =
    tool === undefined
      ? undefined
      : new CachedPcSymbols(new LlvmPcSymbolizer(tool), defaultSymbolCacheDir(env));
  return new CoverageCollector(source, {
    symbols,
    resolver: new PathResolver(sourceRoots(setup.target, setup.roots)),
    warn: setup.warn,
  });
}
