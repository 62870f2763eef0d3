// `fuzzwb fuzz TARGET [CORPUS...]`: fuzz until a finding or a limit, libFuzzer-style output.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startExecutor } from '../exec/executor';
import { addToCorpus, artifactPath, writeFinding, type FindingRecord } from '../fuzz/artifacts';
import { FuzzLoop, type LoopStats } from '../fuzz/loop';
import { createRng } from '../fuzz/rng';
import { loadSeeds } from '../fuzz/seeds';
import type { BatchFinding } from '../native/types';
import { parseSanitizerReport } from '../triage/sanitizerReport';
import { describeFrame, firstUserFrame, isUserFrame } from '../triage/userFrames';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from './flags';
import { EXIT, exitCodeFor } from './exitCodes';

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

function statusLine(tag: string, s: LoopStats): string {
  return `#${s.execs}\t${tag.padEnd(6)} cov: ${s.cov} corp: ${s.corpus} exec/s: ${s.execsPerSec}`;
}

/** Prints the captured report, then where it happened in the user's code. */
function reportFinding(f: BatchFinding, artifact: string, record: FindingRecord): void {
  const text = f.output.toString('utf8');
  if (text.trim() !== '') process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  const r = record.report;
  const what = r !== null ? `${r.tool}: ${r.kind}` : f.signal !== 0 ? `signal ${f.signal}` : f.kind;
  say(`==fuzzwb== ${f.kind}: ${what}`);
  const top = r !== null ? firstUserFrame(r.frames) : undefined;
  if (top !== undefined) say(`==fuzzwb== at ${describeFrame(top)}`);
  if (r !== null) {
    for (const fr of r.frames.filter((x) => isUserFrame(x)).slice(0, 8))
      say(`    #${fr.index} ${describeFrame(fr)}`);
  }
  say(`==fuzzwb== input written to ${artifact} (reproduce: ${record.reproduce.join(' ')})`);
}

export async function fuzzCommand(args: ParsedArgs): Promise<number> {
  const [targetArg, ...corpusDirs] = args.positional;
  if (targetArg === undefined)
    throw new UsageError('usage: fuzzwb fuzz TARGET [CORPUS_DIR...] [-flag=value...]');
  const target = resolve(targetArg);
  const f = args.flags;
  const maxLen = intFlag(f, 'max_len');
  for (const d of corpusDirs.slice(0, 1)) mkdirSync(d, { recursive: true });
  const { seeds, warnings } = loadSeeds(corpusDirs, maxLen);
  for (const w of warnings) say(`WARNING: ${w}`);
  const seed = intFlag(f, 'seed') || Date.now() % 0x7fffffff;
  say(`INFO: Seed: ${seed}`);
  const timeoutMs = intFlag(f, 'timeout_ms') || intFlag(f, 'timeout') * 1000;
  const { executor, handshake } = await startExecutor({
    target,
    timeoutMs,
    rssLimitMb: intFlag(f, 'rss_limit_mb'),
    persistent: Math.max(1, intFlag(f, 'persistent')),
    handshakeTimeoutMs: intFlag(f, 'startup_timeout_ms'),
    maxInputSize: Math.max(maxLen, ...seeds.map((s) => s.length), 1),
  });
  say(
    `INFO: fork server up (pid ${handshake.serverPid}), ${handshake.modules.length} module(s), ${handshake.countersUsed} edge counters`,
  );
  say(`INFO: ${seeds.length} seed input(s) loaded`);
  const prefix = stringFlag(f, 'artifact_prefix');
  let findingKind: BatchFinding['kind'] | undefined;
  const loop = new FuzzLoop(
    executor,
    {
      rng: createRng(seed),
      maxLen,
      dictionary: [],
      maxTotalTimeMs: intFlag(f, 'max_total_time') * 1000,
      maxRuns: intFlag(f, 'runs'),
      batchTargetMs: 100,
    },
    {
      onNew: (input, s) => {
        if (corpusDirs[0] !== undefined) addToCorpus(corpusDirs[0], input);
        say(statusLine('NEW', s));
      },
      onPulse: (() => {
        let next = 1024;
        return (s: LoopStats) => {
          if (s.execs < next) return;
          while (next <= s.execs) next *= 2;
          say(statusLine('pulse', s));
        };
      })(),
      onFinding: (input, result) => {
        const path = artifactPath(prefix, result.kind, input);
        const report = parseSanitizerReport(result.output.toString('utf8')) ?? null;
        const record: FindingRecord = {
          artifact: path,
          kind: result.kind,
          signal: result.signal,
          exitCode: result.exitCode,
          report,
          reproduce: [target, resolve(path)],
          firstSeen: new Date().toISOString(),
          size: input.length,
        };
        writeFinding(input, record);
        reportFinding(result, path, record);
        findingKind = result.kind;
        return false;
      },
    },
  );
  const onSignal = (): void => loop.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const end = await loop.run(seeds);
    const s = loop.stats();
    say(statusLine(end === 'finding' ? 'CRASH' : 'DONE', s));
    if (intFlag(f, 'print_final_stats') !== 0) {
      say(`stat::number_of_executed_units: ${s.execs}`);
      say(`stat::average_exec_per_sec:     ${s.execsPerSec}`);
      say(`stat::new_units_added:          ${s.corpus}`);
      say(`stat::edges_covered:            ${s.cov}`);
    }
    return findingKind !== undefined ? exitCodeFor(findingKind) : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await executor.stop();
  }
}
