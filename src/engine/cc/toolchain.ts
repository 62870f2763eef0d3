// Finds the real compiler behind fuzzwb-cc / fuzzwb-c++ and tells clang from gcc.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import type { ToolchainKind } from './args';
import { WrapperError, type Env } from './options';

export type Language = 'c' | 'c++';

/**
 * Set in the environment of every compiler the wrapper runs. Seeing it on entry means the "real"
 * compiler was the wrapper itself (FUZZWB_CC or a PATH entry pointing back at it): without the
 * check each run would start the next one forever.
 */
export const NESTED_VARIABLE = 'FUZZWB_CC_REAL_COMPILER';

/** The environment for running `compiler`: marked so a wrapper started by it refuses to run. */
export function compilerEnv(env: Env, compiler: string): NodeJS.ProcessEnv {
  return { ...env, [NESTED_VARIABLE]: compiler };
}

export interface Toolchain {
  /** Path of the real compiler as found (PATH entry or the override's path). */
  path: string;
  kind: ToolchainKind;
}

export interface ToolchainRequest {
  language: Language;
  /** Only clang will do (the memory sanitizer); gcc candidates and overrides are refused. */
  clangOnly: boolean;
}

/** Preference order: the clang the project is tested with, any clang, then gcc. */
const CANDIDATES: Record<Language, Record<ToolchainKind, string[]>> = {
  c: { clang: ['clang-19', 'clang'], gcc: ['gcc'] },
  'c++': { clang: ['clang++-19', 'clang++'], gcc: ['g++'] },
};

const OVERRIDE_VARIABLE: Record<Language, string> = { c: 'FUZZWB_CC', 'c++': 'FUZZWB_CXX' };

/** The kind a compiler's file name reveals (clang-19, x86_64-linux-gnu-g++-12), or null (cc). */
export function kindFromName(path: string): ToolchainKind | null {
  const name = basename(path);
  if (name.includes('clang')) return 'clang';
  if (/(^|-)(gcc|g\+\+)(-[0-9.]+)?$/.test(name)) return 'gcc';
  return null;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Resolves a command the way a shell would: a name with a slash is a path, else PATH is searched. */
export function findExecutable(command: string, env: Env): string | null {
  if (command.includes('/')) return isExecutableFile(command) ? resolve(command) : null;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    // An empty PATH entry means the current directory, as in the shell.
    const candidate = join(dir === '' ? '.' : dir, command);
    if (isExecutableFile(candidate)) return resolve(candidate);
  }
  return null;
}

/** Asks an ambiguously named compiler (cc, c++) what it is. */
function probeKind(path: string, env: Env): ToolchainKind {
  const result = spawnSync(path, ['--version'], { encoding: 'utf8', env: compilerEnv(env, path) });
  return /clang version/i.test(result.stdout ?? '') ? 'clang' : 'gcc';
}

function overrideToolchain(
  variable: string,
  value: string,
  request: ToolchainRequest,
  env: Env,
): Toolchain {
  const path = findExecutable(value, env);
  if (path === null) {
    throw new WrapperError(`${variable}=${value} is not an executable file or a command on PATH`);
  }
  const kind = kindFromName(path) ?? probeKind(path, env);
  if (request.clangOnly && kind !== 'clang') {
    throw new WrapperError(`the memory sanitizer needs clang, but ${variable}=${value} is gcc`);
  }
  return { path, kind };
}

/** Picks the real compiler: the override variable if set, else the first candidate on PATH. */
export function resolveToolchain(request: ToolchainRequest, env: Env): Toolchain {
  const variable = OVERRIDE_VARIABLE[request.language];
  const override = env[variable];
  if (override !== undefined && override !== '') {
    return overrideToolchain(variable, override, request, env);
  }
  const kinds: ToolchainKind[] = request.clangOnly ? ['clang'] : ['clang', 'gcc'];
  const tried: string[] = [];
  for (const kind of kinds) {
    for (const name of CANDIDATES[request.language][kind]) {
      tried.push(name);
      const path = findExecutable(name, env);
      if (path !== null) return { path, kind };
    }
  }
  const what = request.language === 'c' ? 'C' : 'C++';
  const why = request.clangOnly ? ' (the memory sanitizer needs clang)' : '';
  throw new WrapperError(
    `no ${what} compiler on PATH${why}, tried ${tried.join(', ')}; ` +
      'install clang-19 (apt-get install clang-19)',
  );
}
