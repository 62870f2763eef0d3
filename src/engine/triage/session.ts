// One fuzzing run's triage: resumes the dedup store from disk, owns the symbolizer, writes SARIF.
import { writeFileAtomic } from '../io/atomicWrite';
import { loadFindings } from '../fuzz/artifacts';
import { findSymbolizer } from '../exec/findTool';
import { parseSkipList } from './crashState';
import { FindingStore } from './findingStore';
import { buildSarif } from './sarif';
import { LlvmSymbolizer, type Symbolizer } from './symbolizer';
import { guardedSink, type SinkFailures } from './guardedSink';
import { fileSink, Triager, type CrashRunner } from './triager';

/** Reported in SARIF logs as the tool's version. */
export const FUZZWB_VERSION = '0.1.0';

export interface TriageSessionOptions {
  target: string;
  prefix: string;
  verifyRuns: number;
  /** The -triage_skip flag's text. */
  skip: string;
  /** Where to write the SARIF log ('' = nowhere). */
  sarifPath: string;
  /** Failed writes of findings and of the SARIF log; without it they throw. */
  failures?: SinkFailures;
}

export class TriageSession {
  readonly triager: Triager;
  readonly store: FindingStore;
  readonly warnings: string[];
  private readonly symbolizer: Symbolizer | undefined;

  constructor(
    runner: CrashRunner,
    private readonly opts: TriageSessionOptions,
  ) {
    const loaded = loadFindings(opts.prefix);
    this.warnings = loaded.warnings;
    this.store = new FindingStore(loaded.records);
    const tool = findSymbolizer();
    this.symbolizer = tool !== undefined ? new LlvmSymbolizer(tool) : undefined;
    if (tool === undefined)
      this.warnings.push('llvm-symbolizer not found: frames stay unsymbolized');
    this.triager = new Triager(runner, this.store, {
      target: opts.target,
      prefix: opts.prefix,
      verifyRuns: opts.verifyRuns,
      skip: parseSkipList(opts.skip),
      ...(opts.failures !== undefined
        ? { sink: guardedSink(fileSink(opts.prefix), opts.failures) }
        : {}),
      ...(this.symbolizer !== undefined ? { symbolizer: this.symbolizer } : {}),
    });
  }

  /** Findings loaded from an earlier run. */
  get resumed(): number {
    return this.store.size;
  }

  /** Rewrites the SARIF log (when asked for) with every finding so far. */
  writeSarif(): void {
    if (this.opts.sarifPath === '') return;
    const log = buildSarif(this.store.records(), FUZZWB_VERSION);
    try {
      writeFileAtomic(this.opts.sarifPath, `${JSON.stringify(log, null, 2)}\n`);
    } catch (err) {
      if (this.opts.failures === undefined) throw err;
      this.opts.failures.warning(
        `cannot write the SARIF log ${this.opts.sarifPath}: ${(err as Error).message}`,
      );
    }
  }

  async close(): Promise<void> {
    await this.symbolizer?.close();
  }
}
