// `fuzzwb minimize TARGET CRASH_FILE`: shrinks a crashing input while it keeps its crash state.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startExecutor } from '../exec/executor';
import { findSymbolizer } from '../exec/findTool';
import { writeFileAtomic } from '../io/atomicWrite';
import { sha1 } from '../fuzz/artifacts';
import { parseSkipList } from '../triage/crashState';
import { FindingStore } from '../triage/findingStore';
import { minimizeCrash } from '../triage/minimize';
import { LlvmSymbolizer } from '../triage/symbolizer';
import { Triager } from '../triage/triager';
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
  let input: Buffer;
  try {
    input = readFileSync(crashFile);
  } catch (err) {
    throw new UsageError(`cannot read ${crashFile}: ${(err as Error).message}`);
  }
  const f = args.flags;
  const target = resolve(targetArg);
  const { executor } = await startExecutor({
    target,
    timeoutMs: intFlag(f, 'timeout_ms') || intFlag(f, 'timeout') * 1000,
    rssLimitMb: intFlag(f, 'rss_limit_mb'),
    handshakeTimeoutMs: intFlag(f, 'startup_timeout_ms'),
    maxInputSize: Math.max(1, input.length),
  });
  const tool = findSymbolizer();
  const symbolizer = tool !== undefined ? new LlvmSymbolizer(tool) : undefined;
  const triager = new Triager(executor, new FindingStore(), {
    target,
    prefix: stringFlag(f, 'artifact_prefix'),
    verifyRuns: 0,
    skip: parseSkipList(stringFlag(f, 'triage_skip')),
    ...(symbolizer !== undefined ? { symbolizer } : {}),
  });
  try {
    const first = await executor.run(input);
    if (first.kind === 'ok') {
      say(`fuzzwb: ${crashFile} does not crash ${target}: nothing to minimize`);
      return EXIT.error;
    }
    const { state } = await triager.analyze(first);
    say(`INFO: minimizing ${input.length} bytes; crash state: ${state.key.replace(/\n/g, ' / ')}`);
    const result = await minimizeCrash(
      input,
      async (candidate) => {
        const r = await executor.run(candidate);
        return r.kind !== 'ok' && (await triager.analyze(r)).state.key === state.key;
      },
      { maxRuns: intFlag(f, 'runs'), maxTimeMs: intFlag(f, 'max_total_time') * 1000 },
    );
    const exact = stringFlag(f, 'exact_artifact_path');
    const out =
      exact !== '' ? exact : `${stringFlag(f, 'artifact_prefix')}minimized-from-${sha1(input)}`;
    writeFileAtomic(out, result.input);
    const why = result.limited ? ' (stopped by -runs / -max_total_time)' : '';
    say(`INFO: ${input.length} -> ${result.input.length} bytes in ${result.runs} runs${why}`);
    say(`INFO: minimized input written to ${out}`);
    return EXIT.ok;
  } finally {
    await symbolizer?.close();
    await executor.stop();
  }
}
