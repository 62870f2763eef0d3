// Minimizes one crashing input file against a target: shared by `fuzzwb minimize` and the engine server.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startExecutor } from '../exec/executor';
import { runChecked } from '../fuzz/leakCheck';
import { findSymbolizer } from '../exec/findTool';
import { writeFileAtomic } from '../io/atomicWrite';
import { sha1 } from '../fuzz/artifacts';
import { parseSkipList } from './crashState';
import { FindingStore } from './findingStore';
import { minimizeCrash } from './minimize';
import { LlvmSymbolizer } from './symbolizer';
import { Triager } from './triager';

export interface MinimizeFileOptions {
  target: string;
  crashFile: string;
  /** Written to `<prefix>minimized-from-<sha1>` unless `exactPath` is set. */
  artifactPrefix: string;
  exactPath: string;
  timeoutMs: number;
  rssLimitMb: number;
  startupTimeoutMs: number;
  triageSkip: string;
  /** 0 = no limit. */
  maxRuns: number;
  maxTimeMs: number;
}

export interface MinimizeFileResult {
  path: string;
  size: number;
  originalSize: number;
  runs: number;
  /** Stopped by maxRuns / maxTimeMs rather than by running out of smaller candidates. */
  limited: boolean;
}

/** The input is unreadable or does not crash: the caller's input, not an engine failure. */
export class MinimizeInputError extends Error {
  constructor(
    message: string,
    readonly reason: 'unreadable' | 'no-crash',
  ) {
    super(message);
  }
}

/** Shrinks `crashFile` while its crash state stays the same and writes the result atomically. */
export async function minimizeFile(
  opts: MinimizeFileOptions,
  info: (message: string) => void,
): Promise<MinimizeFileResult> {
  let input: Buffer;
  try {
    input = readFileSync(opts.crashFile);
  } catch (err) {
    throw new MinimizeInputError(
      `cannot read ${opts.crashFile}: ${(err as Error).message}`,
      'unreadable',
    );
  }
  const target = resolve(opts.target);
  const { executor } = await startExecutor({
    target,
    timeoutMs: opts.timeoutMs,
    rssLimitMb: opts.rssLimitMb,
    handshakeTimeoutMs: opts.startupTimeoutMs,
    maxInputSize: Math.max(1, input.length),
    // A leak is minimized under the leak check, as it was found.
    detectLeaks: true,
  });
  const tool = findSymbolizer();
  const symbolizer = tool !== undefined ? new LlvmSymbolizer(tool) : undefined;
  const triager = new Triager(executor, new FindingStore(), {
    target,
    prefix: opts.artifactPrefix,
    verifyRuns: 0,
    skip: parseSkipList(opts.triageSkip),
    ...(symbolizer !== undefined ? { symbolizer } : {}),
  });
  try {
    const first = await runChecked(executor, input);
    if (first.kind === 'ok') {
      throw new MinimizeInputError(
        `${opts.crashFile} does not crash ${target}: nothing to minimize`,
        'no-crash',
      );
    }
    const { state } = await triager.analyze(first);
    info(`minimizing ${input.length} bytes; crash state: ${state.key.replace(/\n/g, ' / ')}`);
    const result = await minimizeCrash(
      input,
      async (candidate) => {
        const r = await runChecked(executor, candidate);
        return r.kind !== 'ok' && (await triager.analyze(r)).state.key === state.key;
      },
      { maxRuns: opts.maxRuns, maxTimeMs: opts.maxTimeMs },
    );
    const out =
      opts.exactPath !== ''
        ? opts.exactPath
        : `${opts.artifactPrefix}minimized-from-${sha1(input)}`;
    writeFileAtomic(out, result.input);
    return {
      path: out,
      size: result.input.length,
      originalSize: input.length,
      runs: result.runs,
      limited: result.limited,
    };
  } finally {
    await symbolizer?.close();
    await executor.stop();
  }
}
