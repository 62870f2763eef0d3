// Runs afl-fuzz (Debian's AFL++ 4.04c) on a target for the find and coverage benches.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** What afl-fuzz needs on a shared, unconfigured machine; ASAN_OPTIONS is left to AFL++'s own. */
const AFL_ENV = {
  AFL_NO_UI: '1',
  AFL_SKIP_CPUFREQ: '1',
  AFL_NO_AFFINITY: '1',
  AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: '1',
  AFL_SKIP_CRASHES: '1',
};

/** Names this bench's afl-fuzz runs in their processes' environment, see reapLeftovers. */
const RUN_MARK = 'FUZZWB_BENCH_AFL_RUN';

/**
 * afl-fuzz 4.04c leaves the CMPLOG fork server's last persistent-mode child stopped (SIGSTOP)
 * when it exits, in a session of its own; every run would leak one. The run's processes carry
 * `mark` in their environment, so exactly those are killed, not another run's.
 */
function reapLeftovers(mark) {
  const needle = `${RUN_MARK}=${mark}\0`;
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let environ;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // Gone meanwhile, or another user's.
    }
    if (!environ.includes(needle)) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It ended meanwhile.
    }
  }
}

/**
 * Fuzzes `binary` from `seedDir` for at most `seconds` (-V) with seed `seed`. `cmplog` is the
 * CMPLOG build (-c), AFL++'s answer to magic values; `binary` must link afl_cmplog_exec.c, or
 * Debian's 4.04c runs `binary` in its place. `untilCrash` stops at the first crash
 * (AFL_BENCH_UNTIL_CRASH). Resolves to {status, outDir, log}.
 */
export function runAflFuzz({ binary, cmplog, seedDir, workDir, seconds, seed, untilCrash }) {
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  const outDir = join(workDir, 'out');
  const logPath = join(workDir, 'afl-fuzz.log');
  const mark = randomUUID();
  const env = { ...process.env, ...AFL_ENV, [RUN_MARK]: mark };
  delete env.ASAN_OPTIONS;
  delete env.AFL_USE_ASAN;
  if (untilCrash) env.AFL_BENCH_UNTIL_CRASH = '1';
  const args = ['-i', seedDir, '-o', outDir, '-V', String(Math.max(1, Math.round(seconds)))];
  args.push('-m', 'none', '-s', String(seed), '-c', cmplog, '--', binary);
  const log = openSync(logPath, 'w');
  const child = spawn('afl-fuzz', args, { env, stdio: ['ignore', log, log] });
  closeSync(log);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      reapLeftovers(mark);
      resolve({ status: signal ?? code, outDir, log: logPath });
    });
  });
}

/** Files afl-fuzz saved in out/default/<sub> (queue or crashes), without its README. */
export function aflFiles(outDir, sub) {
  const dir = join(outDir, 'default', sub);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.startsWith('id:'))
    .map((n) => join(dir, n));
}

/** A seed directory holding one file with `content`. */
export function seedDir(dir, content) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'seed'), content);
  return dir;
}
