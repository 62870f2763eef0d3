// What building a config target means (pure): compiler steps or the user's commands, and their env.
import { basename, dirname, extname, join } from 'node:path';
import type { FuzzTarget } from '../config/types';
import { flagsFor, type CompileCommand } from './compileCommands';

/** One process to run: an argv array (never a shell string) and its directory. */
export interface BuildStep {
  argv: string[];
  cwd: string;
  /** The source this step compiles, for messages. */
  source?: string;
}

export interface BuildPlan {
  kind: 'direct' | 'command';
  steps: BuildStep[];
  /** Variables added to the environment of every step. */
  env: Record<string, string>;
  /** Where the binary ends up. */
  binary: string;
  /**
   * direct builds link here and rename it over `binary` only after a successful link, so a
   * failed or interrupted build never leaves a half-written binary in its place.
   */
  tmpBinary?: string;
  /** direct builds: the directory of the object files. */
  objDir?: string;
}

export interface Wrappers {
  cc: string;
  cxx: string;
}

const CXX_EXTENSIONS = new Set(['.cc', '.cpp', '.cxx', '.C', '.c++', '.mm']);

export function isCxxSource(path: string): boolean {
  return CXX_EXTENSIONS.has(extname(path));
}

/** The FUZZWB_SANITIZERS value for a target's sanitizer list. */
export function sanitizerEnv(target: FuzzTarget): string {
  return target.sanitizers.length === 0 ? 'none' : target.sanitizers.join(',');
}

/** Compiles the harness and sources one by one, then links with the right driver. */
function directPlan(
  target: FuzzTarget,
  wrappers: Wrappers,
  commands: CompileCommand[] | undefined,
  unique: string,
): BuildPlan {
  const sources = [...(target.harness !== undefined ? [target.harness] : []), ...target.sources];
  const outDir = dirname(target.binary);
  // Per build, like the temp binary: two builds of one target at once must not share objects.
  const objDir = join(outDir, `.${basename(target.binary)}.obj-${unique}`);
  const optimize = target.cflags.some((f) => /^-O/.test(f)) ? [] : ['-O1'];
  const objects: string[] = [];
  const steps: BuildStep[] = sources.map((src, i) => {
    const obj = join(objDir, `${i}-${basename(src, extname(src))}.o`);
    objects.push(obj);
    const dbFlags = commands !== undefined ? (flagsFor(commands, src) ?? []) : [];
    const compiler = isCxxSource(src) ? wrappers.cxx : wrappers.cc;
    return {
      argv: [compiler, ...optimize, ...dbFlags, ...target.cflags, '-c', src, '-o', obj],
      cwd: dirname(src),
      source: src,
    };
  });
  const tmpBinary = join(outDir, `.${basename(target.binary)}.tmp-${unique}`);
  const linker = sources.some(isCxxSource) ? wrappers.cxx : wrappers.cc;
  steps.push({
    argv: [linker, ...objects, ...target.ldflags, '-o', tmpBinary],
    cwd: outDir,
  });
  return {
    kind: 'direct',
    steps,
    env: { FUZZWB_SANITIZERS: sanitizerEnv(target) },
    binary: target.binary,
    tmpBinary,
    objDir,
  };
}

/** Runs the user's configure (if any) and build command with our wrappers as the compilers. */
function commandPlan(target: FuzzTarget, wrappers: Wrappers): BuildPlan {
  const build = target.build;
  if (build === undefined) throw new Error('commandPlan needs a build command');
  const flags = target.cflags.join(' ');
  return {
    kind: 'command',
    steps: [
      ...(build.configure !== undefined && build.configure.length > 0
        ? [{ argv: build.configure, cwd: build.cwd }]
        : []),
      { argv: build.command, cwd: build.cwd },
    ],
    env: {
      CC: wrappers.cc,
      CXX: wrappers.cxx,
      FUZZWB_SANITIZERS: sanitizerEnv(target),
      // OSS-Fuzz's convention; the wrappers replace -fsanitize=fuzzer with our runtime.
      LIB_FUZZING_ENGINE: '-fsanitize=fuzzer',
      ...(flags !== '' ? { CFLAGS: flags, CXXFLAGS: flags } : {}),
      ...(target.ldflags.length > 0 ? { LDFLAGS: target.ldflags.join(' ') } : {}),
    },
    binary: target.binary,
  };
}

/** Tells apart builds in one process (the engine server may build a target twice at once). */
let buildCounter = 0;

/**
 * The plan for one target: its build command when it has one, else a direct compile of the
 * harness and sources, with per-file flags from compile_commands.json when it lists them.
 */
export function planBuild(
  target: FuzzTarget,
  wrappers: Wrappers,
  commands?: CompileCommand[],
  unique = `${process.pid}-${buildCounter++}`,
): BuildPlan {
  return target.build !== undefined
    ? commandPlan(target, wrappers)
    : directPlan(target, wrappers, commands, unique);
}
