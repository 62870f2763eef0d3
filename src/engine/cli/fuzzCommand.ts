// `fuzzwb fuzz TARGET [CORPUS...]`: fuzz until a finding (or, with -keep_going=1, a limit).
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { autoMaxLen } from '../fuzz/seeds';
import { slowUnitLine } from '../fuzz/slowUnits';
import { parseStages } from '../fuzz/stage';
import type { LoopStats } from '../fuzz/loop';
import type { BatchFinding } from '../native/types';
import { lostFindingLine, SessionOptionsError } from '../session/fuzzSession';
import { OutputError } from '../io/writable';
import { renderSymbolized } from '../triage/renderReport';
import type { TriageOutcome } from '../triage/triager';
import { describeFrame, firstUserFrame, isUserFrame } from '../triage/userFrames';
import type { RunSummary } from '../workers/coordinator';
import { resolveWorkerCount } from '../workers/plan';
import { startFuzzRun, type FuzzRun } from '../workers/startRun';
import { timeoutMsOf, UsageError, type ParsedArgs } from './flags';
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

/** Artifacts that could not be written: their report must not claim they were. */
const unwritten = new Set<string>();

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
  if (unwritten.has(record.artifact)) {
    say(`==fuzzwb== input NOT written to ${record.artifact}: its bytes are in base64 above`);
  } else {
    say(
      `==fuzzwb== input written to ${record.artifact} (reproduce: ${record.reproduce.join(' ')})`,
    );
  }
}

/** Per-worker lines of a parallel run: each worker's share, and what the relay between them did. */
function printWorkerStats(summary: RunSummary): void {
  say(`stat::workers:                  ${summary.workers.length}`);
  say(`stat::inputs_relayed:           ${summary.relayed}`);
  for (const w of summary.workers) {
    const name = `stat::worker_${w.index}_`;
    say(`${name}executed_units: ${w.execs}`);
    say(`${name}new_units_found: ${w.found}`);
    say(`${name}relayed_units_kept: ${w.peerKept}`);
    say(`${name}restarts: ${w.restarts}`);
  }
}

export async function fuzzCommand(args: ParsedArgs): Promise<number> {
  const [targetArg, ...corpusDirs] = args.positional;
  if (targetArg === undefined)
    throw new UsageError('usage: fuzzwb fuzz TARGET [CORPUS_DIR...] [-flag=value...]');
  const f = args.flags;
  // The parser has checked -mode against the table's choices.
  const mode = f.mode;
  for (const dir of corpusDirs) {
    if (statSync(dir, { throwIfNoEntry: false })?.isDirectory() === false) {
      throw new UsageError(
        `corpus ${dir} is a file, not a directory (fuzzwb run TARGET FILE runs one input)`,
      );
    }
  }
  const stages = parseStages(f.stages);
  if (typeof stages === 'string') throw new UsageError(`-stages: ${stages}`);
  const notReproduced = notReproducedReporter();
  const deltasPath = f.coverage_deltas;
  let deltasFd: number | undefined;
  try {
    deltasFd = deltasPath === '' ? undefined : openSync(deltasPath, 'w');
  } catch (err) {
    throw new OutputError(
      `cannot write the coverage deltas ${deltasPath}: ${(err as Error).message}`,
    );
  }
  let session: FuzzRun;
  try {
    session = await startFuzzRun(
      {
        workers: resolveWorkerCount(f.workers, {
          maxRuns: f.runs,
          seed: f.seed,
        }),
        target: resolve(targetArg),
        corpusDirs,
        maxLen: f.max_len === 0 ? autoMaxLen(corpusDirs) : f.max_len,
        seed: f.seed,
        timeoutMs: timeoutMsOf(f),
        rssLimitMb: f.rss_limit_mb,
        mallocLimitMb: f.malloc_limit_mb,
        startupTimeoutMs: f.startup_timeout_ms,
        dictPath: f.dict,
        useCmp: f.use_cmp !== 0,
        stages,
        reduceInputs: f.reduce_inputs !== 0,
        mode,
        persistent: f.persistent,
        bindCpu: f.bind_cpu !== 0,
        artifactPrefix: f.artifact_prefix,
        verifyRuns: f.verify_runs,
        triageSkip: f.triage_skip,
        sarifPath: f.sarif,
        keepGoing: f.keep_going !== 0,
        maxTotalTimeMs: f.max_total_time * 1000,
        maxRuns: f.runs,
        sourceRoots: f.source_roots.split(',').filter((r) => r !== ''),
        detectLeaks: f.detect_leaks !== 0,
        slowUnitMs: f.report_slow_units * 1000,
        coverage: deltasFd !== undefined,
      },
      {
        info: (m) => say(`INFO: ${m}`),
        warning: (m) => say(`WARNING: ${m}`),
        status: (tag, s, unique) => say(statusLine(tag, s, unique)),
        newFinding: reportNew,
        smallerFinding: ({ record }) =>
          say(`==fuzzwb== smaller input for ${record.type}: ${record.artifact}`),
        notReproduced: (kind) => notReproduced.note(kind),
        slowUnit: (unit) => say(slowUnitLine(unit)),
        lostFinding: (input, record, message) => {
          unwritten.add(record.artifact);
          say(`==fuzzwb== ${lostFindingLine(input, record, message)}`);
        },
        coverage: (line) => {
          if (deltasFd === undefined) return;
          try {
            writeSync(deltasFd, `${JSON.stringify(line)}\n`);
          } catch (err) {
            // A full disk ends the coverage feed, not the run: findings matter more.
            say(`WARNING: coverage deltas stopped: ${(err as Error).message}`);
            closeSync(deltasFd);
            deltasFd = undefined;
          }
        },
      },
    );
  } catch (err) {
    if (deltasFd !== undefined) closeSync(deltasFd);
    if (err instanceof SessionOptionsError) throw new UsageError(err.message);
    throw err;
  }
  const onSignal = (): void => session.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const r = await session.run();
    const s = r.stats;
    if (f.print_final_stats !== 0) {
      say(`stat::number_of_executed_units: ${s.execs}`);
      say(`stat::average_exec_per_sec:     ${s.execsPerSec}`);
      say(`stat::new_units_added:          ${s.corpus}`);
      say(`stat::edges_covered:            ${s.cov}`);
      say(`stat::unique_findings:          ${r.uniqueFindings}`);
      if (r.hybrid) say(`stat::not_reproducible:         ${notReproduced.count()}`);
      if (r.leakChecks !== undefined) say(`stat::leak_checks:              ${r.leakChecks}`);
      for (const st of r.stages) {
        const share = `${(st.share * 100).toFixed(1)}%`;
        say(
          `stat::stage_${st.name}: ${share} now, ${Math.round(st.totalMs)} ms, ` +
            `${st.runs} runs, ${st.execs} execs, ${st.finds} found`,
        );
      }
      if (r.summary !== undefined) printWorkerStats(r.summary);
    }
    return r.firstFinding !== undefined ? exitCodeFor(r.firstFinding) : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (deltasFd !== undefined) closeSync(deltasFd);
  }
}
