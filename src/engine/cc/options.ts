// The compiler wrappers' settings, read from the environment (FUZZWB_SANITIZERS and friends).

import { join, resolve } from 'node:path';

/** A one-line, user-facing failure of the wrappers; main prints its message and exits 1. */
export class WrapperError extends Error {
  override name = 'WrapperError';
}

export type Sanitizer = 'address' | 'undefined' | 'memory';

export interface WrapperOptions {
  /** Sanitizers compiled in; empty for FUZZWB_SANITIZERS=none. */
  sanitizers: Sanitizer[];
  /** Print the real compiler's command line to stderr before running it. */
  verbose: boolean;
  /** Absolute path of the runtime archive linked into executables. */
  runtime: string;
  /** True when FUZZWB_RUNTIME chose the archive, so an error names that variable. */
  runtimeFromEnv: boolean;
  /** native/include of this installation: harnesses include <fuzzwb/data_provider.h> from it. */
  includeDir: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The accepted FUZZWB_SANITIZERS values, listed in error messages. */
const SANITIZER_CHOICES = ['address', 'address,undefined', 'undefined', 'memory', 'none'];

/** Parses FUZZWB_SANITIZERS; unset or empty means address. */
export function parseSanitizers(value: string | undefined): Sanitizer[] {
  const text = (value ?? '').trim();
  if (text === '') return ['address'];
  if (text === 'none') return [];
  const entries = text.split(',').map((e) => e.trim());
  const seen = new Set<Sanitizer>();
  for (const e of entries) {
    if (e !== 'address' && e !== 'undefined' && e !== 'memory') {
      throw new WrapperError(
        `FUZZWB_SANITIZERS=${text} is not one of ${SANITIZER_CHOICES.join(' | ')}`,
      );
    }
    seen.add(e);
  }
  // Clang refuses memory with address; say so before it does, in our terms.
  if (seen.has('memory') && seen.size > 1) {
    throw new WrapperError(`FUZZWB_SANITIZERS=${text}: memory cannot be combined with others`);
  }
  const order: Sanitizer[] = ['address', 'undefined', 'memory'];
  return order.filter((s) => seen.has(s));
}

/** True for the usual spellings of "on". */
function isOn(value: string | undefined): boolean {
  return value !== undefined && ['1', 'true', 'yes', 'on'].includes(value.trim().toLowerCase());
}

/**
 * Reads the options. `bundleDir` is the directory of out/fuzzwb-cc.js: the runtime archive is
 * built next to it in out/native/, unless FUZZWB_RUNTIME names another one.
 */
export function readOptions(env: Env, bundleDir: string): WrapperOptions {
  const fromEnv = env.FUZZWB_RUNTIME !== undefined && env.FUZZWB_RUNTIME !== '';
  return {
    sanitizers: parseSanitizers(env.FUZZWB_SANITIZERS),
    verbose: isOn(env.FUZZWB_CC_VERBOSE),
    // Build systems run the compiler from many directories: pin a relative path once.
    runtime: fromEnv
      ? resolve(env.FUZZWB_RUNTIME as string)
      : join(bundleDir, 'native', 'libfuzzwb_rt.a'),
    runtimeFromEnv: fromEnv,
    includeDir: join(bundleDir, '..', 'native', 'include'),
  };
}

/** The one line printed when the runtime archive is not where the options say. */
export function missingRuntimeMessage(options: WrapperOptions): string {
  if (options.runtimeFromEnv) {
    return `the runtime archive FUZZWB_RUNTIME=${options.runtime} does not exist`;
  }
  return `the runtime archive ${options.runtime} is missing; run npm run build`;
}
