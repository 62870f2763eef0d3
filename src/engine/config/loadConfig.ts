// Loads fuzzwb.json: parse with positions, validate, resolve paths against the file's folder.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { JsonSyntaxError, parseJsonTree, positionAt } from './jsonTree';
import { validateConfigTree, type RawTarget } from './validate';
import type { ConfigError, FuzzConfig, FuzzTarget, LoadedConfig } from './types';

function resolveIn(root: string, p: string): string {
  return isAbsolute(p) ? p : resolve(root, p);
}

/** Path options of compiler flags (joined -Idir or split -I dir), resolved like the config's paths. */
const PATH_FLAG = /^(-I|-isystem|-iquote|-idirafter|-include|-L)(.*)$/;

/** Makes the paths in -I/-L style flags absolute, so a build can run from any directory. */
export function resolveFlagPaths(root: string, flags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i] as string;
    const m = PATH_FLAG.exec(f);
    if (m === null) {
      out.push(f);
    } else if (m[2] !== '') {
      out.push(`${m[1]}${resolveIn(root, m[2] as string)}`);
    } else if (i + 1 < flags.length) {
      out.push(f, resolveIn(root, flags[++i] as string));
    } else {
      out.push(f);
    }
  }
  return out;
}

/** Fills in defaults (under .fuzzwb/) and makes every path absolute. */
export function resolveTarget(root: string, t: RawTarget): FuzzTarget {
  const artifacts = resolveIn(root, t.artifacts ?? join('.fuzzwb', 'findings', t.name));
  return {
    name: t.name,
    ...(t.harness !== undefined ? { harness: resolveIn(root, t.harness) } : {}),
    sources: t.sources.map((s) => resolveIn(root, s)),
    ...(t.build !== undefined
      ? {
          build: {
            ...t.build,
            command: [...t.build.command],
            cwd: resolveIn(root, t.build.cwd),
          },
        }
      : {}),
    binary: resolveIn(root, t.binary ?? join('.fuzzwb', 'build', t.name, t.name)),
    corpus: resolveIn(root, t.corpus ?? join('.fuzzwb', 'corpus', t.name)),
    // An artifact prefix is a directory here: the fuzzer writes crash-<sha1> inside it.
    artifacts: artifacts.endsWith('/') ? artifacts : `${artifacts}/`,
    ...(t.dictionary !== undefined ? { dictionary: resolveIn(root, t.dictionary) } : {}),
    sanitizers: t.sanitizers,
    cflags: resolveFlagPaths(root, t.cflags),
    ldflags: resolveFlagPaths(root, t.ldflags),
    options: t.options,
  };
}

/**
 * Parses config text (pure). `path` names the file for resolving relative paths; the result has
 * no config only when the text is not JSON or not an object with "targets".
 */
export function parseFuzzConfig(text: string, path: string): LoadedConfig {
  const file = resolve(path);
  const root = dirname(file);
  let tree;
  try {
    tree = parseJsonTree(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const pos = positionAt(text, err.offset);
    const error: ConfigError = { message: err.message, pointer: '', ...pos, severity: 'error' };
    return { config: undefined, errors: [error] };
  }
  const { targets, problems } = validateConfigTree(tree);
  const errors: ConfigError[] = problems.map((p) => ({
    message: p.message,
    pointer: p.pointer,
    ...positionAt(text, p.offset),
    severity: p.severity,
  }));
  const usable = tree.kind === 'object' && tree.entries.some((e) => e.key === 'targets');
  const config: FuzzConfig | undefined = usable
    ? { path: file, root, targets: targets.map((t) => resolveTarget(root, t)) }
    : undefined;
  return { config, errors };
}

/** Reads and parses a config file; a file that cannot be read is one error at 1:1. */
export function loadFuzzConfig(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const message =
      (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${path} does not exist`
        : `${path} cannot be read: ${(err as Error).message}`;
    return {
      config: undefined,
      errors: [
        {
          message,
          pointer: '',
          line: 1,
          column: 1,
          severity: 'error',
        },
      ],
    };
  }
  return parseFuzzConfig(text, path);
}

/** Only the errors (not the warnings) of a load. */
export function hardErrors(errors: readonly ConfigError[]): ConfigError[] {
  return errors.filter((e) => e.severity === 'error');
}

/** `file:line:col: error: message` lines, the shape compilers and Problems matchers use. */
export function formatConfigErrors(path: string, errors: readonly ConfigError[]): string {
  return errors.map((e) => `${path}:${e.line}:${e.column}: ${e.severity}: ${e.message}`).join('\n');
}
