// Starts a fuzzing run in this process (one worker) or over worker processes, behind one interface.
import {
  FuzzSession,
  type FuzzSessionEvents,
  type FuzzSessionOptions,
  type FuzzSessionResult,
} from '../session/fuzzSession';
import type { RunSummary } from './coordinator';
import { ParallelSession } from './parallelSession';

export interface FuzzRunOptions extends FuzzSessionOptions {
  /** Worker processes, already resolved (see resolveWorkerCount); 1 fuzzes in this process. */
  workers: number;
}

export interface FuzzRunResult extends FuzzSessionResult {
  /** Per-worker statistics of a parallel run. */
  summary?: RunSummary;
}

/** What FuzzSession and ParallelSession both offer: the CLI and the engine server use this. */
export interface FuzzRun {
  readonly usedSeed: number;
  readonly findings: FuzzSession['findings'];
  readonly coverage: FuzzSession['coverage'];
  /** Current numbers while running (summed over workers in a parallel run). */
  readonly liveStats: FuzzSession['liveStats'];
  stop(): void;
  run(): Promise<FuzzRunResult>;
  close(): Promise<void>;
}

/** Same events, same errors (SessionOptionsError, TargetError) whatever the worker count. */
export async function startFuzzRun(
  opts: FuzzRunOptions,
  events: FuzzSessionEvents,
): Promise<FuzzRun> {
  if (opts.workers <= 1) return FuzzSession.start(opts, events);
  return ParallelSession.start(opts, events);
}
