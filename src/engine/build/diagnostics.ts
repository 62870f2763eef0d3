// Parses clang/gcc (and linker) output into structured diagnostics for the Problems panel.
import { isAbsolute, resolve } from 'node:path';

export type DiagnosticSeverity = 'error' | 'warning' | 'note';

export interface CompilerDiagnostic {
  /** Absolute path, or undefined for a message about no file (driver or linker errors). */
  file: string | undefined;
  /** 1-based; 0 when unknown. */
  line: number;
  column: number;
  severity: DiagnosticSeverity;
  message: string;
  /** The warning option or check that produced it, e.g. "-Wunused-variable". */
  option?: string;
  /** Notes that belong to this diagnostic (candidate declarations, macro expansions...). */
  notes: CompilerDiagnostic[];
}

// file:line:col: severity: message [-Wflag]   (col optional; "fatal error" counts as error)
const LOCATED =
  /^(.+?):(\d+):(?:(\d+):)?\s+(fatal error|error|warning|note|remark):\s+(.*?)(?:\s+\[(-W[^\]]+|-f[^\]]+)\])?$/;
// clang: error: ...   /usr/bin/ld: ...   collect2: error: ...
const UNLOCATED =
  /^(?:[\w./+-]*(?:clang|gcc|g\+\+|cc|c\+\+|collect2)(?:-\d+)?(?:\+\+)?):\s+(fatal error|error|warning|note):\s+(.*)$/;
const LINKER =
  /^(?:\S*\/)?(?:ld(?:\.\w+)?|lld|ld\.lld|ld\.gold|ld\.bfd|mold):\s+(?:(error|warning):\s+)?(.*)$/;
// ld: file.o: in function `f': /path/x.c:12:(.text+0x5): undefined reference to `g'
const LINKER_LOCATED =
  /^(.+?):(?:(\d+):)?(?:\(.*?\))?:?\s*(undefined reference to .*|multiple definition of .*)$/;

/** Colour escapes (-fdiagnostics-color=always in a user's flags). */
// eslint-disable-next-line no-control-regex -- the escape character is what is being matched
const ANSI_COLOR = /\x1b\[[0-9;]*m/g;

function toSeverity(word: string): DiagnosticSeverity {
  if (word === 'note' || word === 'remark') return 'note';
  return word === 'warning' ? 'warning' : 'error';
}

/**
 * Parses compiler output. Relative file names are resolved against `cwd` (where the compiler
 * ran). Notes attach to the error or warning before them; a note with nothing before it stands
 * alone. "In file included from" chains and source/caret lines are skipped.
 */
export function parseCompilerOutput(output: string, cwd: string): CompilerDiagnostic[] {
  const out: CompilerDiagnostic[] = [];
  let last: CompilerDiagnostic | undefined;
  const abs = (f: string): string => (isAbsolute(f) ? f : resolve(cwd, f));
  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '').replace(ANSI_COLOR, '');
    if (line.startsWith('In file included from') || /^\s+from /.test(line)) continue;
    const m = LOCATED.exec(line);
    if (m !== null) {
      const d: CompilerDiagnostic = {
        file: abs(m[1] as string),
        line: Number(m[2]),
        column: m[3] !== undefined ? Number(m[3]) : 0,
        severity: toSeverity(m[4] as string),
        message: m[5] as string,
        ...(m[6] !== undefined ? { option: m[6] } : {}),
        notes: [],
      };
      if (d.severity === 'note' && last !== undefined) last.notes.push(d);
      else {
        out.push(d);
        last = d.severity === 'note' ? undefined : d;
      }
      continue;
    }
    const u = UNLOCATED.exec(line);
    if (u !== null) {
      const d: CompilerDiagnostic = {
        file: undefined,
        line: 0,
        column: 0,
        severity: toSeverity(u[1] as string),
        message: u[2] as string,
        notes: [],
      };
      out.push(d);
      last = d;
      continue;
    }
    const l = LINKER.exec(line);
    if (l !== null) {
      const body = l[2] as string;
      const loc =
        /(?:^|: )(\/[^:]+|[\w./-]+\.(?:c|cc|cpp|cxx|h|hpp)):(\d+):(?:\(.*?\))?\s*(.*)$/.exec(body);
      const d: CompilerDiagnostic = {
        file: loc !== null ? abs(loc[1] as string) : undefined,
        line: loc !== null ? Number(loc[2]) : 0,
        column: 0,
        severity: l[1] === 'warning' ? 'warning' : 'error',
        message: loc !== null ? (loc[3] as string) : body,
        notes: [],
      };
      // "in function `f':" alone is context for the next line, not a problem of its own.
      if (/in function [`'].*[`']:$/.test(body) && loc === null) continue;
      out.push(d);
      last = d;
      continue;
    }
    const ll = LINKER_LOCATED.exec(line);
    if (ll !== null) {
      const d: CompilerDiagnostic = {
        file: abs(ll[1] as string),
        line: ll[2] !== undefined ? Number(ll[2]) : 0,
        column: 0,
        severity: 'error',
        message: ll[3] as string,
        notes: [],
      };
      out.push(d);
      last = d;
    }
  }
  return out;
}

/** `file:line:col: severity: message` as compilers print it (for the CLI's text output). */
export function formatDiagnostic(d: CompilerDiagnostic): string {
  const where = d.file !== undefined ? `${d.file}:${d.line}:${d.column}: ` : '';
  const notes = d.notes.map((n) => `\n  ${formatDiagnostic(n)}`).join('');
  return `${where}${d.severity}: ${d.message}${d.option !== undefined ? ` [${d.option}]` : ''}${notes}`;
}
