// Fills in source locations of report frames that only name a module and offset.
import { isAbsolute } from 'node:path';
import type { SanitizerReport, StackFrame } from './sanitizerReport';
import type { Symbolizer } from './symbolizer';

/** System libraries carry no debug info worth a symbolizer process. */
const SYSTEM_MODULE = /^\/(?:usr\/)?lib(?:32|64|x32)?\//;

export interface SymbolizeOptions {
  /** Maps a module name as printed (maybe relative, like argv[0]) to a file to symbolize. */
  resolveModule?: (module: string) => string | undefined;
}

/**
 * True when a frame's pc is a return address (the instruction after the call): its call site is
 * one byte earlier. Frame 0 is exact; in a fuzzwb signal report, so is the frame the signal
 * trampoline (the first libc frame) interrupted.
 */
function isReturnAddress(frame: StackFrame, frames: readonly StackFrame[], tool: string): boolean {
  if (frame.index === 0) return false;
  if (tool !== 'fuzzwb') return true;
  const before = frames.find((f) => f.index === frame.index - 1);
  return !(before !== undefined && /\blibc\.so/.test(before.module ?? ''));
}

async function symbolizeStack(
  frames: StackFrame[],
  tool: string,
  symbolizer: Symbolizer,
  opts: SymbolizeOptions,
): Promise<StackFrame[]> {
  const out: StackFrame[] = [];
  for (const frame of frames) {
    const module = frame.module === undefined ? undefined : resolve(frame.module, opts);
    if (frame.file !== undefined || module === undefined || frame.offset === undefined) {
      out.push(frame);
      continue;
    }
    let offset = BigInt(frame.offset);
    if (isReturnAddress(frame, frames, tool) && offset > 0n) offset -= 1n;
    const locs = await symbolizer.symbolize(module, offset);
    if (locs.length === 0) {
      out.push(frame);
      continue;
    }
    locs.forEach((loc, i) => {
      const f: StackFrame = { ...frame, func: loc.func === '??' ? frame.func : loc.func };
      if (loc.file !== undefined) f.file = loc.file;
      if (loc.line !== undefined) f.line = loc.line;
      if (loc.column !== undefined) f.column = loc.column;
      // The symbolizer lists the innermost inlined call first; the outer ones share the address.
      if (i < locs.length - 1) f.inlined = true;
      out.push(f);
    });
  }
  return out;
}

function resolve(module: string, opts: SymbolizeOptions): string | undefined {
  const mapped = opts.resolveModule?.(module) ?? module;
  if (!isAbsolute(mapped) || SYSTEM_MODULE.test(mapped)) return undefined;
  return mapped;
}

/** True when some frame could gain a source location from the symbolizer. */
export function needsSymbols(report: SanitizerReport): boolean {
  const all = [report.frames, ...report.stacks.map((s) => s.frames)];
  return all.some((frames) =>
    frames.some((f) => f.file === undefined && f.module !== undefined && f.offset !== undefined),
  );
}

/** A copy of the report with every symbolizable frame symbolized. */
export async function symbolizeReport(
  report: SanitizerReport,
  symbolizer: Symbolizer,
  opts: SymbolizeOptions = {},
): Promise<SanitizerReport> {
  if (!needsSymbols(report)) return report;
  const frames = await symbolizeStack(report.frames, report.tool, symbolizer, opts);
  const stacks = [];
  for (const s of report.stacks) {
    stacks.push({
      title: s.title,
      frames: await symbolizeStack(s.frames, report.tool, symbolizer, opts),
    });
  }
  return { ...report, frames, stacks };
}
