// One import run, shared by `fuzzwb import` and the engine server: read every path, then re-run and triage.
import { basename, resolve } from 'node:path';
import { PathResolver } from '../coverage/pathResolver';
import { startExecutor } from '../exec/executor';
import type { FindingRecord } from '../fuzz/artifacts';
import type { CrashRunner } from '../triage/triager';
import { Importer, type ImportLine } from './importer';
import { findInputs, type FoundInput } from './inputSources';
import { parseSarifLog, type ParsedSarif } from './sarifImport';

/** Everything the paths hold, read and checked before anything runs or is written. */
export interface GatheredImport {
  inputs: FoundInput[];
  sarif: ParsedSarif[];
  /** Inputs left out, each with why (another target's). */
  skipped: string[];
}

/**
 * Reads every path for `target` (the binary). Throws ImportSourceError or SarifImportError for
 * the first path that is missing, unreadable or holds nothing importable; nothing is written then.
 */
export function gatherImport(
  paths: readonly string[],
  target: string,
  prefix: string,
): GatheredImport {
  const out: GatheredImport = { inputs: [], sarif: [], skipped: [] };
  const now = new Date();
  for (const p of paths) {
    const found = findInputs(p, basename(target));
    out.inputs.push(...found.inputs);
    out.skipped.push(...found.skipped);
    for (const s of found.sarif)
      out.sarif.push(parseSarifLog(s.text, resolve(s.path), prefix, now));
  }
  return out;
}

export interface ImportRunOptions {
  /** The local target binary the inputs are re-run with. */
  target: string;
  /** The findings store: `<prefix>crash-<sha1>` (+ `.json`). */
  prefix: string;
  timeoutMs: number;
  rssLimitMb: number;
  startupTimeoutMs: number;
  verifyRuns: number;
  /** -triage_skip: extra frames to leave out of crash states. */
  skip: string;
  /** Where SARIF file names from another build tree are looked up. */
  sourceRoots: readonly string[];
}

export interface ImportRunResult {
  /** One line per input and SARIF result, inputs first, in the order they were imported. */
  lines: ImportLine[];
  /** Problems that did not stop the run (unreadable finding files, no symbolizer). */
  warnings: string[];
  /** Findings in the store before and after. */
  before: number;
  records: FindingRecord[];
}

/**
 * Re-runs the inputs on the local target and triages each bad end into the store, then adds the
 * SARIF results. The target starts only when there are inputs: a SARIF-only import works before
 * it is built. `onWarning` hears the store's warnings before anything runs.
 */
export async function runImport(
  gathered: GatheredImport,
  opts: ImportRunOptions,
  onWarning: (message: string) => void = () => undefined,
): Promise<ImportRunResult> {
  const target = resolve(opts.target);
  const { inputs, sarif } = gathered;
  const started =
    inputs.length === 0
      ? undefined
      : await startExecutor({
          target,
          timeoutMs: opts.timeoutMs,
          rssLimitMb: opts.rssLimitMb,
          persistent: 1,
          handshakeTimeoutMs: opts.startupTimeoutMs,
          maxInputSize: Math.max(1, ...inputs.map((i) => i.data.length)),
          // Crashes are symbolized by the importer's cached symbolizer, not in every child.
          symbolize: false,
          // leak- inputs of libFuzzer and ClusterFuzzLite leak only under the leak check.
          detectLeaks: true,
        });
  const runner: CrashRunner = started?.executor ?? {
    run: () => Promise.reject(new Error('no target process: nothing to re-run')),
  };
  const lines: ImportLine[] = [];
  try {
    const importer = new Importer(runner, {
      target,
      prefix: opts.prefix,
      verifyRuns: Math.max(0, opts.verifyRuns),
      skip: opts.skip,
    });
    try {
      for (const w of importer.warnings) onWarning(w);
      const before = importer.store.size;
      // Inputs first: a finding reproduced here is worth more than a SARIF result of the same bug.
      for (const input of inputs) lines.push(await importer.importInput(input, runner));
      const roots = opts.sourceRoots.length > 0 ? [...opts.sourceRoots] : [process.cwd()];
      const paths = new PathResolver(roots);
      for (const s of sarif) lines.push(...importer.importSarif(s, paths));
      return { lines, warnings: importer.warnings, before, records: importer.store.records() };
    } finally {
      await importer.close();
    }
  } finally {
    await started?.executor.stop();
  }
}
