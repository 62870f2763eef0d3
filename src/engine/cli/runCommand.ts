// `fuzzwb run TARGET FILE...`: runs inputs through the fork server and prints how each ended.
import { readFileSync } from 'node:fs';
import { runInputs, summarizeRun } from '../triage/reproduceInput';
import { timeoutMsOf, UsageError, type ParsedArgs } from './flags';
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
  let code: number = EXIT.ok;
  await runInputs(
    {
      target,
      timeoutMs: timeoutMsOf(f),
      rssLimitMb: f.rss_limit_mb,
      startupTimeoutMs: f.startup_timeout_ms,
      persistent: f.persistent,
      detectLeaks: f.detect_leaks !== 0,
    },
    inputs,
    (i, r) => {
      process.stdout.write(`${JSON.stringify({ file: files[i], ...summarizeRun(r) })}\n`);
      if (r.kind !== 'ok') code = Math.max(code, exitCodeFor(r.kind));
    },
  );
  return code;
}
