// `fuzzwb run TARGET FILE...`: runs inputs through the fork server and prints how each ended.
import { readFileSync } from 'node:fs';
import { startExecutor } from '../exec/executor';
import { parseSanitizerReport } from '../triage/sanitizerReport';
import { describeFrame, firstUserFrame } from '../triage/userFrames';
import { intFlag, UsageError, type ParsedArgs } from './flags';
import { EXIT, exitCodeFor } from './exitCodes';

/** One JSON object per input on stdout; the worst outcome decides the exit code. */
export async function runCommand(args: ParsedArgs): Promise<number> {
  const [target, ...files] = args.positional;
  if (target === undefined || files.length === 0) {
    throw new UsageError('usage: fuzzwb run TARGET FILE... [-flag=value...]');
  }
  const inputs = files.map((file) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new UsageError(`cannot read input ${file}: ${(err as Error).message}`);
    }
  });
  const f = args.flags;
  const { executor } = await startExecutor({
    target,
    timeoutMs: intFlag(f, 'timeout_ms') || intFlag(f, 'timeout') * 1000,
    rssLimitMb: intFlag(f, 'rss_limit_mb'),
    persistent: Math.max(1, intFlag(f, 'persistent')),
    handshakeTimeoutMs: intFlag(f, 'startup_timeout_ms'),
    maxInputSize: Math.max(1, ...inputs.map((i) => i.length)),
  });
  let code: number = EXIT.ok;
  try {
    for (const [i, input] of inputs.entries()) {
      const r = await executor.run(input);
      const report = parseSanitizerReport(r.output.toString('utf8'));
      const top = report !== undefined ? firstUserFrame(report.frames) : undefined;
      const line = {
        file: files[i],
        kind: r.kind,
        signal: r.signal,
        exitCode: r.exitCode,
        durationUs: r.durationUs,
        ...(report !== undefined ? { sanitizer: report.tool, type: report.kind } : {}),
        ...(top !== undefined ? { at: describeFrame(top) } : {}),
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      if (r.kind !== 'ok') code = Math.max(code, exitCodeFor(r.kind));
    }
  } finally {
    await executor.stop();
  }
  return code;
}
