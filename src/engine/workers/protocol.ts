// The messages between a parallel run's parent and its worker processes (Node IPC, advanced serialization).
import type { StageReport } from '../fuzz/budget';
import type { LoopEnd, LoopStats } from '../fuzz/loop';
import type { BatchFinding } from '../native/types';
import type { FuzzSessionOptions } from '../session/fuzzSession';

/** The argument that starts the engine bundle as a worker (see main.ts). */
export const WORKER_COMMAND = 'fuzz-worker';

/** What one worker process is asked to do. */
export interface WorkerSetup {
  index: number;
  /** The run's options; the worker uses those about fuzzing, the parent keeps triage and corpus. */
  options: FuzzSessionOptions;
  /** This worker's random seed. */
  seed: number;
  /** This worker's share of the seed inputs. */
  seeds: Uint8Array[];
  /** Largest input any seed of the run has, so every worker's shared memory fits them all. */
  maxInputSize: number;
}

/** Why a worker could not start: the parent turns it back into the error FuzzSession throws. */
export type StartErrorKind = 'target' | 'options' | 'other';

export type ToWorker =
  | { t: 'setup'; setup: WorkerSetup }
  /** Start fuzzing (the executors are up once `ready` was sent). */
  | { t: 'run' }
  /** Inputs another worker kept. */
  | { t: 'peer'; inputs: Uint8Array[] }
  /** The parent triaged finding `id`; go on fuzzing when keepGoing. */
  | { t: 'triaged'; id: number; keepGoing: boolean }
  | { t: 'stop' };

export type FromWorker =
  | { t: 'ready'; serverPid: number; modules: number; counters: number; describe: string }
  | { t: 'startError'; kind: StartErrorKind; message: string }
  | { t: 'warning'; message: string }
  /** The target made fuzzing impossible (isTargetError): the whole run ends with this error. */
  | { t: 'fatal'; message: string }
  /** An input of this worker's own that reached new coverage. */
  | { t: 'new'; input: Uint8Array; stats: LoopStats }
  /** A shorter input that replaced one of this worker's entries, `replaced` (-reduce_inputs). */
  | { t: 'reduced'; input: Uint8Array; replaced: Uint8Array; stats: LoopStats }
  /** An input from a peer that reached new coverage here too. */
  | { t: 'peerKept'; stats: LoopStats }
  | { t: 'pulse'; stats: LoopStats }
  /** An ok input that ran past -report_slow_units; the parent decides whether it is written. */
  | { t: 'slowUnit'; input: Uint8Array; execUs: number }
  /** A run that did not end ok; with an id, the worker waits for `triaged`. */
  | { t: 'finding'; id: number; input: Uint8Array; result: BatchFinding; stats: LoopStats }
  | { t: 'notReproduced'; kind: string }
  | { t: 'done'; end: LoopEnd; stats: LoopStats; stages: StageReport[] };

/** A Buffer view of bytes that came through structured clone (it arrives as a Uint8Array). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A finding as it arrives: its captured output is a Uint8Array again. */
export function reviveFinding(result: BatchFinding): BatchFinding {
  return { ...result, output: asBuffer(result.output) };
}
