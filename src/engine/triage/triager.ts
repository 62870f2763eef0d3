// Triage of one finding: parse, symbolize, crash state, dedup, verify, and write its artifacts.
import { basename, isAbsolute, resolve } from 'node:path';
import {
  artifactPath,
  LEAK_TYPE,
  removeFinding,
  writeFinding,
  writeFindingRecord,
  type FindingRecord,
  type FrameRecord,
  type Verification,
} from '../fuzz/artifacts';
import type { ExecResult } from '../native/types';
import { crashState, type CrashState } from './crashState';
import { withInput, type FindingStore } from './findingStore';
import { parseSanitizerReport, type SanitizerReport, type StackFrame } from './sanitizerReport';
import { symbolizeReport } from './symbolizeReport';
import type { Symbolizer } from './symbolizer';

/** Runs one input in a fresh child (the executor's run()). */
export interface CrashRunner {
  run(input: Buffer): Promise<ExecResult>;
  /** The same under LeakSanitizer's check (NativeExecutor.checkLeaks): leaks are verified so. */
  checkLeaks?(input: Buffer): Promise<ExecResult>;
}

/** Where records go; the default writes artifact files, tests keep them in memory. */
export interface FindingSink {
  /** False when the input could not be written (the failure was reported already). */
  write(input: Buffer, record: FindingRecord): boolean;
  update(record: FindingRecord): void;
  remove(artifact: string): void;
}

/** The sink that writes the store under `prefix`; it refuses paths that are not the store's. */
export function fileSink(prefix: string): FindingSink {
  return {
    write: (input, record) => {
      writeFinding(prefix, input, record);
      return true;
    },
    update: (record) => writeFindingRecord(prefix, record),
    remove: (artifact) => removeFinding(prefix, artifact),
  };
}

export interface TriageOptions {
  target: string;
  /** Artifact prefix (libFuzzer's -artifact_prefix). */
  prefix: string;
  /** Re-runs of each new crash (K); 0 skips verification. */
  verifyRuns: number;
  skip?: readonly RegExp[];
  symbolizer?: Symbolizer;
  sink?: FindingSink;
  now?: () => Date;
}

export interface Analysis {
  report: SanitizerReport | undefined;
  state: CrashState;
}

export interface TriageOutcome {
  status: 'new' | 'duplicate';
  record: FindingRecord;
  analysis: Analysis;
  /** A duplicate whose input is smaller than the one kept so far (it is kept now). */
  smaller: boolean;
}

export interface VerifyResult {
  status: Verification;
  runs: number;
  /** Runs that ended with the same crash state. */
  reproduced: number;
}

/**
 * Runs `crashKeyOf(input)` `runs` times; every run must give `expectedKey`. A crash that comes
 * back only sometimes (or never: state that lived in the fork server) is flaky, never dropped.
 */
export async function verifyCrash(
  input: Buffer,
  expectedKey: string,
  runs: number,
  crashKeyOf: (input: Buffer) => Promise<string | undefined>,
): Promise<VerifyResult> {
  if (runs <= 0) return { status: 'unverified', runs: 0, reproduced: 0 };
  let reproduced = 0;
  for (let i = 0; i < runs; i++) {
    if ((await crashKeyOf(input)) === expectedKey) reproduced++;
  }
  return { status: reproduced === runs ? 'reproducible' : 'flaky', runs, reproduced };
}

function frameRecord(f: StackFrame): FrameRecord {
  const r: FrameRecord = { function: f.func };
  if (f.file !== undefined) r.file = f.file;
  if (f.line !== undefined) r.line = f.line;
  if (f.column !== undefined) r.column = f.column;
  if (f.module !== undefined) r.module = f.module;
  if (f.offset !== undefined) r.offset = f.offset;
  if (f.pc !== '') r.pc = f.pc;
  return r;
}

export class Triager {
  private readonly sink: FindingSink;
  private readonly now: () => Date;

  constructor(
    private readonly runner: CrashRunner,
    private readonly store: FindingStore,
    private readonly opts: TriageOptions,
  ) {
    this.sink = opts.sink ?? fileSink(opts.prefix);
    this.now = opts.now ?? (() => new Date());
  }

  /** Unique findings so far (including those loaded from disk). */
  get uniqueCount(): number {
    return this.store.size;
  }

  /** Report, symbols and crash state of one execution's end. */
  async analyze(result: Pick<ExecResult, 'output' | 'kind' | 'signal'>): Promise<Analysis> {
    let report = parseSanitizerReport(result.output);
    if (report !== undefined && this.opts.symbolizer !== undefined) {
      const target = resolve(this.opts.target);
      report = await symbolizeReport(report, this.opts.symbolizer, {
        // backtrace_symbols prints the module as the target was started (argv[0]).
        resolveModule: (m) => (!isAbsolute(m) && basename(m) === basename(target) ? target : m),
      });
    }
    return { report, state: crashState(report, result, { skip: this.opts.skip ?? [] }) };
  }

  /** Triage of one crashing input: a new unique finding (verified and written) or a duplicate. */
  async handle(input: Buffer, result: ExecResult): Promise<TriageOutcome> {
    const analysis = await this.analyze(result);
    const { key } = analysis.state;
    const when = this.now().toISOString();
    const seen = this.store.observe(key, input.length);
    if (seen.status === 'duplicate') {
      const record = this.store.hit(key, when);
      if (seen.smaller) {
        const artifact = artifactPath(this.opts.prefix, result.kind, input, analysis.state.type);
        const moved = withInput(record, { artifact, path: resolve(artifact), size: input.length });
        // Kept only once it is on disk: on a full disk the finding keeps the input it has.
        if (this.sink.write(input, moved)) {
          this.store.add(moved);
          if (seen.record.artifact !== artifact) this.sink.remove(seen.record.artifact);
          return { status: 'duplicate', record: moved, analysis, smaller: true };
        }
      }
      this.sink.update(record);
      return { status: 'duplicate', record, analysis, smaller: false };
    }
    // A leak shows only under the check: a plain run of its input ends ok.
    const runner = this.runner;
    const leak = analysis.state.type === LEAK_TYPE ? runner.checkLeaks?.bind(runner) : undefined;
    const runAgain = leak ?? ((i: Buffer) => runner.run(i));
    const verification = await verifyCrash(input, key, this.opts.verifyRuns, async (i) => {
      const again = await runAgain(i);
      return again.kind === 'ok' ? undefined : (await this.analyze(again)).state.key;
    });
    const record = this.record(input, result, analysis, when, verification);
    this.store.add(record);
    this.sink.write(input, record);
    return { status: 'new', record, analysis, smaller: false };
  }

  private record(
    input: Buffer,
    result: ExecResult,
    { report, state }: Analysis,
    when: string,
    verification: FindingRecord['verification'],
  ): FindingRecord {
    const artifact = artifactPath(this.opts.prefix, result.kind, input, state.type);
    const record: FindingRecord = {
      artifact,
      kind: result.kind,
      signal: result.signal,
      exitCode: result.exitCode,
      type: state.type,
      crashState: state.state,
      frames: (report?.frames ?? []).map(frameRecord),
      stacks: (report?.stacks ?? []).map((s) => ({
        title: s.title,
        frames: s.frames.map(frameRecord),
      })),
      firstSeen: when,
      lastSeen: when,
      hitCount: 1,
      size: input.length,
      verification,
      reproduce: [resolve(this.opts.target), resolve(artifact)],
    };
    if (report !== undefined) {
      record.sanitizer = report.tool;
      record.headline = report.headline;
      if (report.access !== undefined) record.access = report.access;
      if (report.address !== undefined) record.address = report.address;
      if (report.summary !== undefined) record.summary = report.summary;
    }
    return record;
  }
}
