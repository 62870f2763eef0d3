// Tells frames in the user's code from sanitizer, libc, C++ runtime and fuzzer-runtime frames.
import type { StackFrame } from './reportFrames';

/** Function-name patterns that are never the user's code. */
export const SKIP_FUNCS: readonly RegExp[] = [
  /^_*(?:asan|ubsan|msan|lsan|tsan|sanitizer|interceptor)_/,
  /^___interceptor_/,
  /^__(?:interception|sanitizer|asan|ubsan|msan|lsan)::/,
  /^(?:__)?(?:libc_start_main|libc_start_call_main|GI_|GI___|libc_)/,
  /^_start$/,
  /^__restore_rt$/,
  /^(?:abort|raise|__pthread_kill\w*|pthread_kill|__assert_fail\w*|__assert_perror_fail|exit)$/,
  /^(?:__libc_)?(?:malloc|calloc|realloc|free|valloc|memalign|posix_memalign|aligned_alloc)$/,
  /^(?:memcpy|memmove|memset|memcmp|bcmp|strcmp|strncmp|strlen|strnlen|strcpy|strncpy|strcat)$/,
  /^operator (?:new|delete)/,
  /^(?:__cxa_|__cxxabiv1::|__gxx_personality|_Unwind_|__gnu_cxx::|std::__)/,
  /^(?:fwb|fuzzwb)_/,
  /^on_deadly_signal$/,
  /^main$/,
];

/** Harness glue: skipped for the crash state unless nothing else is left. */
export const HARNESS_FUNCS: readonly RegExp[] = [
  /^LLVMFuzzerTestOneInput$/,
  /^LLVMFuzzerInitialize$/,
  /^LLVMFuzzerCustom(?:Mutator|CrossOver)$/,
];

/** Path fragments of code that is not the user's. */
const SKIP_PATHS = [
  '/compiler-rt/',
  '/sanitizer_common/',
  '/libsanitizer/',
  '/usr/include/',
  '/usr/lib/',
  '/lib/x86_64-linux-gnu/',
  '/lib64/',
  '/glibc',
  '/libc/',
  '/libstdc++',
  '/libcxx/',
  '/native/runtime/',
  'fuzzwb_rt',
];

/** glibc's relative source paths (`csu/../sysdeps/...`); the user's are normally absolute. */
const LIBC_RELATIVE =
  /^(?:\.\.\/)*(?:csu|sysdeps|nptl|stdlib|string|libio|malloc|elf|signal|assert|posix)\//;

/** True when the frame is in code the user wrote (or at least owns). */
export function isUserFrame(frame: StackFrame, extraSkip: readonly RegExp[] = []): boolean {
  if (frame.file === undefined) return false;
  if (SKIP_FUNCS.some((re) => re.test(frame.func))) return false;
  if (extraSkip.some((re) => re.test(frame.func) || re.test(frame.file ?? ''))) return false;
  if (LIBC_RELATIVE.test(frame.file)) return false;
  const where = `${frame.file} ${frame.module ?? ''}`;
  return !SKIP_PATHS.some((p) => where.includes(p));
}

/** The first frame in the user's code, if any. */
export function firstUserFrame(
  frames: readonly StackFrame[],
  extraSkip: readonly RegExp[] = [],
): StackFrame | undefined {
  return frames.find((f) => isUserFrame(f, extraSkip));
}

/** `file:line:col in func` for one frame. */
export function describeFrame(frame: StackFrame): string {
  const loc =
    frame.file !== undefined
      ? `${frame.file}:${frame.line ?? 0}${frame.column !== undefined ? `:${frame.column}` : ''}`
      : `${frame.module ?? '?'}+${frame.offset ?? '?'}`;
  return `${loc} in ${frame.func}`;
}
