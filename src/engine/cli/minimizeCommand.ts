// `fuzzwb minimize TARGET CRASH_FILE`: shrinks a crashing input while it keeps its crash state.
import { MinimizeInputError, minimizeFile } from '../triage/minimizeFile';
import { timeoutMsOf, UsageError, type ParsedArgs } from './flags';
import { EXIT } from './exitCodes';

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function minimizeCommand(args: ParsedArgs): Promise<number> {
  const [targetArg, crashFile] = args.positional;
  if (targetArg === undefined || crashFile === undefined || args.positional.length !== 2) {
    throw new UsageError('usage: fuzzwb minimize TARGET CRASH_FILE [-runs=N] [-max_total_time=S]');
  }
  const f = args.flags;
  try {
    const r = await minimizeFile(
      {
        target: targetArg,
        crashFile,
        artifactPrefix: f.artifact_prefix,
        exactPath: f.exact_artifact_path,
        timeoutMs: timeoutMsOf(f),
        rssLimitMb: f.rss_limit_mb,
        startupTimeoutMs: f.startup_timeout_ms,
        triageSkip: f.triage_skip,
        maxRuns: f.runs,
        maxTimeMs: f.max_total_time * 1000,
      },
      (m) => say(`INFO: ${m}`),
    );
    const why = r.limited ? ' (stopped by -runs / -max_total_time)' : '';
    say(`INFO: ${r.originalSize} -> ${r.size} bytes in ${r.runs} runs${why}`);
    say(`INFO: minimized input written to ${r.path}`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof MinimizeInputError)) throw err;
    // An unreadable file is bad usage; a file that does not crash is an error, as before.
    if (err.reason === 'unreadable') throw new UsageError(err.message);
    say(`fuzzwb: ${err.message}`);
    return EXIT.error;
  }
}
