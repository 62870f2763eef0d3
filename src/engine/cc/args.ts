// Pure rewrite of a compiler command line into the instrumented one fuzzwb-cc runs.

import { WrapperError, type Sanitizer } from './options';

export type ToolchainKind = 'clang' | 'gcc';

/** What the wrapper decided a command line does; it decides which flags are added. */
export type Step =
  /** A query (--version, -E, -print-*...): nothing is added. */
  | 'query'
  /** No input files (e.g. `cc -Wl,--version`): nothing is added. */
  | 'no-input'
  /** -c, -S or -fsyntax-only: instrumentation only. */
  | 'compile'
  /** Links an executable: instrumentation (if it compiles too) and the runtime. */
  | 'link-executable'
  /** -shared, -r or -fsanitize=fuzzer-no-link: sanitizers, never the runtime. */
  | 'link-without-runtime';

export interface RewriteInput {
  /** The wrapper's own arguments, without the node and script paths. */
  argv: readonly string[];
  toolchain: ToolchainKind;
  sanitizers: readonly Sanitizer[];
  /** Absolute path of libfuzzwb_rt.a. */
  runtime: string;
  /** Headers shipped with the runtime (<fuzzwb/data_provider.h>), searched after the user's. */
  includeDir?: string;
}

export interface RewriteResult {
  step: Step;
  /** Arguments for the real compiler (argv[0] excluded). */
  args: string[];
  /** True when args name the runtime archive, so it must exist. */
  linksRuntime: boolean;
}

/** Options whose value is the next argument; that argument is never an input file. */
const TAKES_VALUE = new Set(
  (
    '-o -x -I -D -U -include -imacros -isystem -idirafter -iquote -iprefix -iwithprefix ' +
    '-iwithprefixbefore -isysroot -imultilib --sysroot -MF -MT -MQ -MJ -L -l -Xlinker ' +
    '-Xassembler -Xpreprocessor -Xclang -target -arch -T -u -z -e -aux-info -B -mllvm ' +
    '--param -gcc-toolchain -dependency-file -serialize-diagnostics -ivfsoverlay -F ' +
    '-working-directory -framework'
  ).split(' '),
);

/** Extensions the driver compiles (anything else positional is a link input). */
const SOURCE_EXTENSIONS = new Set(
  'c i cc cp cxx cpp CPP c++ C ii m mi mm M mii s S sx h hh hpp hxx'.split(' '),
);

const QUERY_FLAGS = new Set([
  '--version',
  '-dumpversion',
  '-dumpfullversion',
  '-dumpmachine',
  '-dumpspecs',
  '--help',
  '-E',
]);

const COMPILE_ONLY_FLAGS = new Set(['-c', '-S', '-fsyntax-only']);

/** Entries of -fsanitize= lists that name libFuzzer; our runtime takes its place. */
const FUZZER_ENTRIES = new Set(['fuzzer', 'fuzzer-no-link']);

const COVERAGE: Record<ToolchainKind, readonly string[]> = {
  clang: [
    '-fsanitize-coverage=trace-pc-guard,pc-table,trace-cmp',
    // fuzzer-no-link marks functions `optforfuzzing`, as libFuzzer builds are: the optimizer then
    // keeps each condition its own branch (not folded into selects), so every step towards a bug
    // is an edge the fuzzer can see (mmio's 27 counters become 34), and memcmp & co. stay calls
    // whose operands the runtime records. Its own counters and stack depth are libFuzzer's
    // business and are turned off again.
    '-fsanitize=fuzzer-no-link',
    '-fno-sanitize-coverage=inline-8bit-counters,stack-depth,indirect-calls',
  ],
  gcc: ['-fsanitize-coverage=trace-pc,trace-cmp'],
};

/** What one pass over the user's arguments found. */
interface Scan {
  kept: string[];
  query: boolean;
  compileOnly: boolean;
  noRuntime: boolean;
  hasInputs: boolean;
  hasSources: boolean;
  /** A -x language is in effect after the last argument, so appended files need `-x none`. */
  languageForced: boolean;
}

/** True when `arg` makes the command line a question to the compiler: nothing is built. */
function isQuery(argv: readonly string[], arg: string): boolean {
  if (QUERY_FLAGS.has(arg) || arg.startsWith('-print-') || arg.startsWith('--print-')) return true;
  if (arg === '-v') return argv.length === 1;
  // -M and -MM alone only print dependencies; with -MD/-MMD they ride along a real compile.
  if (arg === '-M' || arg === '-MM') return !argv.includes('-MD') && !argv.includes('-MMD');
  return false;
}

/** Removes fuzzer entries from a -fsanitize=/-fno-sanitize= list; null when nothing is left. */
function stripFuzzer(arg: string): { arg: string | null; noLink: boolean } {
  const eq = arg.indexOf('=');
  const entries = arg.slice(eq + 1).split(',');
  const rest = entries.filter((e) => !FUZZER_ENTRIES.has(e));
  const noLink = arg.startsWith('-fsanitize=') && entries.includes('fuzzer-no-link');
  if (rest.length === entries.length) return { arg, noLink };
  return { arg: rest.length > 0 ? `${arg.slice(0, eq + 1)}${rest.join(',')}` : null, noLink };
}

/** True for a file name the driver compiles (by extension) rather than passes to the linker. */
function isSourcePath(path: string): boolean {
  const dot = path.lastIndexOf('.');
  if (dot < 0 || dot < path.lastIndexOf('/')) return false;
  return SOURCE_EXTENSIONS.has(path.slice(dot + 1));
}

function scan(argv: readonly string[]): Scan {
  const s: Scan = {
    kept: [],
    query: false,
    compileOnly: false,
    noRuntime: false,
    hasInputs: false,
    hasSources: false,
    languageForced: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('-fsanitize=') || arg.startsWith('-fno-sanitize=')) {
      const stripped = stripFuzzer(arg);
      if (stripped.noLink) s.noRuntime = true;
      if (stripped.arg !== null) s.kept.push(stripped.arg);
      continue;
    }
    s.kept.push(arg);
    if (TAKES_VALUE.has(arg)) {
      const value = argv[i + 1];
      if (value === undefined) continue;
      s.kept.push(value);
      i++;
      if (arg === '-x') s.languageForced = value !== 'none';
      continue;
    }
    if (arg.startsWith('-x') && arg.length > 2) s.languageForced = arg !== '-xnone';
    else if (isQuery(argv, arg)) s.query = true;
    else if (COMPILE_ONLY_FLAGS.has(arg)) s.compileOnly = true;
    else if (arg === '-shared' || arg === '-r') s.noRuntime = true;
    else if (arg.startsWith('@')) {
      // A response file may hold sources as well as objects: treat it as both.
      s.hasInputs = true;
      s.hasSources = true;
    } else if (arg === '-' || !arg.startsWith('-')) {
      s.hasInputs = true;
      if (s.languageForced || isSourcePath(arg)) s.hasSources = true;
    }
  }
  return s;
}

function sanitizerFlags(sanitizers: readonly Sanitizer[]): string[] {
  if (sanitizers.length === 0) return [];
  const flags = [`-fsanitize=${sanitizers.join(',')}`];
  // A UBSan finding must end the run, or the fuzzer never learns about it.
  if (sanitizers.includes('undefined')) flags.push('-fno-sanitize-recover=undefined');
  return flags;
}

function compileFlags(input: RewriteInput): string[] {
  return [
    '-g',
    '-fno-omit-frame-pointer',
    '-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION',
    ...COVERAGE[input.toolchain],
    ...(input.includeDir !== undefined ? ['-idirafter', input.includeDir] : []),
  ];
}

function runtimeFlags(input: RewriteInput, languageForced: boolean): string[] {
  return [
    // Under an open `-x c` the driver would compile the archive as C source.
    ...(languageForced ? ['-x', 'none'] : []),
    input.runtime,
    // Instrumented libraries loaded by dlopen must find the callbacks in the executable.
    '-Wl,--export-dynamic-symbol=__sanitizer_cov_*',
    '-Wl,--export-dynamic-symbol=__sanitizer_weak_hook_*',
    '-ldl',
    '-lpthread',
  ];
}

/** Computes the real compiler's argv for one wrapper invocation. */
export function rewriteArgs(input: RewriteInput): RewriteResult {
  if (input.toolchain === 'gcc' && input.sanitizers.includes('memory')) {
    throw new WrapperError('the memory sanitizer needs clang, but the real compiler is gcc');
  }
  const s = scan(input.argv);
  if (s.query) return { step: 'query', args: s.kept, linksRuntime: false };
  if (!s.hasInputs) return { step: 'no-input', args: s.kept, linksRuntime: false };
  const sanitizers = sanitizerFlags(input.sanitizers);
  const instrument = s.compileOnly || s.hasSources ? compileFlags(input) : [];
  if (s.compileOnly) {
    return {
      step: 'compile',
      args: [...s.kept, ...instrument, ...sanitizers],
      linksRuntime: false,
    };
  }
  if (s.noRuntime) {
    const args = [...s.kept, ...instrument, ...sanitizers];
    return { step: 'link-without-runtime', args, linksRuntime: false };
  }
  const args = [
    // Pulls the harness out of a user archive that precedes our runtime's main() on the line.
    '-Wl,--undefined=LLVMFuzzerTestOneInput',
    ...s.kept,
    ...instrument,
    ...sanitizers,
    ...runtimeFlags(input, s.languageForced),
  ];
  return { step: 'link-executable', args, linksRuntime: true };
}
