// `fuzzwb fuzz TARGET [CORPUS...]`: fuzz until a finding (or, with -keep_going=1, a limit).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { openLiveDeltas } from '../coverage/liveDeltas';
import { addToCorpus } from '../fuzz/artifacts';
import { DictionaryError, loadDictionary } from '../fuzz/dictionary';
import { parseFuzzMode, startModeExecutors, FUZZ_MODES } from '../fuzz/hybridModes';
import { FuzzLoop, type LoopStats } from '../fuzz/loop';
import { createRng } from '../fuzz/rng';
import { loadSeeds } from '../fuzz/seeds';
import type { BatchFinding } from '../native/types';
import { TriageSession } from '../triage/session';
import { renderSymbolized } from '../triage/renderReport';
import type { TriageOutcome } from '../triage/triager';
import { describeFrame, firstUserFrame, isUserFrame } from '../triage/userFrames';
import { intFlag, stringFlag, UsageError, type ParsedArgs } from './flags';
import { EXIT, exitCodeFor } from './exitCodes';

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** At most one "not reproducible" line per this many ms: leaky targets produce thousands. */
const NOT_REPRODUCED_EVERY_MS = 5000;

/** Counts persistent-mode ends a fresh process did not repeat, and says so now and then. */
function notReproducedReporter(): { note(kind: string): void; count(): number } {
  let last = -Infinity;
  let count = 0;
  return {
    note: (kind) => {
      count++;
      const now = performance.now();
      if (now - last < NOT_REPRODUCED_EVERY_MS) return;
      last = now;
      say(
        `==fuzzwb== ${kind} not reproducible in a fresh process (depends on earlier inputs in ` +
          `the same child); not reported (${count} so far)`,
      );
    },
    count: () => count,
  };
}

function statusLine(tag: string, s: LoopStats, unique: number): string {
  return (
    `#${s.execs}\t${tag.padEnd(6)} cov: ${s.cov} corp: ${s.corpus} exec/s: ${s.execsPerSec}` +
    ` uniq: ${unique}`
  );
}

/** Prints the captured report of a new finding, then where it happened in the user's code. */
function reportNew(f: BatchFinding, outcome: TriageOutcome): void {
  const { record, analysis } = outcome;
  const raw = f.output.toString('utf8');
  const text = analysis.report !== undefined ? renderSymbolized(raw, analysis.report) : raw;
  if (text.trim() !== '') process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  say(`==fuzzwb== new ${f.kind}: ${record.type}`);
  const frames = analysis.report?.frames ?? [];
  const top = firstUserFrame(frames);
  if (top !== undefined) say(`==fuzzwb== at ${describeFrame(top)}`);
  for (const fr of frames.filter((x) => isUserFrame(x)).slice(0, 8)) {
    say(`    #${fr.index} ${describeFrame(fr)}`);
  }
  const v = record.verification;
  say(`==fuzzwb== crash state: ${record.crashState.join(' / ') || '(none)'}`);
  say(`==fuzzwb== verified: ${v.status} (${v.reproduced}/${v.runs} re-runs)`);
  say(`==fuzzwb== input written to ${record.artifact} (reproduce: ${record.reproduce.join(' ')})`);
}

export async function fuzzCommand(args: ParsedArgs): Promise<number> {
  const [targetArg, ...corpusDirs] = args.positional;
  if (targetArg === undefined)
    throw new UsageError('usage: fuzzwb fuzz TARGET [CORPUS_DIR...] [-flag=value...]');
  const target = resolve(targetArg);
  const f = args.flags;
  const maxLen = intFlag(f, 'max_len');
  const keepGoing = intFlag(f, 'keep_going') !== 0;
  for (const d of corpusDirs.slice(0, 1)) mkdirSync(d, { recursive: true });
  const { seeds, warnings } = loadSeeds(corpusDirs, maxLen);
  for (const w of warnings) say(`WARNING: ${w}`);
  const seed = intFlag(f, 'seed') || Date.now() % 0x7fffffff;
  say(`INFO: Seed: ${seed}`);
  const timeoutMs = intFlag(f, 'timeout_ms') || intFlag(f, 'timeout') * 1000;
  const dictPath = stringFlag(f, 'dict');
  let dictionary: Buffer[] = [];
  try {
    if (dictPath !== '') dictionary = loadDictionary(dictPath);
  } catch (err) {
    if (err instanceof DictionaryError) throw new UsageError(err.message);
    throw err;
  }
  if (dictPath !== '') say(`INFO: ${dictionary.length} dictionary token(s) from ${dictPath}`);
  const useCmp = intFlag(f, 'use_cmp') !== 0;
  const mode = parseFuzzMode(stringFlag(f, 'mode'));
  if (mode === undefined) {
    throw new UsageError(
      `-mode takes one of ${FUZZ_MODES.join(', ')}, not "${stringFlag(f, 'mode')}"`,
    );
  }
  const notReproduced = notReproducedReporter();
  const execs = await startModeExecutors(
    mode,
    {
      target,
      timeoutMs,
      rssLimitMb: intFlag(f, 'rss_limit_mb'),
      handshakeTimeoutMs: intFlag(f, 'startup_timeout_ms'),
      maxInputSize: Math.max(maxLen, ...seeds.map((s) => s.length), 1),
      // Crashes are symbolized by the triage session's cached symbolizer, not in every child.
      symbolize: false,
      cmp: useCmp,
    },
    Math.max(0, intFlag(f, 'persistent')),
    { onNotReproduced: (_input, res) => notReproduced.note(res.kind) },
  );
  const executor = execs.fresh;
  const { handshake } = execs;
  say(
    `INFO: fork server up (pid ${handshake.serverPid}), ${handshake.modules.length} module(s), ${handshake.countersUsed} edge counters`,
  );
  say(`INFO: ${execs.describe}`);
  say(`INFO: ${seeds.length} seed input(s) loaded`);
  let session: TriageSession;
  try {
    session = new TriageSession(executor, {
      target,
      prefix: stringFlag(f, 'artifact_prefix'),
      verifyRuns: Math.max(0, intFlag(f, 'verify_runs')),
      skip: stringFlag(f, 'triage_skip'),
      sarifPath: stringFlag(f, 'sarif'),
    });
  } catch (err) {
    await execs.stop();
    throw new UsageError((err as Error).message);
  }
  for (const w of session.warnings) say(`WARNING: ${w}`);
  if (session.resumed > 0) say(`INFO: ${session.resumed} known finding(s) loaded`);
  const deltasPath = stringFlag(f, 'coverage_deltas');
  const roots = stringFlag(f, 'source_roots')
    .split(',')
    .filter((r) => r !== '');
  const deltas =
    deltasPath === ''
      ? undefined
      : openLiveDeltas(deltasPath, executor, target, roots, (m) => say(`WARNING: ${m}`));
  const unique = (): number => session.triager.uniqueCount;
  let worst: BatchFinding['kind'] | undefined;
  const loop = new FuzzLoop(
    execs.loop,
    {
      rng: createRng(seed),
      maxLen,
      dictionary,
      cmpFeedback: useCmp,
      maxTotalTimeMs: intFlag(f, 'max_total_time') * 1000,
      maxRuns: intFlag(f, 'runs'),
      batchTargetMs: 100,
      stopBatchOnFinding: !keepGoing,
    },
    {
      onNew: (input, s) => {
        if (corpusDirs[0] !== undefined) addToCorpus(corpusDirs[0], input);
        say(statusLine('NEW', s, unique()));
        deltas?.tick();
      },
      onPulse: (() => {
        let next = 1024;
        return (s: LoopStats) => {
          deltas?.tick();
          if (s.execs < next) return;
          while (next <= s.execs) next *= 2;
          say(statusLine('pulse', s, unique()));
        };
      })(),
      onFinding: async (input, result, s) => {
        const outcome = await session.triager.handle(input, result);
        worst ??= result.kind;
        if (outcome.status === 'new') {
          reportNew(result, outcome);
          say(statusLine('UNIQUE', s, unique()));
        } else if (outcome.smaller) {
          say(`==fuzzwb== smaller input for ${outcome.record.type}: ${outcome.record.artifact}`);
        }
        if (outcome.status === 'new' || outcome.smaller) session.writeSarif();
        return keepGoing;
      },
    },
  );
  const onSignal = (): void => loop.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const end = await loop.run(seeds);
    const s = loop.stats();
    say(statusLine(end === 'finding' ? 'CRASH' : 'DONE', s, unique()));
    session.writeSarif();
    if (intFlag(f, 'print_final_stats') !== 0) {
      say(`stat::number_of_executed_units: ${s.execs}`);
      say(`stat::average_exec_per_sec:     ${s.execsPerSec}`);
      say(`stat::new_units_added:          ${s.corpus}`);
      say(`stat::edges_covered:            ${s.cov}`);
      say(`stat::unique_findings:          ${unique()}`);
      if (execs.hybrid !== undefined) {
        say(`stat::not_reproducible:         ${notReproduced.count()}`);
      }
    }
    return worst !== undefined ? exitCodeFor(worst) : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await deltas?.close();
    await session.close();
    await execs.stop();
  }
}
