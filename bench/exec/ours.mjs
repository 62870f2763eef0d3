// Contender "ours": the addon's Executor running the harness natively through repeat().
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The same input the fork loops run. */
const INPUT = Buffer.from('FUZZ');

/** Each repeat() call aims at this share of a second, so the clock is read rarely but the
 * measurement still ends close to its deadline. */
const BATCH_SECONDS = 0.25;

/** The sanitizer options the engine puts first in a target's environment (mirrors
 * src/engine/exec/targetEnv.ts without a malloc limit); the benchmark adds no user options. */
export const ASAN_OPTIONS = [
  'exitcode=76',
  'abort_on_error=0',
  'handle_abort=1',
  'handle_segv=1',
  'handle_sigbus=1',
  'handle_sigfpe=1',
  'handle_sigill=1',
  'detect_leaks=0',
  'allocator_may_return_null=0',
  'symbolize=1',
  'detect_odr_violation=0',
].join(':');

/** Loads the addon from out/native, saying which path it tried when it is not there. */
export function loadAddon(path) {
  if (!existsSync(path)) {
    throw new Error(`the addon is not built: ${path} is missing (node scripts/build-native.mjs)`);
  }
  return require(path);
}

function targetEnv(addon) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    FUZZWB_FORKSERVER: String(addon.protocolVersion),
    ASAN_OPTIONS,
    UBSAN_OPTIONS: 'exitcode=76:halt_on_error=1:print_stacktrace=1:symbolize=1',
  };
}

/**
 * Runs target for about `seconds` after its fork server said HELLO and returns execs/s.
 * Start-up is excluded, as it is for AFL++ (its rate starts after the dry run).
 */
export async function measureOurs(addon, { target, persistent, seconds }) {
  const executor = new addon.Executor({
    target,
    args: [],
    env: targetEnv(addon),
    timeoutMs: 1000,
    // No RSS limit: AFL++ runs with -m none and the fork loops have none either.
    rssLimitMb: 0,
    persistent,
    outputLimit: 4096,
    handshakeTimeoutMs: 10000,
    maxInputSize: 1 << 20,
    // The harness is built with trace-cmp, and a fuzzing session records the operands.
    cmp: true,
  });
  await executor.start();
  try {
    let execs = 0;
    let count = 32;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round(seconds * 1e9));
    for (;;) {
      const res = await executor.repeat(INPUT, count);
      const bad = res.findings.find((f) => f.kind !== 'ok');
      if (bad) throw new Error(`ours: the harness ended with ${bad.kind} (${target})`);
      execs += res.execs;
      const now = process.hrtime.bigint();
      if (now >= deadline) return execs / (Number(now - start) / 1e9);
      const rate = execs / (Number(now - start) / 1e9);
      const left = Number(deadline - now) / 1e9;
      count = Math.max(1, Math.ceil(rate * Math.min(BATCH_SECONDS, left)));
    }
  } finally {
    await executor.stop();
  }
}
