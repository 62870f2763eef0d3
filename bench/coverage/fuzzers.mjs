// Runs each fuzzer of the coverage bench on libpng for a fixed time and returns its corpus.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runAflFuzz } from '../lib/aflpp.mjs';
import { fuzzwbCli } from '../lib/buildTools.mjs';
import { NO_LEAKS_FLAG, noLeaksEnv, runTimed } from '../lib/process.mjs';

/** A fuzzer that has not stopped this long after its time limit is killed. */
const GRACE_MS = 30_000;

async function runFor(cmd, args, { logPath, seconds, env }) {
  const res = await runTimed(cmd, args, { logPath, limitSeconds: seconds, graceMs: GRACE_MS, env });
  return { status: res.status, ran: res.seconds };
}

function prepare(workDir, seedDir) {
  rmSync(workDir, { recursive: true, force: true });
  const corpus = join(workDir, 'corpus');
  const artifacts = join(workDir, 'artifacts');
  mkdirSync(artifacts, { recursive: true });
  cpSync(seedDir, corpus, { recursive: true });
  return { corpus, artifacts, logPath: join(workDir, 'fuzz.log') };
}

/** Ours: the CLI's default (hybrid) mode; -keep_going so a crash does not end the session. */
async function ours({ binaries, seedDir, workDir, seconds, seed }) {
  const { corpus, artifacts, logPath } = prepare(workDir, seedDir);
  const args = [
    fuzzwbCli,
    'fuzz',
    binaries.ours,
    corpus,
    `-max_total_time=${seconds}`,
    NO_LEAKS_FLAG,
  ];
  args.push(`-seed=${seed}`, `-artifact_prefix=${artifacts}/`, '-keep_going=1');
  const res = await runFor(process.execPath, args, { logPath, seconds });
  return { ...res, corpora: [corpus], logPath };
}

/** libFuzzer in its default in-process mode; it stops at a crash, which `ran` then shows. */
async function libfuzzer({ binaries, seedDir, workDir, seconds, seed }) {
  const { corpus, artifacts, logPath } = prepare(workDir, seedDir);
  const args = [corpus, `-max_total_time=${seconds}`, `-seed=${seed}`, NO_LEAKS_FLAG];
  args.push(`-artifact_prefix=${artifacts}/`);
  const res = await runFor(binaries.libfuzzer, args, { logPath, seconds, env: noLeaksEnv() });
  return { ...res, corpora: [corpus], logPath };
}

/** AFL++ persistent mode through libAFLDriver, with its CMPLOG build. */
async function aflpp({ binaries, seedDir, workDir, seconds, seed }) {
  const start = process.hrtime.bigint();
  const res = await runAflFuzz({
    binary: binaries.aflpp,
    cmplog: binaries['aflpp-cmplog'],
    seedDir,
    workDir,
    seconds,
    seed,
    untilCrash: false,
  });
  const ran = Number(process.hrtime.bigint() - start) / 1e9;
  const queue = join(res.outDir, 'default', 'queue');
  return { status: res.status, ran, corpora: [queue], logPath: res.log };
}

/** The fuzzers in table order, with the builds each needs (see build.mjs). */
export const FUZZERS = [
  { name: 'ours', builds: ['ours'], run: ours },
  { name: 'libfuzzer', builds: ['libfuzzer'], run: libfuzzer },
  { name: 'aflpp-persistent', builds: ['aflpp', 'aflpp-cmplog'], run: aflpp },
];
