// Composes the environment a target runs in: fork-server switch and sanitizer options.

/** Exit code the sanitizers are asked to use (FWB_SANITIZER_EXITCODE in fuzzwb_shm.h). */
export const SANITIZER_EXITCODE = 76;

/** Protocol version the engine speaks (FWB_PROTOCOL_VERSION in fuzzwb_shm.h). */
export const PROTOCOL_VERSION = 7;

export interface TargetEnvOptions {
  /** The environment to start from (normally process.env). */
  base: Record<string, string | undefined>;
  /** Absolute path of llvm-symbolizer, when one was found. */
  symbolizer?: string | undefined;
  /** Largest single allocation in MiB before the sanitizer reports out-of-memory; 0 = no limit. */
  mallocLimitMb: number;
  /** Start the fork server (engine) or not (reproduce in a plain process). */
  forkServer: boolean;
  /**
   * Let the sanitizer symbolize its own reports. A sanitizer starts a fresh llvm-symbolizer in
   * every crashing child, which costs a tenth of a second per crash; while fuzzing, the engine
   * turns it off and symbolizes with one long-lived, cached symbolizer instead. Default true.
   */
  symbolize?: boolean;
  /**
   * LeakSanitizer on (detect_leaks=1). It must be on when the process starts or it never
   * initializes. Under the fork server nothing checks at exit (leak_check_at_exit=0): children
   * end with exit_group anyway, and only the child the engine asks runs the check
   * (native/runtime/leaks.c). A plain process checks at exit, as a libFuzzer binary does.
   * Default false.
   */
  detectLeaks?: boolean;
}

/** Options we need for classification; the user's own options come after ours and win. */
function sanitizerDefaults(
  mallocLimitMb: number,
  symbolize: boolean,
  detectLeaks: boolean,
  forkServer: boolean,
): Record<string, string> {
  const sym = `symbolize=${symbolize ? 1 : 0}`;
  const common = `exitcode=${SANITIZER_EXITCODE}`;
  const leaks = `detect_leaks=${detectLeaks ? 1 : 0}:leak_check_at_exit=${forkServer ? 0 : 1}`;
  const asan = [
    common,
    'abort_on_error=0',
    'handle_abort=1',
    'handle_segv=1',
    'handle_sigbus=1',
    'handle_sigfpe=1',
    'handle_sigill=1',
    leaks,
    'allocator_may_return_null=0',
    sym,
    'detect_odr_violation=0',
  ];
  if (mallocLimitMb > 0) asan.push(`max_allocation_size_mb=${mallocLimitMb}`);
  return {
    ASAN_OPTIONS: asan.join(':'),
    UBSAN_OPTIONS: `${common}:halt_on_error=1:print_stacktrace=1:${sym}`,
    MSAN_OPTIONS: `${common}:${sym}`,
    LSAN_OPTIONS: `${common}:${leaks}`,
  };
}

/** Joins our options with the user's: sanitizers parse left to right, so the user's last word wins. */
function mergeOptions(ours: string, theirs: string | undefined): string {
  if (theirs === undefined || theirs.trim() === '') return ours;
  return `${ours}:${theirs}`;
}

/** The complete environment of a target process. */
export function targetEnv(opts: TargetEnvOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.base)) {
    if (v !== undefined) env[k] = v;
  }
  for (const [name, ours] of Object.entries(
    sanitizerDefaults(
      opts.mallocLimitMb,
      opts.symbolize ?? true,
      opts.detectLeaks ?? false,
      opts.forkServer,
    ),
  )) {
    env[name] = mergeOptions(ours, opts.base[name]);
  }
  if (opts.symbolizer !== undefined && env.ASAN_SYMBOLIZER_PATH === undefined) {
    env.ASAN_SYMBOLIZER_PATH = opts.symbolizer;
    env.UBSAN_SYMBOLIZER_PATH ??= opts.symbolizer;
    env.MSAN_SYMBOLIZER_PATH ??= opts.symbolizer;
  }
  if (opts.forkServer) env.FUZZWB_FORKSERVER = String(PROTOCOL_VERSION);
  else delete env.FUZZWB_FORKSERVER;
  return env;
}
