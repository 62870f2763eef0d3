// The fuzz config (fuzzwb.json) as the engine uses it: paths resolved, defaults filled in.
import type { ConfigOptionValues, FUZZ_MODES } from '../../protocol/options';

/** Sanitizers a target may ask for; "none" in the file becomes an empty list. */
export type ConfigSanitizer = 'address' | 'undefined' | 'memory';

export type FuzzMode = (typeof FUZZ_MODES)[number];

/** Fuzzing options, named as the CLI's flags so they can be passed on as `-name=value`. */
export type TargetOptions = ConfigOptionValues;

/** The user's own build: an argv array (never a shell string) and its directory. */
export interface BuildCommand {
  command: string[];
  /** Run before command, e.g. a cmake configure step. */
  configure?: string[];
  /** Absolute. */
  cwd: string;
}

export interface FuzzTarget {
  name: string;
  /** Absolute path of the file defining LLVMFuzzerTestOneInput, if the config names one. */
  harness?: string;
  /** Absolute paths of extra sources compiled with the harness. */
  sources: string[];
  build?: BuildCommand;
  /** Absolute path of the fuzz binary (built, or produced by the user's build). */
  binary: string;
  /** Absolute corpus directory. */
  corpus: string;
  /** Absolute artifact prefix; a directory, so it ends in "/". */
  artifacts: string;
  dictionary?: string;
  sanitizers: ConfigSanitizer[];
  cflags: string[];
  ldflags: string[];
  options: TargetOptions;
}

export interface FuzzConfig {
  /** Absolute path of the config file. */
  path: string;
  /** The folder relative paths were resolved against (the config file's folder). */
  root: string;
  targets: FuzzTarget[];
}

/** One problem in the config file, placed for the Problems panel. */
export interface ConfigError {
  message: string;
  /** JSON pointer of the value at fault ("" for the whole document). */
  pointer: string;
  /** 1-based line and column of that value (of the object, for a missing property). */
  line: number;
  column: number;
  /** Warnings (unknown properties) leave the target usable; errors drop it. */
  severity: 'error' | 'warning';
}

export interface LoadedConfig {
  /** Undefined when the file cannot be read or parsed at all. */
  config: FuzzConfig | undefined;
  errors: ConfigError[];
}

/** The config file name the CLI and the extension look for in the workspace root. */
export const CONFIG_FILE_NAME = 'fuzzwb.json';
