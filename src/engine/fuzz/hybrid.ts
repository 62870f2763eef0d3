// Hybrid execution: batches run in persistent mode, every crash is confirmed in a fresh fork.
import type { BatchFinding, BatchOptions, BatchResult, MutantsRequest } from '../native/types';
import type { LoopExecutor } from './loop';

/** What the hybrid tells its owner about the persistent executor's results it did not keep. */
export interface HybridEvents {
  /** A non-ok end of the persistent run that ended ok in a fresh process. */
  onNotReproduced?(input: Buffer, persistent: BatchFinding): void;
}

export interface HybridCounts {
  /** Persistent-mode ends (crashes, timeouts, ooms) that were re-run in a fresh fork. */
  confirmations: number;
  /** Non-ok ends that did not happen again in a fresh process. */
  notReproduced: number;
}

/**
 * A LoopExecutor over two executors: `fast` (persistent mode, many inputs per child) runs the
 * batches; `fresh` (a fork per input) re-runs every input that ended badly there. Persistent
 * children carry state from one input to the next, so a crash seen there may depend on inputs
 * that came before; only a crash a fresh process shows is reported. New coverage is taken as
 * the persistent child saw it, as libFuzzer and AFL++'s persistent mode take it: a fork per new
 * entry cost more than the rest of the loop on real libraries (pcre2: a fresh run of 6 ms for
 * each of 150 entries a second), and an entry whose coverage a fresh run would not repeat is a
 * redundant seed, not a report. coverage() is the fast executor's map.
 */
export class HybridExecutor implements LoopExecutor {
  readonly counts: HybridCounts = { confirmations: 0, notReproduced: 0 };

  constructor(
    private readonly fast: LoopExecutor,
    private readonly fresh: LoopExecutor,
    private readonly events: HybridEvents = {},
  ) {}

  coverage(): Buffer {
    return this.fast.coverage();
  }

  /** The operands of the batches, which run on the fast executor. */
  cmpTable(): Buffer {
    if (this.fast.cmpTable === undefined) return Buffer.alloc(0);
    return this.fast.cmpTable();
  }

  /** The string operands of the batches, likewise from the fast executor. */
  memcmpTable(): Buffer {
    if (this.fast.memcmpTable === undefined) return Buffer.alloc(0);
    return this.fast.memcmpTable();
  }

  /** Chains ask the child that runs the batches to record equal compares. */
  recordEqualCompares(on: boolean): void {
    this.fast.recordEqualCompares?.(on);
  }

  /**
   * Runs the batch on the fast executor and replaces each of its findings by the fresh run's.
   * A batch the fast executor cut short at an end that does not reproduce goes on after it, so
   * callers see the batch as if that end had not happened.
   */
  async runBatch(inputs: Buffer[], opts: BatchOptions = {}): Promise<BatchResult> {
    const stopOnFinding = opts.stopOnFinding ?? true;
    const out: BatchResult = { execs: 0, elapsedUs: 0, findings: [], restarts: 0 };
    const watched: Buffer[] = [];
    let offset = 0;
    while (offset < inputs.length) {
      const part = inputs.slice(offset);
      const res = await this.fast.runBatch(part, opts);
      out.elapsedUs += res.elapsedUs;
      out.restarts += res.restarts;
      out.covered = res.covered;
      if (res.watched !== undefined) watched.push(res.watched);
      let confirmedEnd = false;
      for (const f of res.findings) {
        const input = part[f.index] ?? Buffer.alloc(0);
        const kept = await this.confirm(input, f, opts.feedback ?? false);
        if (kept === undefined) continue;
        out.findings.push({ ...kept, index: f.index + offset });
        if (kept.kind !== 'ok') confirmedEnd = true;
      }
      out.execs += res.execs;
      offset += res.execs;
      const cutShort = res.execs < part.length;
      if (!stopOnFinding || !cutShort || confirmedEnd || res.execs === 0) break;
    }
    // The parts' slots, back to back, as one batch would have left them.
    if (opts.watch !== undefined && watched.length > 0) out.watched = Buffer.concat(watched);
    return out;
  }

  /**
   * Mutants made and run in the fast executor's child: the one the batch ended at is run again
   * in a fresh fork, and passed on (with its input) only as that run shows it.
   */
  async runMutants(req: MutantsRequest): Promise<BatchResult> {
    if (this.fast.runMutants === undefined) throw new Error('the fast executor makes no mutants');
    const res = await this.fast.runMutants(req);
    const findings: BatchFinding[] = [];
    for (const f of res.findings) {
      const input = f.input ?? Buffer.alloc(0);
      const kept = await this.confirm(input, f, true);
      if (kept !== undefined) findings.push({ ...kept, index: f.index, input });
    }
    return { ...res, findings };
  }

  /** The fresh run's result when it is worth passing on, else undefined. */
  private async confirm(
    input: Buffer,
    f: BatchFinding,
    feedback: boolean,
  ): Promise<BatchFinding | undefined> {
    if (f.kind === 'ok') return f;
    this.counts.confirmations++;
    const again = await this.fresh.runBatch([input], { feedback, stopOnFinding: true });
    const g = again.findings[0];
    if (g === undefined || g.kind === 'ok') {
      this.counts.notReproduced++;
      this.events.onNotReproduced?.(input, f);
      return undefined;
    }
    // A crash that comes back is reported as the fresh run shows it.
    return { ...g, newCoverage: false };
  }
}
