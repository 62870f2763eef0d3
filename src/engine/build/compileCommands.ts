// Flags for a source file from the project's compile_commands.json (include dirs, defines, -std).
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export interface CompileCommand {
  directory: string;
  file: string;
  /** The command as an argv array (from "arguments", or "command" split like a shell would). */
  arguments: string[];
}

/** Where compile_commands.json usually is, relative to the workspace root, in search order. */
export const COMPILE_COMMANDS_PLACES = [
  'compile_commands.json',
  'build/compile_commands.json',
  'out/compile_commands.json',
  'builddir/compile_commands.json',
  'cmake-build-debug/compile_commands.json',
];

/** Splits a shell command line (quotes and backslashes; no expansions), as the JSON format allows. */
export function splitCommand(command: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) cur += command[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (c === '\\' && i + 1 < command.length) {
      cur += command[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur !== '') out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
    }
  }
  if (has || cur !== '') out.push(cur);
  return out;
}

/** Parses the database; entries that are not objects with a file are skipped. */
export function parseCompileCommands(text: string): CompileCommand[] {
  const data: unknown = JSON.parse(text);
  if (!Array.isArray(data)) throw new Error('compile_commands.json is not an array');
  const out: CompileCommand[] = [];
  for (const e of data as Record<string, unknown>[]) {
    if (typeof e !== 'object' || e === null || typeof e.file !== 'string') continue;
    const directory = typeof e.directory === 'string' ? e.directory : '.';
    const args = Array.isArray(e.arguments)
      ? (e.arguments as unknown[]).filter((a): a is string => typeof a === 'string')
      : typeof e.command === 'string'
        ? splitCommand(e.command)
        : [];
    out.push({ directory, file: resolve(directory, e.file), arguments: args });
  }
  return out;
}

/** Options whose value may be the next argument, and which we keep. */
const KEEP_WITH_VALUE = new Set([
  '-I',
  '-D',
  '-U',
  '-include',
  '-isystem',
  '-iquote',
  '-idirafter',
  '-imacros',
]);
const PATH_OPTIONS = new Set(['-I', '-include', '-isystem', '-iquote', '-idirafter', '-imacros']);

/**
 * The flags of one entry that matter for compiling the file elsewhere: include paths (made
 * absolute), defines, the language standard, -f and -m options. Output, dependency, optimization,
 * sanitizer and warning-as-error flags are left out: the fuzz build sets its own.
 */
export function relevantFlags(cmd: CompileCommand): string[] {
  const out: string[] = [];
  const args = cmd.arguments.slice(1);
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(cmd.directory, p));
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (KEEP_WITH_VALUE.has(a)) {
      const v = args[++i];
      if (v !== undefined) out.push(a, PATH_OPTIONS.has(a) ? abs(v) : v);
      continue;
    }
    const joined = /^(-I|-isystem|-iquote|-idirafter)(.+)$/.exec(a);
    if (joined !== null) {
      out.push(`${joined[1]}${abs(joined[2] as string)}`);
      continue;
    }
    if (/^-[DU]./.test(a) || /^-std=/.test(a)) {
      out.push(a);
      continue;
    }
    if (
      /^-f/.test(a) &&
      !/^-f(no-)?sanitize|^-fprofile|^-fcoverage|^-fdiagnostics|^-fcolor/.test(a)
    ) {
      out.push(a);
      continue;
    }
    if (/^-m/.test(a)) out.push(a);
    if (['-o', '-MF', '-MT', '-MQ', '-x'].includes(a)) i++;
  }
  return out;
}

/** The database found under `root`, or undefined. */
export function findCompileCommands(
  root: string,
): { path: string; commands: CompileCommand[] } | undefined {
  for (const rel of COMPILE_COMMANDS_PLACES) {
    const path = join(root, rel);
    if (!existsSync(path)) continue;
    try {
      return { path, commands: parseCompileCommands(readFileSync(path, 'utf8')) };
    } catch {
      // A broken database is the project's business; the build falls back to the config's flags.
      continue;
    }
  }
  return undefined;
}

/** The flags recorded for `file`, or undefined when the database does not list it. */
export function flagsFor(commands: CompileCommand[], file: string): string[] | undefined {
  const abs = resolve(file);
  const entry = commands.find((c) => c.file === abs);
  return entry !== undefined ? relevantFlags(entry) : undefined;
}
