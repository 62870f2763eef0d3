// Tells frames in the user's code from sanitizer, libc, C++ runtime and fuzzer-runtime frames.
import type { StackFrame } from './sanitizerReport';

/** Function-name patterns that are never the user's code. */
const SKIP_FUNCS = [
  /^__asan_/,
  /^__ubsan_/,
  /^__msan_/,
  /^__lsan_/,
  /^__sanitizer_/,
  /^__interceptor_/,
  /^___interceptor_/,
  /^__interception::/,
  /^(?:__)?(?:libc_start_main|libc_start_call_main|GI_|GI___)/,
  /^_start$/,
  /^(?:abort|raise|__pthread_kill\w*|pthread_kill|__assert_fail|__assert_fail_base)$/,
  /^(?:malloc|calloc|realloc|free|memcpy|memmove|memset|memcmp|strcmp|strlen|strcpy)$/,
  /^operator (?:new|delete)/,
  /^fwb_/,
  /^fuzzwb_/,
  /^main$/,
];

/** Path fragments of code that is not the user's. */
const SKIP_PATHS = [
  '/compiler-rt/',
  '/sanitizer_common/',
  '/libsanitizer/',
  '/usr/include/',
  '/usr/lib/',
  '/glibc',
  '/libc/',
  '/libstdc++',
  '/libcxx/',
  '/native/runtime/',
  'fuzzwb_rt',
];

/** True when the frame is in code the user wrote (or at least owns). */
export function isUserFrame(frame: StackFrame, extraSkip: readonly RegExp[] = []): boolean {
  if (frame.func === '??' && frame.file === undefined) return false;
  if (SKIP_FUNCS.some((re) => re.test(frame.func))) return false;
  if (extraSkip.some((re) => re.test(frame.func))) return false;
  const where = frame.file ?? frame.module ?? '';
  if (SKIP_PATHS.some((p) => where.includes(p))) return false;
  return frame.file !== undefined;
}

/** The first frame in the user's code, if any. */
export function firstUserFrame(frames: readonly StackFrame[]): StackFrame | undefined {
  return frames.find((f) => isUserFrame(f));
}

/** `file:line:col in func` for one frame. */
export function describeFrame(frame: StackFrame): string {
  const loc =
    frame.file !== undefined
      ? `${frame.file}:${frame.line ?? 0}${frame.column !== undefined ? `:${frame.column}` : ''}`
      : `${frame.module ?? '?'}+${frame.offset ?? '?'}`;
  return `${loc} in ${frame.func}`;
}
