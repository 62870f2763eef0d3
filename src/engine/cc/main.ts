// Entry of fuzzwb-cc / fuzzwb-c++: rewrite the command line, run the real compiler, pass on its end.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { rewriteArgs } from './args';
import { missingRuntimeMessage, readOptions, WrapperError } from './options';
import { compilerEnv, NESTED_VARIABLE, resolveToolchain, type Language } from './toolchain';

function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Ends this process the way the compiler ended: same exit code, or the same signal. */
function exitLike(status: number | null, signal: NodeJS.Signals | null): never {
  if (signal !== null) {
    process.kill(process.pid, signal);
    // Still alive: the signal is ignored or handled here, so fall back to the shell convention.
    process.exit(128 + (constants.signals[signal] ?? 0));
  }
  process.exit(status ?? 1);
}

function runWrapper(language: Language, argv: readonly string[]): never {
  const nested = process.env[NESTED_VARIABLE];
  if (nested !== undefined) {
    throw new WrapperError(
      `the real compiler ${nested} ran the wrapper again; check FUZZWB_CC, FUZZWB_CXX and PATH`,
    );
  }
  const options = readOptions(process.env, __dirname);
  const clangOnly = options.sanitizers.includes('memory');
  const toolchain = resolveToolchain({ language, clangOnly }, process.env);
  const result = rewriteArgs({
    argv,
    toolchain: toolchain.kind,
    sanitizers: options.sanitizers,
    runtime: options.runtime,
    includeDir: options.includeDir,
  });
  if (result.linksRuntime && !existsSync(options.runtime)) {
    throw new WrapperError(missingRuntimeMessage(options));
  }
  if (options.verbose) {
    process.stderr.write(`${[toolchain.path, ...result.args].map(quoteForDisplay).join(' ')}\n`);
  }
  const child = spawnSync(toolchain.path, result.args, {
    stdio: 'inherit',
    env: compilerEnv(process.env, toolchain.path),
  });
  if (child.error !== undefined) {
    throw new WrapperError(`cannot run ${toolchain.path}: ${child.error.message}`);
  }
  exitLike(child.status, child.signal);
}

/** Runs the wrapper for one language with this process's arguments; never returns. */
export function run(language: Language): never {
  const self = language === 'c' ? 'fuzzwb-cc' : 'fuzzwb-c++';
  try {
    return runWrapper(language, process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof WrapperError)) throw err;
    process.stderr.write(`${self}: ${err.message}\n`);
    process.exit(1);
  }
}
