// Starts a target's fork server through the native addon after checking the binary.
import { resolve } from 'node:path';
import { loadAddon } from '../native/loader';
import { TARGET_FAULT_CODE, type Handshake, type NativeExecutor } from '../native/types';
import { checkTargetBinary } from './binaryCheck';
import { findSymbolizer } from './findTool';
import { targetEnv } from './targetEnv';

export interface ExecutorConfig {
  target: string;
  args?: string[];
  cwd?: string;
  timeoutMs?: number;
  rssLimitMb?: number;
  /** Largest single allocation in MiB (the sanitizer's max_allocation_size_mb); default rssLimitMb. */
  mallocLimitMb?: number;
  /** Inputs per child; 1 = a fresh fork per input. */
  persistent?: number;
  outputLimit?: number;
  handshakeTimeoutMs?: number;
  maxInputSize?: number;
  cmp?: boolean;
  /** Core to bind the executor thread and the target to (see cpuBinding.ts); absent = unbound. */
  cpu?: number;
  /** Sanitizers symbolize their own reports (slow per crash); see targetEnv. Default true. */
  symbolize?: boolean;
  /** Environment to start from; defaults to the engine's. */
  baseEnv?: Record<string, string | undefined>;
  /** Leak detection (LeakSanitizer on, allocations counted: see ExecutorOptions). Default false. */
  detectLeaks?: boolean;
  /** An ok input that runs at least this long comes back `slow` (see ExecutorOptions); 0 = off. */
  slowUnitMs?: number;
}

export const EXECUTOR_DEFAULTS = {
  timeoutMs: 1200,
  rssLimitMb: 2048,
  persistent: 1,
  outputLimit: 1 << 20,
  handshakeTimeoutMs: 10000,
  maxInputSize: 1 << 20,
};

/** A failure the user must act on; its message is one line. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

/** A TargetError, or an executor call the target made fail (TARGET_FAULT_CODE) mid-run. */
export function isTargetError(err: unknown): boolean {
  return (
    err instanceof TargetError ||
    (err instanceof Error && (err as { code?: unknown }).code === TARGET_FAULT_CODE)
  );
}

export interface StartedExecutor {
  executor: NativeExecutor;
  handshake: Handshake;
}

/**
 * gcc's trace-pc hands out no guards, so a gcc-built target shows its instrumentation only when
 * it runs: one empty input must touch some counter. A crash on it proves nothing either way.
 */
async function hitsAnyCounter(executor: NativeExecutor): Promise<boolean> {
  const probe = await executor.run(Buffer.alloc(0));
  if (probe.kind !== 'ok') return true;
  return executor.modules().length > 0 || executor.counters().some((c) => c !== 0);
}

/** Checks the binary, starts its fork server and waits for the handshake. */
export async function startExecutor(cfg: ExecutorConfig): Promise<StartedExecutor> {
  const target = resolve(cfg.target);
  const problem = checkTargetBinary(target);
  if (problem !== null) throw new TargetError(problem);
  const rssLimitMb = cfg.rssLimitMb ?? EXECUTOR_DEFAULTS.rssLimitMb;
  const addon = loadAddon();
  const executor = new addon.Executor({
    target,
    args: cfg.args ?? [],
    env: targetEnv({
      base: cfg.baseEnv ?? process.env,
      symbolizer: findSymbolizer(),
      mallocLimitMb: cfg.mallocLimitMb || rssLimitMb,
      forkServer: true,
      symbolize: cfg.symbolize ?? true,
      detectLeaks: cfg.detectLeaks ?? false,
    }),
    ...(cfg.cwd !== undefined ? { cwd: cfg.cwd } : {}),
    timeoutMs: cfg.timeoutMs ?? EXECUTOR_DEFAULTS.timeoutMs,
    rssLimitMb,
    persistent: cfg.persistent ?? EXECUTOR_DEFAULTS.persistent,
    outputLimit: cfg.outputLimit ?? EXECUTOR_DEFAULTS.outputLimit,
    handshakeTimeoutMs: cfg.handshakeTimeoutMs ?? EXECUTOR_DEFAULTS.handshakeTimeoutMs,
    maxInputSize: cfg.maxInputSize ?? EXECUTOR_DEFAULTS.maxInputSize,
    cmp: cfg.cmp ?? false,
    detectLeaks: cfg.detectLeaks ?? false,
    ...(cfg.slowUnitMs !== undefined ? { slowUnitMs: cfg.slowUnitMs } : {}),
    ...(cfg.cpu !== undefined ? { cpu: cfg.cpu } : {}),
  });
  try {
    const handshake = await executor.start();
    if (handshake.modules.length === 0 && !(await hitsAnyCounter(executor))) {
      await executor.stop();
      throw new TargetError(
        `target has no coverage instrumentation: ${target} ` +
          '(compile it with fuzzwb-cc, which adds -fsanitize-coverage)',
      );
    }
    return { executor, handshake };
  } catch (err) {
    if (err instanceof TargetError) throw err;
    await executor.stop().catch(() => undefined);
    throw new TargetError(err instanceof Error ? err.message : String(err));
  }
}
