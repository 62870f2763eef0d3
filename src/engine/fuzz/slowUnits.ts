// Slow units (libFuzzer's -report_slow_units): each new slowest input is written as slow-unit-<sha1>.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite';
import { sha1 } from './artifacts';

/**
 * libFuzzer writes a unit only when it is 10% slower than the slowest one so far: a target
 * whose inputs all run near the threshold leaves a few files, not one per input.
 */
const SLOWER_BY = 1.1;

/** A slow unit that was written: where, and how long it ran. */
export interface SlowUnit {
  path: string;
  seconds: number;
}

/** The file name of a slow unit under `prefix`. */
export function slowUnitPath(prefix: string, input: Buffer): string {
  return `${prefix}slow-unit-${sha1(input)}`;
}

/**
 * Decides which slow inputs are written (the threshold itself is the executor's: it returns
 * only the inputs that ran at least that long) and writes them atomically.
 */
export class SlowUnits {
  private slowestUs = 0;

  constructor(
    private readonly prefix: string,
    private readonly thresholdMs: number,
    private readonly write: (path: string, data: Buffer) => void = writeInFolder,
  ) {}

  /**
   * The unit written for `input`, which ran for `execUs`, or undefined when it is not a new
   * slowest one. A failed write throws; the unit still counts, so the next one must be slower.
   */
  consider(input: Buffer, execUs: number): SlowUnit | undefined {
    if (this.thresholdMs <= 0 || execUs < this.thresholdMs * 1000) return undefined;
    if (execUs <= this.slowestUs * SLOWER_BY) return undefined;
    this.slowestUs = execUs;
    const path = slowUnitPath(this.prefix, input);
    this.write(path, input);
    return { path, seconds: execUs / 1e6 };
  }

  /** consider(), its outcome said through `sink`: a unit written, or a write that failed. */
  report(input: Buffer, execUs: number, sink: SlowUnitSink): void {
    try {
      const unit = this.consider(input, execUs);
      if (unit !== undefined) sink.slowUnit(unit);
    } catch (err) {
      sink.warning(`cannot write a slow unit: ${(err as Error).message}`);
    }
  }
}

export interface SlowUnitSink {
  slowUnit(unit: SlowUnit): void;
  warning(message: string): void;
}

function writeInFolder(path: string, data: Buffer): void {
  const dir = dirname(path);
  if (dir !== '' && !existsSync(dir)) mkdirSync(dir, { recursive: true });
  writeFileAtomic(path, data);
}

/** The line the CLI prints for a slow unit, after libFuzzer's "Slowest unit: N s:". */
export function slowUnitLine(unit: SlowUnit): string {
  return `==fuzzwb== slowest unit: ${unit.seconds.toFixed(1)} s, input written to ${unit.path}`;
}
