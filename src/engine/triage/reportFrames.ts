// Reads one stack-frame line of a crash report: sanitizer frames and glibc backtrace_symbols lines.

export interface StackFrame {
  index: number;
  pc: string;
  func: string;
  file?: string;
  line?: number;
  column?: number;
  /** Module and module-relative offset, when the frame is not symbolized: `(module+0x1234)`. */
  module?: string;
  offset?: string;
  /** Frames expanded from one address by the symbolizer (inlined calls) share pc and index. */
  inlined?: boolean;
}

/** Lines longer than this are never frames; capping keeps the regexes linear on hostile input. */
export const MAX_FRAME_LINE = 4096;

// `#N 0xPC in FUNC FILE:LINE[:COL]`, `... in FUNC (MODULE+0xOFF)`, `... (MODULE+0xOFF)`.
const SANITIZER_FRAME_RE =
  /^\s*#(\d+) (0x[0-9a-fA-F]+)(?: in (.+?))?(?: +(\S+?):(\d+)(?::(\d+))?| +\(([^()]+?)\+(0x[0-9a-fA-F]+)\)| (\S+))?(?: \(BuildId: [0-9a-fA-F]+\))?\s*$/;

// glibc's backtrace_symbols_fd: `MODULE(+0xOFF)[0xPC]` or `MODULE(SYMBOL+0xOFF)[0xPC]`.
const BACKTRACE_FRAME_RE =
  /^(\S[^()[\]]*)\(([^()+]*)(?:\+(0x[0-9a-fA-F]+))?\)\s*\[(0x[0-9a-fA-F]+)\]\s*$/;

/** A sanitizer frame line (`    #3 0x... in f file.c:1:2`), or undefined. */
export function parseSanitizerFrame(line: string): StackFrame | undefined {
  if (line.length > MAX_FRAME_LINE || !line.includes('#')) return undefined;
  const m = SANITIZER_FRAME_RE.exec(line);
  if (m === null) return undefined;
  const frame: StackFrame = { index: Number(m[1]), pc: m[2] ?? '', func: m[3] ?? '??' };
  if (m[4] !== undefined && m[5] !== undefined) {
    frame.file = m[4];
    frame.line = Number(m[5]);
    if (m[6] !== undefined) frame.column = Number(m[6]);
  } else if (m[7] !== undefined) {
    frame.module = m[7];
    frame.offset = m[8];
  } else if (m[9] !== undefined && m[9].includes('/')) {
    // A file without a line (gcc builds without -g print the source file alone).
    frame.file = m[9];
  } else if (m[9] !== undefined) {
    frame.func = `${frame.func} ${m[9]}`;
  }
  return frame;
}

/**
 * A backtrace_symbols line, numbered `index`. A symbol-relative offset cannot be mapped back to
 * the module, so only `MODULE(+0xOFF)` frames carry an offset the symbolizer can use.
 */
export function parseBacktraceFrame(line: string, index: number): StackFrame | undefined {
  if (line.length > MAX_FRAME_LINE || !line.endsWith(']')) return undefined;
  const m = BACKTRACE_FRAME_RE.exec(line);
  if (m === null) return undefined;
  const symbol = m[2] ?? '';
  const frame: StackFrame = { index, pc: m[4] ?? '', func: symbol === '' ? '??' : symbol };
  frame.module = (m[1] ?? '').trim();
  if (symbol === '' && m[3] !== undefined) frame.offset = m[3];
  return frame;
}
