// Exit codes of the fuzzwb CLI: one per outcome, so scripts can tell them apart.
import type { EndKind } from '../native/types';

export const EXIT = {
  ok: 0,
  /** Internal or environment error (a missing file, a broken target). */
  error: 1,
  /** The command line could not be used. */
  usage: 2,
  /** A timeout was found (libFuzzer's -timeout_exitcode default). */
  timeout: 70,
  /** An out-of-memory end was found. */
  oom: 71,
  /** A crash was found (libFuzzer's -error_exitcode default). */
  crash: 77,
} as const;

export function exitCodeFor(kind: EndKind): number {
  if (kind === 'timeout') return EXIT.timeout;
  if (kind === 'oom') return EXIT.oom;
  if (kind === 'ok') return EXIT.ok;
  return EXIT.crash;
}
