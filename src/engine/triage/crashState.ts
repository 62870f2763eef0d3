// Crash state (ClusterFuzz-style): the bug type plus the top user frames; the dedup key of a finding.
import type { EndKind } from '../native/types';
import type { SanitizerReport, StackFrame } from './sanitizerReport';
import { HARNESS_FUNCS, isUserFrame } from './userFrames';

export interface CrashStateOptions {
  /** Extra function or file patterns to skip, on top of the built-in list. */
  skip?: readonly RegExp[];
  /** How many frames make the state; ClusterFuzz uses 3. */
  depth?: number;
}

export interface CrashState {
  /** `heap-buffer-overflow READ`, `SIGSEGV`, `timeout`, ... */
  type: string;
  /** The frames the state is made of, top first. */
  frames: StackFrame[];
  /** Their function names. */
  state: string[];
  /** type and state on one string: equal keys are the same bug. */
  key: string;
}

/** How an execution ended, as far as triage needs to know. */
export interface EndInfo {
  kind: EndKind;
  signal: number;
}

/** The function name without its parameter list, so overloads of one name group together. */
function stateName(frame: StackFrame): string {
  return frame.func.replace(/\(.*\)(?:\s+const)?$/, '').trim();
}

/** The type of a finding: the report's kind plus the access, or how the run ended. */
export function crashType(report: SanitizerReport | undefined, end: EndInfo): string {
  if (report !== undefined) {
    return report.access !== undefined && !/^SIG|^SEGV$/.test(report.kind)
      ? `${report.kind} ${report.access.op}`
      : report.kind;
  }
  if (end.kind === 'crash' && end.signal !== 0) return `signal ${end.signal}`;
  return end.kind;
}

/** Parses a comma-separated list of skip patterns (the -triage_skip flag); bad ones are reported. */
export function parseSkipList(text: string): RegExp[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return new RegExp(s);
      } catch {
        throw new Error(`not a regular expression in the skip list: ${s}`);
      }
    });
}

/** The crash state of a report (or of a run that left none). */
export function crashState(
  report: SanitizerReport | undefined,
  end: EndInfo,
  opts: CrashStateOptions = {},
): CrashState {
  const type = crashType(report, end);
  const depth = opts.depth ?? 3;
  const skip = opts.skip ?? [];
  const all = report?.frames ?? [];
  const user = all.filter((f) => isUserFrame(f, skip));
  const noGlue = user.filter((f) => !HARNESS_FUNCS.some((re) => re.test(f.func)));
  const frames = (noGlue.length > 0 ? noGlue : user).slice(0, depth);
  const state = frames.map(stateName);
  return { type, frames, state, key: [type, ...state].join('\n') };
}
