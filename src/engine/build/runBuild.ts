// Runs a build plan: processes from argv arrays, diagnostics parsed, the binary replaced only whole.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FuzzTarget } from '../config/types';
import { findCompileCommands } from './compileCommands';
import { parseCompilerOutput, type CompilerDiagnostic } from './diagnostics';
import { planBuild, type BuildPlan, type BuildStep, type Wrappers } from './plan';

export interface BuildResult {
  target: string;
  ok: boolean;
  /** The binary, when the build made (or kept) it. */
  binary?: string;
  diagnostics: CompilerDiagnostic[];
  /** One clear line when the build failed: which step, its exit code. */
  message?: string;
  exitCode?: number;
  /** The last lines of the failing step's output, for the Output channel. */
  outputTail?: string;
  /** Where compile_commands.json flags came from, if anywhere. */
  compileCommands?: string;
}

export interface BuildOptions {
  /** The workspace root, searched for compile_commands.json. */
  root: string;
  /** The compiler wrappers; found next to this installation when absent. */
  wrappers?: Wrappers;
  /** Every byte the steps print, as it comes (for a live Output channel). */
  onOutput?: (text: string) => void;
  /** The base environment (default process.env). */
  env?: NodeJS.ProcessEnv;
}

const TAIL_LINES = 40;

/** bin/fuzzwb-cc and bin/fuzzwb-c++ of this installation, found above this module's folder. */
export function defaultWrappers(from = __dirname): Wrappers {
  let dir = from;
  for (;;) {
    const cc = join(dir, 'bin', 'fuzzwb-cc');
    if (existsSync(cc)) return { cc, cxx: join(dir, 'bin', 'fuzzwb-c++') };
    const up = dirname(dir);
    if (up === dir) throw new Error(`bin/fuzzwb-cc not found above ${from}`);
    dir = up;
  }
}

function tail(text: string): string {
  return text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n');
}

interface StepEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  spawnError?: string;
}

function runStep(
  step: BuildStep,
  env: NodeJS.ProcessEnv,
  onOutput?: (t: string) => void,
): Promise<StepEnd> {
  return new Promise((resolvePromise) => {
    let output = '';
    const [cmd, ...args] = step.argv;
    if (cmd === undefined) {
      resolvePromise({ code: null, signal: null, output: '', spawnError: 'empty command' });
      return;
    }
    const child = spawn(cmd, args, { cwd: step.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (b: Buffer): void => {
      const s = b.toString('utf8');
      // Keep a bounded amount: a chatty build system must not grow the engine's memory.
      output = (output + s).slice(-1_000_000);
      onOutput?.(s);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (err) =>
      resolvePromise({ code: null, signal: null, output, spawnError: err.message }),
    );
    child.on('close', (code, signal) => resolvePromise({ code, signal, output }));
  });
}

function describe(step: BuildStep): string {
  const shown = step.argv.slice(0, 6).join(' ');
  return step.argv.length > 6 ? `${shown} ...` : shown;
}

/** Runs the plan's steps in order; stops at the first failure. */
export async function runPlan(
  plan: BuildPlan,
  target: string,
  opts: BuildOptions,
): Promise<BuildResult> {
  const env = { ...(opts.env ?? process.env), ...plan.env };
  const diagnostics: CompilerDiagnostic[] = [];
  mkdirSync(dirname(plan.binary), { recursive: true });
  if (plan.objDir !== undefined) mkdirSync(plan.objDir, { recursive: true });
  const cleanup = (): void => {
    if (plan.tmpBinary !== undefined) rmSync(plan.tmpBinary, { force: true });
  };
  for (const step of plan.steps) {
    if (!existsSync(step.cwd)) {
      cleanup();
      return {
        target,
        ok: false,
        diagnostics,
        message: `build directory ${step.cwd} does not exist`,
      };
    }
    const end = await runStep(step, env, opts.onOutput);
    diagnostics.push(...parseCompilerOutput(end.output, step.cwd));
    if (end.spawnError !== undefined) {
      cleanup();
      return {
        target,
        ok: false,
        diagnostics,
        message: `cannot run ${step.argv[0] ?? '(nothing)'}: ${end.spawnError}`,
      };
    }
    if (end.code !== 0) {
      cleanup();
      const how =
        end.signal !== null ? `was killed by ${end.signal}` : `failed with exit code ${end.code}`;
      const what = step.source !== undefined ? `compiling ${step.source}` : describe(step);
      return {
        target,
        ok: false,
        diagnostics,
        message: `build of ${target} failed: ${what} ${how}`,
        ...(end.code !== null ? { exitCode: end.code } : {}),
        outputTail: tail(end.output),
      };
    }
  }
  if (plan.tmpBinary !== undefined) {
    renameSync(plan.tmpBinary, plan.binary);
  } else if (!existsSync(plan.binary)) {
    return {
      target,
      ok: false,
      diagnostics,
      message: `the build command of ${target} succeeded but made no ${plan.binary}; check "binary" in the config`,
    };
  }
  return { target, ok: true, binary: plan.binary, diagnostics };
}

/** Builds one config target (compile_commands.json looked up under opts.root). */
export async function buildTarget(target: FuzzTarget, opts: BuildOptions): Promise<BuildResult> {
  const db = target.build === undefined ? findCompileCommands(opts.root) : undefined;
  const plan = planBuild(target, opts.wrappers ?? defaultWrappers(), db?.commands);
  const result = await runPlan(plan, target.name, opts);
  if (plan.objDir !== undefined) rmSync(plan.objDir, { recursive: true, force: true });
  return db !== undefined ? { ...result, compileCommands: db.path } : result;
}
