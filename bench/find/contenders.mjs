// The find bench's contenders: each fuzzes one target from a one-byte seed until its first crash.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aflFiles, runAflFuzz } from '../lib/aflpp.mjs';
import { fuzzwbCli } from '../lib/buildTools.mjs';
import { runTimed } from '../lib/process.mjs';

/** Past the fuzzer's own time limit, a run gets this long to stop before it is killed. */
const GRACE_MS = 20_000;

/** Runs cmd with the find bench's grace past its limit (see runTimed). */
function timed(cmd, args, opts) {
  return runTimed(cmd, args, { ...opts, graceMs: GRACE_MS });
}

function hasCrashFile(dir) {
  return existsSync(dir) && readdirSync(dir).some((n) => n.startsWith('crash-'));
}

/** A fresh copy of the seed corpus: libFuzzer and ours add their finds to it. */
function freshCorpus(seedDir, workDir) {
  const corpus = join(workDir, 'corpus');
  cpSync(seedDir, corpus, { recursive: true });
  return corpus;
}

function prepare(workDir) {
  rmSync(workDir, { recursive: true, force: true });
  const artifacts = join(workDir, 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  return artifacts;
}

async function ours(extraFlags, { binaries, seedDir, workDir, seconds, seed }) {
  const artifacts = prepare(workDir);
  const args = [fuzzwbCli, 'fuzz', binaries.ours, freshCorpus(seedDir, workDir)];
  args.push(`-seed=${seed}`, `-max_total_time=${seconds}`, `-artifact_prefix=${artifacts}/`);
  args.push(...extraFlags);
  const logPath = join(workDir, 'fuzz.log');
  const res = await timed(process.execPath, args, { logPath, limitSeconds: seconds });
  // 77 is the CLI's crash exit code; the crash file is checked too, so no other end counts.
  return { found: res.status === 77 && hasCrashFile(artifacts), seconds: res.seconds, logPath };
}

async function libfuzzer({ binaries, seedDir, workDir, seconds, seed }) {
  const artifacts = prepare(workDir);
  const args = [freshCorpus(seedDir, workDir), `-seed=${seed}`, `-max_total_time=${seconds}`];
  args.push(`-artifact_prefix=${artifacts}/`);
  const logPath = join(workDir, 'fuzz.log');
  const res = await timed(binaries.libfuzzer, args, { logPath, limitSeconds: seconds });
  return { found: hasCrashFile(artifacts), seconds: res.seconds, logPath };
}

async function afl(binary, cmplog, { seedDir, workDir, seconds, seed }) {
  const start = process.hrtime.bigint();
  const res = await runAflFuzz({
    binary,
    cmplog,
    seedDir,
    workDir,
    seconds,
    seed,
    untilCrash: true,
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (res.status !== 0 && aflFiles(res.outDir, 'crashes').length === 0) {
    throw new Error(`afl-fuzz ended with ${res.status} (see ${res.log})`);
  }
  return { found: aflFiles(res.outDir, 'crashes').length > 0, seconds: elapsed, logPath: res.log };
}

/**
 * The contenders in table order. `group` pairs what the issue compares: ours (hybrid) against the
 * better persistent peer, ours -mode=fork against AFL++'s fork server.
 */
export const CONTENDERS = [
  { name: 'ours', group: 'persistent', ours: true, run: (o) => ours([], o) },
  { name: 'ours-fork', group: 'fork', ours: true, run: (o) => ours(['-mode=fork'], o) },
  { name: 'libfuzzer', group: 'persistent', run: libfuzzer },
  {
    name: 'aflpp-persistent',
    group: 'persistent',
    run: (o) => afl(o.binaries.aflPersistent, o.binaries.aflPersistentCmplog, o),
  },
  {
    name: 'aflpp-fork',
    group: 'fork',
    run: (o) => afl(o.binaries.aflFork, o.binaries.aflForkCmplog, o),
  },
];
