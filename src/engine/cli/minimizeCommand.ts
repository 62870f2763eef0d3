// `fuzzwb minimize TARGET CRASH_FILE`: shrinks a crashing input while it keeps its crash state.
import { MinimizeInputError, minimizeFile } from '../triage/minimizeFile';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from './flags';
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
        artifactPrefix: stringFlag(f, 'artifact_prefix'),
        exactPath: stringFlag(f, 'exact_artifact_path'),
        timeoutMs: intFlag(f, 'timeout_ms') || intFlag(f, 'timeout') * 1000,
        rssLimitMb: intFlag(f, 'rss_limit_mb'),
        startupTimeoutMs: intFlag(f, 'startup_timeout_ms'),
        triageSkip: stringFlag(f, 'triage_skip'),
        maxRuns: intFlag(f, 'runs'),
        maxTimeMs: intFlag(f, 'max_total_time') * 1000,
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
