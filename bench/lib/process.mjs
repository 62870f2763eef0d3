// Shared by the benches: positive-integer and name-list options, and a child run with a time limit.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

/** `--name TEXT` as a positive integer, or an error naming the option. */
export function positiveInt(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--${name} must be a positive integer: ${text}`);
  return n;
}

/**
 * The entries of `all` a comma-separated `--kind` list names (all of them without the option),
 * in `all`'s order, or an error naming what is unknown.
 */
export function pickNamed(all, list, kind) {
  if (list === undefined) return all;
  const names = list.split(',');
  const unknown = names.filter((n) => !all.some((e) => e.name === n));
  if (unknown.length > 0) throw new Error(`unknown ${kind} ${unknown.join(', ')}`);
  return all.filter((e) => names.includes(e.name));
}

/**
 * Runs cmd with its output in logPath and resolves to {status, seconds}: wall time from spawn to
 * exit, start-up and the final report included, as a user waits for it. A run still going
 * graceMs past limitSeconds is killed with its whole process group (fuzzers fork).
 */
export function runTimed(cmd, args, { logPath, limitSeconds, graceMs, env = process.env }) {
  const log = openSync(logPath, 'w');
  const start = process.hrtime.bigint();
  const child = spawn(cmd, args, { env, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  const killer = setTimeout(
    () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // It ended meanwhile.
      }
    },
    limitSeconds * 1000 + graceMs,
  );
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      clearTimeout(killer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ status: signal ?? code, seconds });
    });
  });
}

/**
 * Leaks off, for libFuzzer and ours alike (AFL++ never looks): the benches time and measure the
 * memory bugs and coverage, and a real library that leaks early (libarchive's grzip bidder, in
 * its first second) would end every run. The flag stops libFuzzer's and ours' checks per input;
 * the environment stops LSan's check at exit, which would write the empty input as a crash.
 */
export const NO_LEAKS_FLAG = '-detect_leaks=0';

export function noLeaksEnv(env = process.env) {
  return { ...env, ASAN_OPTIONS: [env.ASAN_OPTIONS, 'detect_leaks=0'].filter(Boolean).join(':') };
}
