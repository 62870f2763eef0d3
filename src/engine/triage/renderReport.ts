// Rewrites a raw report's unsymbolized frame lines with the frames our symbolizer resolved.
import { parseSanitizerFrame, type StackFrame } from './reportFrames';
import type { SanitizerReport } from './sanitizerReport';

function key(module: string, offset: string): string {
  return `${module}+${offset.toLowerCase()}`;
}

/** Symbolized frames of the report, by the `(module+offset)` they were resolved from. */
function resolvedFrames(report: SanitizerReport): Map<string, StackFrame[]> {
  const byKey = new Map<string, StackFrame[]>();
  for (const frames of [report.frames, ...report.stacks.map((s) => s.frames)]) {
    for (const f of frames) {
      if (f.module === undefined || f.offset === undefined || f.file === undefined) continue;
      const k = key(f.module, f.offset);
      const list = byKey.get(k) ?? [];
      // Inlined frames of one address arrive together; a second stack repeats them.
      if (!list.some((g) => g.func === f.func && g.file === f.file && g.line === f.line)) {
        list.push(f);
      }
      byKey.set(k, list);
    }
  }
  return byKey;
}

function frameLine(indent: string, f: StackFrame): string {
  const col = f.column !== undefined ? `:${f.column}` : '';
  return `${indent}#${f.index} ${f.pc} in ${f.func} ${f.file ?? '??'}:${f.line ?? 0}${col}`;
}

/**
 * The report text as the sanitizer would have printed it with symbolize=1: each
 * `#N 0xPC (module+0xOFF)` line our symbolizer resolved becomes `#N 0xPC in func file:line:col`
 * (one line per inlined call, as the sanitizers print them). Other lines are kept as they are.
 */
export function renderSymbolized(text: string, report: SanitizerReport): string {
  const byKey = resolvedFrames(report);
  if (byKey.size === 0) return text;
  return text
    .split('\n')
    .map((line) => {
      const f = parseSanitizerFrame(line);
      if (f?.module === undefined || f.offset === undefined) return line;
      const resolved = byKey.get(key(f.module, f.offset));
      if (resolved === undefined) return line;
      const indent = /^\s*/.exec(line)?.[0] ?? '';
      return resolved.map((r) => frameLine(indent, { ...r, index: f.index, pc: f.pc })).join('\n');
    })
    .join('\n');
}
