// Parses sanitizer and runtime crash reports (the text a crashing target prints) into frames.

export interface StackFrame {
  index: number;
  pc: string;
  func: string;
  file?: string;
  line?: number;
  column?: number;
  /** Module and offset, when the frame is not symbolized: `(module+0x1234)`. */
  module?: string;
  offset?: string;
}

export interface SanitizerReport {
  /** AddressSanitizer, UndefinedBehaviorSanitizer, ..., or fuzzwb for the runtime's own reports. */
  tool: string;
  /** heap-buffer-overflow, SEGV, deadly signal, ... */
  kind: string;
  /** The whole ERROR line without the ==PID== prefix. */
  headline: string;
  access?: { op: 'READ' | 'WRITE'; size: number };
  address?: string;
  /** The crashing stack (the first stack in the report). */
  frames: StackFrame[];
  summary?: string;
}

const ERROR_RE = /^==\d+==\s*ERROR: (\w+): (.*)$/;
const ADDRESS_RE = / on (?:unknown )?(?:address )?(0x[0-9a-f]+)/;
const UBSAN_RE = /^(.+?):(\d+):(\d+): runtime error: (.*)$/;
const ACCESS_RE = /^(READ|WRITE) of size (\d+) at (0x[0-9a-f]+)/;
const FRAME_RE =
  /^\s*#(\d+) (0x[0-9a-f]+)(?: in (.+?))?(?: (\S+?):(\d+)(?::(\d+))?| \(([^()]+?)\+(0x[0-9a-f]+)\))?(?: \(BuildId: [0-9a-f]+\))?\s*$/;
const SUMMARY_RE = /^SUMMARY: \w+: (.*)$/;

/** The bug type from an ERROR line's text: "heap-buffer-overflow on address ..." -> its first words. */
function headlineKind(rest: string): string {
  const head = rest.replace(/^attempting /, '').split(/ on | \(|: /)[0] ?? rest;
  return head.trim();
}

function parseFrame(line: string): StackFrame | undefined {
  const m = FRAME_RE.exec(line);
  if (m === null) return undefined;
  const frame: StackFrame = { index: Number(m[1]), pc: m[2] ?? '', func: m[3] ?? '??' };
  if (m[4] !== undefined && m[5] !== undefined) {
    frame.file = m[4];
    frame.line = Number(m[5]);
    if (m[6] !== undefined) frame.column = Number(m[6]);
  } else if (m[7] !== undefined) {
    frame.module = m[7];
    frame.offset = m[8];
  }
  return frame;
}

/**
 * Reads the first report in `text`. Never throws: returns undefined when no report is there, and
 * a report with whatever could be read when it is truncated.
 */
export function parseSanitizerReport(text: string): SanitizerReport | undefined {
  const lines = text.split(/\r?\n/);
  let report: SanitizerReport | undefined;
  let inFirstStack = false;
  let stackDone = false;
  for (const line of lines) {
    if (report === undefined) {
      const e = ERROR_RE.exec(line);
      if (e !== null) {
        const rest = e[2] ?? '';
        report = {
          tool: e[1] ?? '',
          kind: headlineKind(rest),
          headline: line.replace(/^==\d+==\s*ERROR: /, ''),
          frames: [],
        };
        const addr = ADDRESS_RE.exec(rest);
        if (addr !== null) report.address = addr[1];
        continue;
      }
      const u = UBSAN_RE.exec(line);
      if (u !== null) {
        report = {
          tool: 'UndefinedBehaviorSanitizer',
          kind: 'undefined-behavior',
          headline: u[4] ?? '',
          frames: [],
        };
        continue;
      }
      continue;
    }
    const a = ACCESS_RE.exec(line);
    if (a !== null && report.access === undefined) {
      report.access = { op: a[1] === 'WRITE' ? 'WRITE' : 'READ', size: Number(a[2]) };
      report.address ??= a[3];
      continue;
    }
    const s = SUMMARY_RE.exec(line);
    if (s !== null) {
      report.summary = s[1];
      // The summary names the canonical bug type ("double-free", "SEGV", ...).
      const first = (s[1] ?? '').split(' ')[0];
      if (first !== undefined && first !== '') report.kind = first;
      break;
    }
    if (stackDone) continue;
    const f = parseFrame(line);
    if (f !== undefined) {
      inFirstStack = true;
      report.frames.push(f);
    } else if (inFirstStack) {
      stackDone = true;
    }
  }
  return report;
}
