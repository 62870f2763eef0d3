// Leak detection as libFuzzer does it: an input that allocated more than it freed runs again under LeakSanitizer's check.
import type {
  BatchFinding,
  BatchOptions,
  BatchResult,
  ExecResult,
  MutantsRequest,
} from '../native/types';
import type { LoopExecutor } from './loop';

/** Runs one input in a fresh child that checks for leaks after it (NativeExecutor.checkLeaks). */
export interface LeakChecker {
  checkLeaks(input: Buffer): Promise<ExecResult>;
}

/**
 * One run of `input` (reproduce, minimize, import); an ok run that allocated more than it freed
 * gives way to its leak check's end, when the runner can check.
 */
export async function runChecked(
  runner: { run(input: Buffer): Promise<ExecResult>; checkLeaks?: LeakChecker['checkLeaks'] },
  input: Buffer,
): Promise<ExecResult> {
  const first = await runner.run(input);
  if (first.kind !== 'ok' || first.leaky !== true || runner.checkLeaks === undefined) return first;
  return runner.checkLeaks(input);
}

export interface LeakEvents {
  /** Leak detection was turned off for the rest of the run; the message says why. */
  onLeaksOff?(message: string): void;
}

/**
 * Checks that found no leak before detection is turned off, libFuzzer's number: a target that
 * keeps what it allocates in global state looks leaky on every input without leaking.
 */
export const MAX_FRUITLESS_CHECKS = 1000;

/**
 * Checks may take this share of the wall time (a fork and a heap scan each): a leak on a common
 * path makes many inputs leaky, and with -keep_going each one would be checked again.
 */
export const CHECK_TIME_SHARE = 0.1;
/** Check time allowed before the share applies, so the first leaky inputs are always checked. */
export const FREE_CHECK_MS = 200;

/** What LeakSanitizer prints when it cannot stop the process's threads (no ptrace allowed). */
const LSAN_FATAL = /LeakSanitizer has encountered a fatal error/;

export interface LeakCounts {
  /** Leaky inputs run again under the check. */
  checks: number;
  /** Checks that ended with a finding. */
  leaks: number;
  /** Leaky inputs not checked: the checks had taken their share of the time. */
  skipped: number;
}

/**
 * A LoopExecutor that passes on `inner`'s results and, after each leaky ok result, the end of
 * the same input under `checker`'s leak check when that is not ok: LSan's report, a `sanitizer`
 * end the triage names `leak-<sha1>`. Only the leaky inputs pay for a check, so runs that leak
 * nothing keep their speed. `stopWatching` turns the executors' counting off when checks keep
 * finding nothing, or cannot run at all.
 */
export class LeakDetectingExecutor implements LoopExecutor {
  readonly counts: LeakCounts = { checks: 0, leaks: 0, skipped: 0 };
  readonly runMutants?: (req: MutantsRequest) => Promise<BatchResult>;
  private fruitless = 0;
  private on = true;
  private checkMs = 0;
  private readonly started: number;

  constructor(
    private readonly inner: LoopExecutor,
    private readonly checker: LeakChecker,
    private readonly stopWatching: () => void,
    private readonly events: LeakEvents = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
    const mutants = inner.runMutants?.bind(inner);
    if (mutants !== undefined) {
      this.runMutants = async (req) => {
        const res = await mutants(req);
        return { ...res, findings: await this.checked(res.findings, (f) => f.input) };
      };
    }
  }

  coverage(): Buffer {
    return this.inner.coverage();
  }

  cmpTable(): Buffer {
    return this.inner.cmpTable?.() ?? Buffer.alloc(0);
  }

  memcmpTable(): Buffer {
    return this.inner.memcmpTable?.() ?? Buffer.alloc(0);
  }

  recordEqualCompares(on: boolean): void {
    this.inner.recordEqualCompares?.(on);
  }

  async runBatch(inputs: Buffer[], opts?: BatchOptions): Promise<BatchResult> {
    const res = await this.inner.runBatch(inputs, opts);
    return { ...res, findings: await this.checked(res.findings, (f) => inputs[f.index]) };
  }

  /** The findings, each leaky one followed by its check's end when that found something. */
  private async checked(
    findings: BatchFinding[],
    inputOf: (f: BatchFinding) => Buffer | undefined,
  ): Promise<BatchFinding[]> {
    if (!findings.some((f) => f.leaky === true)) return findings;
    const out: BatchFinding[] = [];
    for (const f of findings) {
      out.push(f);
      const input = inputOf(f);
      if (!this.on || f.kind !== 'ok' || f.leaky !== true || input === undefined) continue;
      const end = await this.check(input);
      if (end !== undefined) {
        out.push({ ...end, index: f.index, ...(f.input !== undefined ? { input: f.input } : {}) });
      }
    }
    return out;
  }

  /** The check's end when it is a finding, else undefined. */
  private async check(input: Buffer): Promise<ExecResult | undefined> {
    const t0 = this.now();
    if (this.checkMs > FREE_CHECK_MS + CHECK_TIME_SHARE * (t0 - this.started)) {
      this.counts.skipped++;
      return undefined;
    }
    this.counts.checks++;
    const end = await this.checker.checkLeaks(input);
    this.checkMs += this.now() - t0;
    if (end.kind !== 'ok' && LSAN_FATAL.test(end.output.toString('latin1'))) {
      this.turnOff('LeakSanitizer cannot run here (it needs ptrace): leak detection is off');
      return undefined;
    }
    // The input ran within its limits once already: a check past them is LSan's scan, no finding.
    if (end.kind !== 'ok' && end.kind !== 'timeout' && end.kind !== 'oom') {
      this.counts.leaks++;
      return end;
    }
    if (++this.fruitless >= MAX_FRUITLESS_CHECKS) {
      this.turnOff(
        `leak detection is off after ${MAX_FRUITLESS_CHECKS} inputs that allocated more than ` +
          'they freed but leaked nothing: the target most likely keeps memory in global state',
      );
    }
    return undefined;
  }

  private turnOff(message: string): void {
    this.on = false;
    this.stopWatching();
    this.events.onLeaksOff?.(message);
  }
}
