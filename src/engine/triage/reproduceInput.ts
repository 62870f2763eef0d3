// Runs saved inputs once in fresh children and says how each ended: `fuzzwb run` and the server's Reproduce.
import { startExecutor } from '../exec/executor';
import { runChecked } from '../fuzz/leakCheck';
import type { EndKind, ExecResult } from '../native/types';
import { parseSanitizerReport } from './sanitizerReport';
import { describeFrame, firstUserFrame } from './userFrames';

export interface RunSummary {
  kind: EndKind;
  signal: number;
  exitCode: number;
  durationUs: number;
  sanitizer?: string;
  type?: string;
  /** The first frame in the user's code, `func file:line:col`. */
  at?: string;
}

/** How one run ended, with the sanitizer's verdict and where it happened when there is a report. */
export function summarizeRun(r: ExecResult): RunSummary {
  const report = parseSanitizerReport(r.output.toString('utf8'));
  const top = report !== undefined ? firstUserFrame(report.frames) : undefined;
  return {
    kind: r.kind,
    signal: r.signal,
    exitCode: r.exitCode,
    durationUs: r.durationUs,
    ...(report !== undefined ? { sanitizer: report.tool, type: report.kind } : {}),
    ...(top !== undefined ? { at: describeFrame(top) } : {}),
  };
}

export interface ReproduceOptions {
  target: string;
  timeoutMs: number;
  rssLimitMb: number;
  startupTimeoutMs: number;
  /** Inputs per child; 1 = a fresh fork each. */
  persistent: number;
  /** An input that allocates more than it frees runs again under LeakSanitizer's check. */
  detectLeaks?: boolean;
}

/**
 * Runs each input once through a fork server whose children symbolize their own reports, so the
 * output reads like the plain binary's. `each` sees every result before the next input runs: a
 * leak's is the leak check's.
 */
export async function runInputs(
  opts: ReproduceOptions,
  inputs: readonly Buffer[],
  each: (index: number, result: ExecResult) => void,
): Promise<void> {
  const { executor } = await startExecutor({
    target: opts.target,
    timeoutMs: opts.timeoutMs,
    rssLimitMb: opts.rssLimitMb,
    persistent: Math.max(1, opts.persistent),
    handshakeTimeoutMs: opts.startupTimeoutMs,
    maxInputSize: Math.max(1, ...inputs.map((i) => i.length)),
    detectLeaks: opts.detectLeaks ?? false,
  });
  try {
    for (const [i, input] of inputs.entries()) each(i, await runChecked(executor, input));
  } finally {
    await executor.stop();
  }
}
