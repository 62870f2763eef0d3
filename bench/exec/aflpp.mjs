// Contenders "aflpp-forkserver" and "aflpp-persistent": afl-fuzz run for a fixed time on the harness.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stripVTControlCharacters } from 'node:util';

/** The environment the brief fixes for afl-fuzz; ASAN_OPTIONS is left to AFL++'s own defaults
 * (abort_on_error=1, symbolize=0, malloc_context_size=0), which it tunes for speed. */
const AFL_ENV = {
  AFL_NO_UI: '1',
  AFL_SKIP_CPUFREQ: '1',
  AFL_NO_AFFINITY: '1',
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: '1',
};

const POLL_MS = 20;

function aflEnv() {
  const env = { ...process.env, ...AFL_ENV };
  delete env.ASAN_OPTIONS;
  delete env.AFL_USE_ASAN;
  return env;
}

/** Reads fuzzer_stats with the mtime of the very inode read (AFL++ replaces the file whole), or
 * null while it does not exist yet or is incomplete. */
async function snapshot(path) {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const { mtimeNs } = await fh.stat({ bigint: true });
    const text = await fh.readFile('utf8');
    const m = /^execs_done\s*:\s*(\d+)$/m.exec(text);
    return m ? { execs: Number(m[1]), timeNs: mtimeNs } : null;
  } finally {
    await fh.close();
  }
}

function lastLine(logPath) {
  const lines = stripVTControlCharacters(readFileSync(logPath, 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.pop() ?? '(no output)';
}

/**
 * Runs afl-fuzz on binary for `seconds` (-V) and returns execs/s.
 *
 * The rate covers the fuzzing time after start-up only: AFL++ first writes fuzzer_stats after
 * its dry run (fork server started, seed calibrated), right before its fuzzing loop, and again
 * when -V stops it. Rate = difference of execs_done between those two writes over the
 * difference of their file mtimes (nanoseconds; the file's own time fields are whole seconds).
 */
export async function measureAfl({ binary, asan, fileInput, seconds, workDir }) {
  rmSync(workDir, { recursive: true, force: true });
  const inDir = join(workDir, 'in');
  const outDir = join(workDir, 'out');
  mkdirSync(inDir, { recursive: true });
  writeFileSync(join(inDir, 'seed'), 'FUZZ');
  const statsPath = join(outDir, 'default', 'fuzzer_stats');
  const logPath = join(workDir, 'afl-fuzz.log');
  const log = openSync(logPath, 'w');

  const args = ['-i', inDir, '-o', outDir, '-V', String(Math.max(1, Math.round(seconds)))];
  if (asan) args.push('-m', 'none');
  args.push('--', binary);
  if (fileInput) args.push('@@');
  const child = spawn('afl-fuzz', args, { env: aflEnv(), stdio: ['ignore', log, log] });
  closeSync(log);
  let ended = false;
  const exited = new Promise((resolve, reject) => {
    child.on('error', (err) => {
      ended = true;
      reject(err);
    });
    child.on('exit', (code, signal) => {
      ended = true;
      resolve(signal ?? code);
    });
  });
  // A spawn error is reported by the await below, not as an unhandled rejection meanwhile.
  void exited.catch(() => undefined);

  let first = null;
  while (!ended && first === null) {
    first = await snapshot(statsPath);
    if (first === null) await sleep(POLL_MS);
  }
  const status = await exited;
  if (status !== 0) {
    throw new Error(`afl-fuzz ended with ${status}: ${lastLine(logPath)} (see ${logPath})`);
  }
  const last = await snapshot(statsPath);
  if (first === null || last === null || last.timeNs <= first.timeNs) {
    throw new Error(`afl-fuzz ran too briefly to measure (see ${logPath})`);
  }
  return (last.execs - first.execs) / (Number(last.timeNs - first.timeNs) / 1e9);
}
