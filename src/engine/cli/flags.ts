// libFuzzer-style command-line flags (-name=value): every flag, default and help text in one table.

export interface FlagSpec {
  name: string;
  kind: 'int' | 'string';
  default: number | string;
  help: string;
}

/** The table. Flags of the fuzz and run commands share it, as libFuzzer's do. */
export const FLAGS: readonly FlagSpec[] = [
  {
    name: 'max_total_time',
    kind: 'int',
    default: 0,
    help: 'Stop after this many seconds (0 = no limit).',
  },
  {
    name: 'runs',
    kind: 'int',
    default: 0,
    help: 'Stop after this many executions (0 = no limit).',
  },
  { name: 'seed', kind: 'int', default: 0, help: 'Random seed; 0 picks one from the clock.' },
  { name: 'max_len', kind: 'int', default: 4096, help: 'Largest input the mutator makes.' },
  {
    name: 'dict',
    kind: 'string',
    default: '',
    help: 'AFL/libFuzzer dictionary file: tokens the mutator inserts.',
  },
  {
    name: 'use_cmp',
    kind: 'int',
    default: 1,
    help: 'Learn from comparison operands: automatic dictionary and input-to-state replacement.',
  },
  {
    name: 'stages',
    kind: 'string',
    default: 'all',
    help:
      'fuzz: the loop stages that may run, comma-separated (havoc, i2s, colorize, chain, ' +
      'fixups, records, probe; all; -name drops one: -stages=-chain). Havoc always runs.',
  },
  { name: 'timeout', kind: 'int', default: 1, help: 'Per-input time limit in seconds.' },
  {
    name: 'timeout_ms',
    kind: 'int',
    default: 0,
    help: 'Per-input time limit in milliseconds (overrides -timeout).',
  },
  {
    name: 'rss_limit_mb',
    kind: 'int',
    default: 2048,
    help: 'Memory limit of one execution in MiB (0 = none).',
  },
  {
    name: 'startup_timeout_ms',
    kind: 'int',
    default: 10000,
    help: 'How long the target may take to start its fork server (includes LLVMFuzzerInitialize).',
  },
  {
    name: 'mode',
    kind: 'string',
    default: 'hybrid',
    help:
      'fuzz: hybrid runs inputs in persistent children and re-runs new coverage and crashes in ' +
      'a fresh fork before keeping them; fork forks a fresh child for every input; persistent ' +
      'skips the re-runs (faster, but its findings may depend on earlier inputs).',
  },
  {
    name: 'persistent',
    kind: 'int',
    default: 0,
    help:
      'Inputs per child process: 0 or 1 forks a fresh child for every input, except in fuzz ' +
      'hybrid and persistent modes, where 0 means 1000.',
  },
  {
    name: 'workers',
    kind: 'int',
    default: 0,
    help:
      'fuzz: worker processes, each with its own fork server, sharing corpus, coverage and ' +
      'findings; 0 = the cores available (1 when -seed is given: only one process replays a ' +
      'seed exactly), 1 = fuzz in this process.',
  },
  {
    name: 'artifact_prefix',
    kind: 'string',
    default: '',
    help: 'Where crash-, leak-, timeout- and oom- files are written (a directory ends in /).',
  },
  {
    name: 'exact_artifact_path',
    kind: 'string',
    default: '',
    help: 'minimize: write the minimized input here instead of <prefix>minimized-from-<sha1>.',
  },
  {
    name: 'keep_going',
    kind: 'int',
    default: 0,
    help: 'Do not stop at the first crash: triage, deduplicate and go on fuzzing.',
  },
  {
    name: 'detect_leaks',
    kind: 'int',
    default: 1,
    help:
      'Report memory leaks as leak- files (LeakSanitizer): an input that allocates more than it ' +
      'frees runs again in a fresh child that checks for leaks (0 = never).',
  },
  {
    name: 'verify_runs',
    kind: 'int',
    default: 3,
    help: 'Re-runs of each new crash in fresh children; unstable ones are marked flaky.',
  },
  {
    name: 'triage_skip',
    kind: 'string',
    default: '',
    help: 'Comma-separated regexes of functions or files left out of crash states.',
  },
  {
    name: 'sarif',
    kind: 'string',
    default: '',
    help: 'Write a SARIF 2.1.0 log of all findings here.',
  },
  {
    name: 'coverage_deltas',
    kind: 'string',
    default: '',
    help: 'fuzz: write live per-file coverage changes here as JSON lines (a few per second).',
  },
  {
    name: 'source_roots',
    kind: 'string',
    default: '',
    help: 'Comma-separated directories source file names are resolved against.',
  },
  { name: 'lcov', kind: 'string', default: '', help: 'cov: write an lcov tracefile here.' },
  {
    name: 'sancov_json',
    kind: 'string',
    default: '',
    help: 'cov: write sancov -symbolize style JSON here.',
  },
  { name: 'summary', kind: 'int', default: 0, help: 'cov: print a per-file summary on stdout.' },
  {
    name: 'config',
    kind: 'string',
    default: 'fuzzwb.json',
    help: 'export: the fuzz config to read.',
  },
  {
    name: 'out',
    kind: 'string',
    default: '',
    help: "export: folder to write into (default: the config's folder).",
  },
  {
    name: 'force',
    kind: 'int',
    default: 0,
    help: 'export: overwrite generated files even where they were changed by hand.',
  },
  { name: 'json', kind: 'int', default: 0, help: 'import: print one JSON object per input.' },
  {
    name: 'bind_cpu',
    kind: 'int',
    default: 1,
    help: 'Bind each executor and its target to a core no other process is bound to (0 = never).',
  },
  { name: 'print_final_stats', kind: 'int', default: 1, help: 'Print stat:: lines at the end.' },
  { name: 'help', kind: 'int', default: 0, help: 'Print this help.' },
];

export type FlagValues = Record<string, number | string>;

export interface ParsedArgs {
  flags: FlagValues;
  positional: string[];
}

/** Thrown for a command line that cannot be used; its message is the one line to print. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parses `-name=value` flags (also `-name value`-free `-help`) and positional arguments. */
export function parseArgs(argv: readonly string[], table: readonly FlagSpec[] = FLAGS): ParsedArgs {
  const flags: FlagValues = {};
  for (const f of table) flags[f.name] = f.default;
  const positional: string[] = [];
  for (const arg of argv) {
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    const raw = eq < 0 ? '1' : body.slice(eq + 1);
    const spec = table.find((f) => f.name === name);
    if (spec === undefined) throw new UsageError(`unknown flag: -${name} (see -help=1)`);
    if (spec.kind === 'int') {
      if (!/^-?\d+$/.test(raw)) throw new UsageError(`-${name} takes a whole number, not "${raw}"`);
      flags[name] = Number(raw);
    } else {
      flags[name] = raw;
    }
  }
  return { flags, positional };
}

/** An int flag's value (the table guarantees its type). */
export function intFlag(flags: FlagValues, name: string): number {
  const v = flags[name];
  return typeof v === 'number' ? v : Number(v);
}

export function stringFlag(flags: FlagValues, name: string): string {
  const v = flags[name];
  return typeof v === 'string' ? v : String(v);
}

/** Help text listing every flag with its default. */
export function flagsHelp(table: readonly FlagSpec[] = FLAGS): string {
  const width = Math.max(...table.map((f) => f.name.length)) + 2;
  return table
    .map((f) => ` -${f.name.padEnd(width)}${String(f.default).padEnd(8)}${f.help}`)
    .join('\n');
}
