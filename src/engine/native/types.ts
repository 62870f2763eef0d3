// Types of the native addon (native/addon): the one contract between the engine and C++.

/** How the executor starts and supervises one target's fork server. */
export interface ExecutorOptions {
  /** Absolute path of the target binary (linked with native/runtime). */
  target: string;
  /** argv[1..] passed to the target. */
  args: string[];
  /**
   * The complete environment of the target (the engine composes it, see exec/targetEnv).
   * FUZZWB_FORKSERVER is added when it is missing.
   */
  env: Record<string, string>;
  cwd?: string;
  /**
   * Per-input time limit; the child is killed with SIGKILL past it. A sanitizer report that
   * started before the limit is given up to 10 s more to finish (symbolizing is slow) and the
   * end is classified by that report.
   */
  timeoutMs: number;
  /** Resident-set limit of a child in MiB; 0 disables the check. */
  rssLimitMb: number;
  /** Inputs per child: 1 forks a fresh child per input, N > 1 is persistent mode. */
  persistent: number;
  /** Bytes of each execution's stdout+stderr kept (the tail; the head is dropped first). */
  outputLimit: number;
  /** How long the fork server may take to say HELLO (includes LLVMFuzzerInitialize). */
  handshakeTimeoutMs: number;
  /** Largest input the shared memory holds. */
  maxInputSize: number;
  /** Record trace-cmp operands in shared memory. */
  cmp: boolean;
  /** Core to bind the executor's thread and the target to (exec/cpuBinding); absent = unbound. */
  cpu?: number;
  /**
   * Count each input's allocations and frees (the sanitizer's malloc hooks, installed when the
   * fork server starts) and say `leaky` of an ok input that made more than it freed; a batch of
   * mutants ends at such an input. checkLeaks() needs it, and LeakSanitizer on in the target's
   * environment (see exec/targetEnv). Default false.
   */
  detectLeaks?: boolean;
  /**
   * An ok input that runs at least this many ms is `slow` (libFuzzer's -report_slow_units): a
   * batch returns it and ends there, so the engine can write it out. 0 or absent = off.
   */
  slowUnitMs?: number;
}

/** One instrumented module (the executable or a shared object) as the runtime registered it. */
export interface ModuleInfo {
  path: string;
  /** Load base in the fork server's address space. */
  base: bigint;
  counterStart: number;
  counterCount: number;
  /** FWB_MODULE_* bits from native/include/fuzzwb_shm.h. */
  flags: number;
}

export interface Handshake {
  serverPid: number;
  protocolVersion: number;
  /** FWB_RT_* bits: which sanitizers are present, which hooks the harness defines. */
  runtimeFlags: number;
  countersUsed: number;
  modules: ModuleInfo[];
}

/**
 * How one execution ended.
 * - ok: the harness returned;
 * - crash: killed by a signal with no sanitizer report;
 * - sanitizer: a sanitizer reported (its exit code, or its report in the output);
 * - timeout: past timeoutMs, killed by the executor;
 * - oom: past rssLimitMb, or the sanitizer reported out-of-memory;
 * - exit: the harness exited by itself (exit(), _exit()) with the given code;
 * - server-died: the fork server itself went away while this input ran.
 */
export type EndKind = 'ok' | 'crash' | 'sanitizer' | 'timeout' | 'oom' | 'exit' | 'server-died';

export interface ExecResult {
  kind: EndKind;
  /** Terminating signal, 0 when none. */
  signal: number;
  /** Exit code, -1 when the child did not exit by itself. */
  exitCode: number;
  /** Captured stdout+stderr of this execution (a bounded tail). */
  output: Buffer;
  /** True when bytes were dropped from the front of output. */
  outputTruncated: boolean;
  /** Wall time from RUN to the result, in microseconds. */
  durationUs: number;
  /** LLVMFuzzerTestOneInput's return value (ok only). */
  ret: number;
  /** The input reached an edge or hit-count bucket not seen before (feedback on). */
  newCoverage: boolean;
  /**
   * Ok only, with detectLeaks: the input made more allocations than it freed, so it may have
   * leaked (checkLeaks() tells).
   */
  leaky?: boolean;
  /** Ok only, with slowUnitMs: the input ran at least that long (execUs says how long). */
  slow?: boolean;
  /** Pid of the child that ran it. */
  pid: number;
  /**
   * How long the input itself ran, in microseconds: measured in the child for mutants and
   * replayed inputs, else durationUs.
   */
  execUs?: number;
  /**
   * With newCoverage or reducedParent: the run's features, counter index * 8 + hit-count bucket
   * (0..7) of every counter it hit, in ascending order, so the engine knows what a new entry
   * holds without running it again.
   */
  features?: Uint32Array;
  /**
   * runMutants, ok, no new coverage: the index in `parents` of the parent this shorter mutant
   * can replace, since it holds every feature of that parent's `owned` list.
   */
  reducedParent?: number;
}

export interface BatchOptions {
  /** Stop at the first end that is not ok. Default true. */
  stopOnFinding?: boolean;
  /** Compare each execution's counters with the executor's accumulated coverage. Default false. */
  feedback?: boolean;
  /**
   * Cmp slots (at most 8) cleared before each input and read after it: BatchResult.watched. A
   * persistent child then gets the inputs one at a time, not as one replayed batch.
   */
  watch?: number[];
}

export interface BatchFinding extends ExecResult {
  /** Index of the input in the batch. */
  index: number;
  /** runMutants: the mutant the target made (the engine never saw it before). */
  input?: Buffer;
}

/**
 * A batch of havoc mutants the persistent child makes and runs itself (native/runtime/mutate.c),
 * with no hand-over per input. Each mutant copies a parent picked uniformly from `parents` (pick
 * the same entry twice to weigh it), may splice in another parent, and uses the tokens.
 */
export interface MutantsRequest {
  parents: Buffer[];
  tokens: Buffer[];
  /** Mutants to run; the batch ends earlier at the first non-ok end or new coverage. */
  count: number;
  /** Seeds the target's random source: the same request makes the same mutants. */
  seed: number;
  /** A mutant may grow to max(its parent's length, lenLimit) (libFuzzer's -len_control). */
  lenLimit: number;
  /** No mutant is longer (-max_len). */
  maxLen: number;
  /**
   * Per parent (libFuzzer's -reduce_inputs): the features only it holds in the corpus. A
   * shorter mutant of a parent whose counters hold all of them ends the batch as a finding with
   * reducedParent. A parent without a list, or with an empty one, is never replaced.
   */
  owned?: Uint32Array[];
}

export interface BatchResult {
  /** Executions performed (a batch stopped early performs fewer than it was given). */
  execs: number;
  elapsedUs: number;
  /**
   * Every end that is not ok, every ok input with new coverage when feedback is on, and every
   * leaky one.
   */
  findings: BatchFinding[];
  /** Times the fork server was restarted during the batch. */
  restarts: number;
  /** Counters ever hit, after the batch (the executor keeps the count as it merges). */
  covered?: number;
  /**
   * With opts.watch: for each input that ran, in order, the watched cmp slots (struct
   * fwb_cmp_slot each, in opts.watch's order) as that input left them; an empty slot means the
   * compare was not reached or its operands were equal.
   */
  watched?: Buffer;
}

/**
 * The `code` of an executor call's rejection when the target made running inputs impossible
 * (it closed the fuzzer's channel): its message is one line for the user, as a TargetError's.
 */
export const TARGET_FAULT_CODE = 'FUZZWB_TARGET_FAULT';

/** The executor class exported by the addon. */
export interface NativeExecutor {
  start(): Promise<Handshake>;
  /** Runs one input; feedback is always on (newCoverage is set, coverage() grows). */
  run(input: Buffer): Promise<ExecResult>;
  /**
   * Runs one input in a fresh child (a persistent child between inputs is ended first) that runs
   * LeakSanitizer's check after it, with no feedback. A leak ends it as `sanitizer`, with LSan's
   * report as its output; no leak, or no LeakSanitizer in the target, ends it ok. Needs
   * detectLeaks.
   */
  checkLeaks(input: Buffer): Promise<ExecResult>;
  /** Between runs: no more `leaky` results, and batches no longer end at them. For good. */
  stopDetectingLeaks(): void;
  runBatch(inputs: Buffer[], opts?: BatchOptions): Promise<BatchResult>;
  /**
   * Runs a batch of mutants made in the target, with feedback; findings carry their input. Only
   * a persistent executor makes more than one mutant per child.
   */
  runMutants(req: MutantsRequest): Promise<BatchResult>;
  /** Benchmark helper: runs one input count times natively, no feedback, stopping at a finding. */
  repeat(input: Buffer, count: number): Promise<BatchResult>;
  /** Zero-copy view of the shared edge counters of the last execution. */
  counters(): Buffer;
  /** Zero-copy view of the PC table (one little-endian uint64 per counter, FWB_PC_ENCODE'd). */
  pcs(): Buffer;
  /** Zero-copy view of the accumulated coverage (one byte per counter: OR of hit buckets). */
  coverage(): Buffer;
  /** Zero-copy view of the trace-cmp slots (struct fwb_cmp_slot[]). */
  cmpTable(): Buffer;
  /**
   * Zero-copy view of the memcmp/strcmp operand slots (struct fwb_memcmp_slot[]), recorded through
   * the sanitizers' weak hooks while cmp is on. Like cmpTable, not cleared between inputs.
   */
  memcmpTable(): Buffer;
  /**
   * Between runs: also record compares of equal operands, into slots still empty (the caller
   * clears the table first). Off again with false. No effect when cmp is off.
   */
  recordEqualCompares(on: boolean): void;
  modules(): ModuleInfo[];
  /**
   * Kills the target and ends the native thread; an input still running and calls queued
   * before it reject with "the executor was stopped". The views above keep their memory alive
   * for as long as they are referenced (under Electron's V8 sandbox they are copies instead).
   */
  stop(): Promise<void>;
}

/**
 * Havoc mutants made in the engine with the target's own mutator (native/runtime/mutate.c):
 * `count` mutants of `parent`, each 1 to 5 mutations deep, crossed with one of `others` where a
 * mutation takes a second input, with the tokens and the operands in the tables when given.
 */
export interface MutateRequest {
  parent: Buffer;
  others: Buffer[];
  tokens: readonly Buffer[];
  count: number;
  /** Seeds the mutator: the same request makes the same mutants. */
  seed: number;
  /** A mutant may grow to max(the parent's length, lenLimit). */
  lenLimit: number;
  /** No mutant is longer (a longer parent is cut first). */
  maxLen: number;
  /** The executor's live cmpTable() and memcmpTable(), for operands to write in. */
  cmpTable?: Buffer | undefined;
  memcmpTable?: Buffer | undefined;
}

export interface NativeAddon {
  Executor: new (opts: ExecutorOptions) => NativeExecutor;
  mutate(req: MutateRequest): Buffer[];
  /** Protocol version the addon speaks (FWB_PROTOCOL_VERSION). */
  protocolVersion: number;
}
