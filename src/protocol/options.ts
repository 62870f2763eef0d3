// Every option of the engine, once (as libFuzzer's FuzzerFlags.def): the CLI flags, their ranges
// and help, the fuzzwb.json options and the VS Code settings are all generated from this table.

/** Inputs per persistent child when -persistent is 0 (AFL++'s docs loop __AFL_LOOP(10000)). */
export const DEFAULT_PERSISTENT = 10000;

/** The fuzzing modes, in the order help and settings list them. */
export const FUZZ_MODES = ['hybrid', 'fork', 'persistent'] as const;

/** Largest whole number a flag takes unless its row says otherwise (fits every C field we fill). */
const INT_MAX = 2 ** 31 - 1;

/** A VS Code setting (`fuzzwb.<key>`) that sets this flag for sessions started from the editor. */
export interface SettingSpec {
  key: string;
  /** The setting's own default and minimum where the editor's differ from the CLI's. */
  default?: number | string;
  min?: number;
  description?: string;
  enumDescriptions?: readonly string[];
}

interface FlagBase {
  name: string;
  help: string;
  /** Also an option of a fuzzwb.json target (`options.<name>`). */
  config?: boolean;
  setting?: SettingSpec;
}

export interface IntFlagSpec extends FlagBase {
  kind: 'int';
  default: number;
  min: number;
  max: number;
  /** What 0 means when it is not a plain count ("no limit"); shown in help and docs. */
  zero?: string;
}

export interface StringFlagSpec extends FlagBase {
  kind: 'string';
  default: string;
  /** The only values accepted, when the flag is a choice. */
  choices?: readonly string[];
}

export type FlagSpec = IntFlagSpec | StringFlagSpec;

/** A 0/1 switch. */
export function boolFlag<N extends string>(
  name: N,
  def: 0 | 1,
  help: string,
): IntFlagSpec & { name: N; kind: 'int' } {
  return { name, kind: 'int', default: def, min: 0, max: 1, help };
}

/** The table. Flags of the fuzz, run, cov, minimize, merge, import and export commands share it. */
export const FLAGS = [
  {
    name: 'max_total_time',
    kind: 'int',
    default: 0,
    min: 0,
    max: INT_MAX,
    zero: 'no limit',
    help: 'Stop after this many seconds.',
    config: true,
    setting: {
      key: 'maxTotalTimeSec',
      description: 'Stop a fuzzing session after this many seconds (0 = until stopped).',
    },
  },
  {
    name: 'runs',
    kind: 'int',
    default: 0,
    // libFuzzer's default is -runs=-1, "no limit"; scripts written for it pass it.
    min: -1,
    max: Number.MAX_SAFE_INTEGER,
    zero: 'no limit (so is -1)',
    help: 'Stop after this many executions.',
  },
  {
    name: 'seed',
    kind: 'int',
    default: 0,
    min: 0,
    max: 2 ** 32 - 1,
    zero: 'one from the clock',
    help: 'Random seed.',
  },
  {
    name: 'max_len',
    kind: 'int',
    default: 4096,
    min: 0,
    max: 1 << 24,
    zero: '4096, or the largest seed if larger (libFuzzer: guessed from the corpus)',
    help: 'Largest input the mutator makes, in bytes.',
    config: true,
    setting: { key: 'maxLen', min: 1, description: 'Largest input the mutator makes, in bytes.' },
  },
  {
    name: 'dict',
    kind: 'string',
    default: '',
    help: 'AFL/libFuzzer dictionary file: tokens the mutator inserts.',
  },
  boolFlag(
    'use_cmp',
    1,
    'Learn from comparison operands: automatic dictionary and input-to-state replacement.',
  ),
  boolFlag(
    'reduce_inputs',
    1,
    'Replace a corpus entry by a shorter mutant that holds every feature only that entry held ' +
      "(libFuzzer's REDUCE lines); the corpus gets smaller and faster to run. The longer " +
      'file is removed if this run wrote it (as libFuzzer does); files there before stay.',
  ),
  {
    name: 'stages',
    kind: 'string',
    default: 'all',
    help:
      'fuzz: the loop stages that may run, comma-separated (havoc, i2s, colorize, chain, ' +
      'fixups, records, probe; all; -name drops one: -stages=-chain). Havoc always runs.',
  },
  {
    name: 'timeout',
    kind: 'int',
    // libFuzzer's default: real code under ASan has inputs that take seconds and are no bug;
    // -report_slow_units writes those out without ending the run.
    default: 1200,
    min: 0,
    max: 4294,
    zero: 'no limit',
    help: 'Per-input time limit in seconds; a longer run is a timeout finding (a hang).',
    config: true,
  },
  {
    name: 'timeout_ms',
    kind: 'int',
    default: 0,
    min: 0,
    max: 4294967,
    zero: 'use -timeout',
    help: 'Per-input time limit in milliseconds (overrides -timeout).',
    setting: {
      key: 'timeoutMs',
      default: 1200,
      min: 10,
      description:
        'Time limit of one input in milliseconds; a longer run is reported as a timeout.',
    },
  },
  {
    name: 'rss_limit_mb',
    kind: 'int',
    default: 2048,
    min: 0,
    max: 1 << 24,
    zero: 'no limit',
    help: 'Memory limit of one execution in MiB; more is an out-of-memory finding.',
    config: true,
    setting: {
      key: 'rssLimitMb',
      description:
        'Memory limit of one execution in MiB (0 = none); more is reported as out of memory.',
    },
  },
  {
    name: 'malloc_limit_mb',
    kind: 'int',
    default: 0,
    min: 0,
    max: 1 << 24,
    zero: 'the same as -rss_limit_mb',
    help: 'Largest single allocation in MiB; a larger malloc is an out-of-memory finding.',
  },
  {
    name: 'startup_timeout_ms',
    kind: 'int',
    default: 10000,
    min: 1,
    max: 4294967,
    help: 'How long the target may take to start its fork server (includes LLVMFuzzerInitialize).',
  },
  {
    name: 'mode',
    kind: 'string',
    default: 'hybrid',
    choices: FUZZ_MODES,
    help:
      'fuzz: hybrid runs inputs in persistent children and re-runs new coverage and crashes in ' +
      'a fresh fork before keeping them; fork forks a fresh child for every input; persistent ' +
      'skips the re-runs (faster, but its findings may depend on earlier inputs).',
    config: true,
    setting: {
      key: 'mode',
      description: 'How inputs are run.',
      enumDescriptions: [
        'Batches in persistent children; new coverage and crashes confirmed in a fresh fork (default).',
        'A fresh child for every input: slowest, no state leaks between inputs.',
        'Persistent children only, no confirmation: fastest; findings may depend on earlier inputs.',
      ],
    },
  },
  {
    name: 'persistent',
    kind: 'int',
    default: 0,
    min: 0,
    max: INT_MAX,
    zero: `${DEFAULT_PERSISTENT} in fuzz hybrid and persistent modes, else 1`,
    help: 'Inputs per child process (1 forks a fresh child for every input).',
    config: true,
    setting: {
      key: 'persistent',
      description:
        'Inputs per persistent child in hybrid and persistent modes ' +
        `(0 = the engine default, ${DEFAULT_PERSISTENT}).`,
    },
  },
  {
    name: 'workers',
    kind: 'int',
    default: 0,
    min: 0,
    max: 1024,
    zero: 'the cores available (1 when -seed is given: only one process replays a seed exactly)',
    help:
      'fuzz: worker processes, each with its own fork server, sharing corpus, coverage and ' +
      'findings; 1 = fuzz in this process.',
    config: true,
    setting: {
      key: 'workers',
      default: 1,
      min: 1,
      description: 'Fuzzing processes run in parallel on one target.',
    },
  },
  {
    name: 'artifact_prefix',
    kind: 'string',
    default: '',
    help: 'Where crash-, leak-, timeout-, oom- and slow-unit- files are written (a directory ends in /).',
  },
  {
    name: 'exact_artifact_path',
    kind: 'string',
    default: '',
    help: 'minimize: write the minimized input here instead of <prefix>minimized-from-<sha1>.',
  },
  boolFlag(
    'keep_going',
    0,
    'Do not stop at the first crash: triage, deduplicate and go on fuzzing.',
  ),
  {
    name: 'report_slow_units',
    kind: 'int',
    default: 10,
    min: 0,
    max: 4294,
    zero: 'off',
    help:
      'fuzz: an input that runs at least this many seconds and 10% longer than the slowest one ' +
      'so far is written as slow-unit-<sha1>; fuzzing goes on (no finding, no exit code).',
  },
  boolFlag(
    'detect_leaks',
    1,
    'Report memory leaks as leak- files (LeakSanitizer): an input that allocates more than it ' +
      'frees runs again in a fresh child that checks for leaks (0 = never).',
  ),
  {
    name: 'verify_runs',
    kind: 'int',
    default: 3,
    min: 0,
    max: 100,
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
  boolFlag('summary', 0, 'cov: print a per-file summary on stdout.'),
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
  boolFlag('force', 0, 'export: overwrite generated files even where they were changed by hand.'),
  boolFlag('json', 0, 'import: print one JSON object per input.'),
  boolFlag(
    'bind_cpu',
    1,
    'Bind each executor and its target to a core no other process is bound to (0 = never).',
  ),
  boolFlag('print_final_stats', 1, 'Print stat:: lines at the end.'),
  boolFlag('help', 0, 'Print this help.'),
] as const satisfies readonly FlagSpec[];

/** The value type of one row: a number for int flags, one of its choices or a string otherwise. */
type ValueOf<S> = S extends { kind: 'int' }
  ? number
  : S extends { choices: readonly (infer C)[] }
    ? C
    : string;

/** Parsed values of a table, one typed field per flag: `flags.max_len` is a number. */
export type FlagValues<T extends readonly FlagSpec[]> = {
  [S in T[number] as S['name']]: ValueOf<S>;
};

/** The values of the main table. */
export type FuzzFlagValues = FlagValues<typeof FLAGS>;

/** A fuzzwb.json target's `options`: the rows marked `config`, each optional. */
export type ConfigOptionValues = {
  [S in (typeof FLAGS)[number] as S extends { config: true } ? S['name'] : never]?: ValueOf<S>;
};

const CONFIG_ROWS = (FLAGS as readonly FlagSpec[]).filter((f) => f.config === true);
const SETTING_ROWS = (FLAGS as readonly FlagSpec[]).filter(
  (f): f is FlagSpec & { setting: SettingSpec } => f.setting !== undefined,
);

/** The rows that are fuzzwb.json target options, in the order they are written. */
export function configOptionFlags(): readonly FlagSpec[] {
  return CONFIG_ROWS;
}

/** The rows that have a VS Code setting. */
export function settingFlags(): readonly (FlagSpec & { setting: SettingSpec })[] {
  return SETTING_ROWS;
}
