// Parses the first crash report in a target's output (ASan, UBSan, MSan, LSan, fuzzwb signals).
import { MAX_FRAME_LINE, parseBacktraceFrame, parseSanitizerFrame } from './reportFrames';
import type { StackFrame } from './reportFrames';

export type { StackFrame } from './reportFrames';

/** A stack printed after the crashing one ("freed by thread T0 here:", "Direct leak of ..."). */
export interface ReportStack {
  title: string;
  frames: StackFrame[];
}

export interface SanitizerReport {
  /** AddressSanitizer, UndefinedBehaviorSanitizer, ..., or fuzzwb for the runtime's own reports. */
  tool: string;
  /** heap-buffer-overflow, SEGV, signed-integer-overflow, memory-leak, SIGSEGV, ... */
  kind: string;
  /** The whole ERROR (or runtime error) line without the ==PID== prefix. */
  headline: string;
  pid?: number;
  access?: { op: 'READ' | 'WRITE'; size?: number };
  address?: string;
  /** The crashing stack (for leaks: the first leak's allocation stack). */
  frames: StackFrame[];
  /** Every stack after the crashing one, in order. */
  stacks: ReportStack[];
  summary?: string;
}

/** Message patterns, first match wins; the names follow UBSan's -fsanitize= check names. */
const KINDS: readonly (readonly [RegExp, string])[] = [
  [/^(?:signed integer overflow|negation of .* cannot be represented)/, 'signed-integer-overflow'],
  [/^unsigned integer overflow/, 'unsigned-integer-overflow'],
  [/^(?:shift exponent|left shift)/, 'shift'],
  [/^division by zero/, 'integer-divide-by-zero'],
  [/^index .* out of bounds/, 'index-out-of-bounds'],
  [/null pointer/, 'null-dereference'],
  [/misaligned address/, 'misaligned-address'],
  [/^load of value .* is not a valid value/, 'invalid-value'],
  [
    /^(?:applying .*offset|pointer index expression|addition of unsigned offset)/,
    'pointer-overflow',
  ],
  [/^execution reached an unreachable program point/, 'unreachable'],
  [/^execution reached the end of a value-returning function/, 'missing-return'],
  [/through pointer to incorrect function type/, 'function-type-mismatch'],
  [/is outside the range of representable values/, 'float-cast-overflow'],
  [/^variable length array bound/, 'vla-bound'],
  [/^implicit conversion from/, 'implicit-conversion'],
  [/^member (?:access|call) within address .* which does not point to an object/, 'vptr'],
];

/** The bug type of a `runtime error:` message; `undefined-behavior` when it is not known. */
export function ubsanKind(message: string): string {
  for (const [re, kind] of KINDS) if (re.test(message)) return kind;
  return 'undefined-behavior';
}

const ERROR_RE = /==(\d+)==\s*(?:ERROR|WARNING): (\w+): (.*)$/;
const UBSAN_RE = /^(.*?):(\d+):(\d+): runtime error: (.*)$/;
const ACCESS_RE = /^(READ|WRITE) of size (\d+) at (0x[0-9a-fA-F]+)/;
const SIGNAL_ACCESS_RE = /The signal is caused by a (READ|WRITE) memory access/;
const ADDRESS_RE = / on (?:unknown )?(?:address )?(0x[0-9a-fA-F]+)/;
const SUMMARY_RE = /^SUMMARY: (\w+): (.*)$/;
const PID_PREFIX_RE = /^==(\d+)==/;
const KIND_TOKEN_RE = /^[A-Za-z][\w-]*$/;
/** Where a report can start; everything before the first of these is skipped unparsed. */
const STARTS = ['ERROR: ', 'WARNING: MemorySanitizer', ': runtime error: '];

/** The bug type from an ERROR line: "attempting double-free on ..." -> "double-free". */
function headlineKind(tool: string, rest: string): string {
  if (tool === 'LeakSanitizer') return 'memory-leak';
  const signal = /^deadly signal (SIG\w+)/.exec(rest);
  if (signal !== null) return signal[1] ?? 'deadly-signal';
  const head = rest.replace(/^attempting /, '').split(/ on | \(|: | for /)[0] ?? rest;
  return head.trim();
}

/** The offset in `text` of the line holding the earliest report start, or -1. */
function reportStart(text: string): number {
  let best = -1;
  for (const marker of STARTS) {
    const at = text.indexOf(marker);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best < 0 ? -1 : text.lastIndexOf('\n', best) + 1;
}

function newReport(line: string): SanitizerReport | undefined {
  const e = ERROR_RE.exec(line);
  if (e !== null) {
    const tool = e[2] ?? '';
    const rest = e[3] ?? '';
    const report: SanitizerReport = {
      tool,
      kind: headlineKind(tool, rest),
      headline: `${tool}: ${rest}`,
      pid: Number(e[1]),
      frames: [],
      stacks: [],
    };
    const addr = ADDRESS_RE.exec(rest);
    if (addr !== null) report.address = addr[1];
    return report;
  }
  const u = UBSAN_RE.exec(line);
  if (u === null) return undefined;
  const message = u[4] ?? '';
  // The location line is frame 0 until a stack (print_stacktrace=1) replaces it.
  const at: StackFrame = { index: 0, pc: '', func: '??', file: u[1] ?? '' };
  at.line = Number(u[2]);
  at.column = Number(u[3]);
  return {
    tool: 'UndefinedBehaviorSanitizer',
    kind: ubsanKind(message),
    headline: `runtime error: ${message}`,
    frames: [at],
    stacks: [],
  };
}

/** Parser state while walking the lines of one report. */
class ReportReader {
  private current: StackFrame[] | undefined;
  private lastText = '';
  private backtrace = false;
  private ubsanLocation = true;

  constructor(readonly report: SanitizerReport) {
    this.backtrace = report.tool === 'fuzzwb';
  }

  /** Returns false when the report is complete. */
  feed(raw: string): boolean {
    const line = raw.length > MAX_FRAME_LINE ? raw.slice(0, MAX_FRAME_LINE) : raw;
    const r = this.report;
    const pid = PID_PREFIX_RE.exec(line);
    // Lines of another process (two reports interleaved) are not ours.
    if (pid !== null && r.pid !== undefined && Number(pid[1]) !== r.pid) return true;
    const s = SUMMARY_RE.exec(line);
    if (s !== null) {
      r.summary = s[2];
      const first = (s[2] ?? '').split(' ')[0] ?? '';
      // ASan's summary names the canonical type ("double-free", "bad-free", "out-of-memory").
      if (/^(?:Address|Memory|Thread)Sanitizer$/.test(r.tool) && KIND_TOKEN_RE.test(first)) {
        r.kind = first;
      }
      return false;
    }
    if (r.access === undefined) {
      const a = ACCESS_RE.exec(line);
      if (a !== null) {
        r.access = { op: a[1] === 'WRITE' ? 'WRITE' : 'READ', size: Number(a[2]) };
        r.address ??= a[3];
        return true;
      }
      const sa = SIGNAL_ACCESS_RE.exec(line);
      if (sa !== null) {
        r.access = { op: sa[1] === 'WRITE' ? 'WRITE' : 'READ' };
        return true;
      }
    }
    const frame = this.frameOf(line);
    if (frame !== undefined) {
      this.addFrame(frame);
      return true;
    }
    if (line.trim() !== '') {
      this.current = undefined;
      this.lastText = line.trim();
    }
    return true;
  }

  private frameOf(line: string): StackFrame | undefined {
    const f = parseSanitizerFrame(line);
    if (f !== undefined || !this.backtrace) return f;
    return parseBacktraceFrame(line, this.current?.length ?? 0);
  }

  private stackTitle(): string {
    return this.lastText.replace(/:$/, '');
  }

  private addFrame(frame: StackFrame): void {
    const r = this.report;
    if (this.current !== undefined) {
      const last = this.current[this.current.length - 1];
      // A frame out of sequence belongs to another process's report: leave it out.
      if (frame.index !== (last?.index ?? -1) + 1) return;
      this.current.push(frame);
      return;
    }
    if (frame.index !== 0) return;
    this.current = [frame];
    if (this.ubsanLocation && r.tool === 'UndefinedBehaviorSanitizer' && r.stacks.length === 0) {
      this.ubsanLocation = false;
      r.frames = this.current;
    } else if (r.frames.length === 0) {
      r.frames = this.current;
      // Each leak is a stack of its own; the first one is also the report's crashing stack.
      if (r.tool === 'LeakSanitizer')
        r.stacks.push({ title: this.stackTitle(), frames: this.current });
    } else {
      r.stacks.push({ title: this.stackTitle(), frames: this.current });
    }
  }
}

/**
 * Reads the first report in `output`. Never throws: returns undefined when no report is there,
 * and whatever could be read when the report is truncated, interleaved or not UTF-8.
 */
export function parseSanitizerReport(output: string | Buffer): SanitizerReport | undefined {
  try {
    const text = typeof output === 'string' ? output : output.toString('utf8');
    const start = reportStart(text);
    if (start < 0) return undefined;
    let reader: ReportReader | undefined;
    let at = start;
    while (at < text.length) {
      const nl = text.indexOf('\n', at);
      const end = nl < 0 ? text.length : nl;
      const line = text.slice(at, Math.min(end, at + MAX_FRAME_LINE)).replace(/\r$/, '');
      at = end + 1;
      if (reader === undefined) {
        const r = newReport(line);
        if (r !== undefined) reader = new ReportReader(r);
        continue;
      }
      if (!reader.feed(line)) break;
    }
    return reader?.report;
  } catch {
    return undefined;
  }
}

/** Leak stacks of a LeakSanitizer report (each "Direct/Indirect leak of ..." stack). */
export function leakStacks(report: SanitizerReport): ReportStack[] {
  return report.stacks.filter((s) => / leak of /.test(s.title));
}
