// The fuzzing loop's options for a session's settings: one place for the CLI's run and each worker's.
import { nativeMutator } from '../fuzz/havocMutator';
import type { FuzzMode } from '../fuzz/hybridModes';
import type { LoopOptions } from '../fuzz/loop';
import { createRng } from '../fuzz/rng';
import type { StageName } from '../fuzz/stage';
import { loadAddon } from '../native/loader';

/** The settings of a session that shape its loop. */
export interface LoopSettings {
  seed: number;
  maxLen: number;
  useCmp: boolean;
  mode: FuzzMode;
  /** The stages that may run (see -stages). */
  stages: ReadonlySet<StageName>;
  /** -reduce_inputs; absent = on. */
  reduceInputs?: boolean;
  keepGoing: boolean;
  maxTotalTimeMs: number;
  maxRuns: number;
}

/** Wall time one stage run should stay near: status lines and stop requests stay timely. */
const STAGE_TARGET_MS = 100;

export function loopOptionsFor(s: LoopSettings, dictionary: readonly Buffer[]): LoopOptions {
  return {
    rng: createRng(s.seed),
    maxLen: s.maxLen,
    dictionary,
    mutator: nativeMutator(loadAddon()),
    cmpFeedback: s.useCmp,
    stages: s.stages,
    reduceInputs: s.reduceInputs !== false,
    forkPerInput: s.mode === 'fork',
    maxTotalTimeMs: s.maxTotalTimeMs,
    maxRuns: s.maxRuns,
    batchTargetMs: STAGE_TARGET_MS,
    stopBatchOnFinding: !s.keepGoing,
  };
}
