// The find bench's contenders: each fuzzes one target from a one-byte seed until its first crash.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { aflFiles, runAflFuzz } from '../lib/aflpp.mjs';
import { fuzzwbCli } from '../lib/buildTools.mjs';
import { NO_LEAKS_FLAG, noLeaksEnv, runTimed } from '../lib/process.mjs';

/** Past the fuzzer's own time limit, a run gets this long to stop before it is killed. */
const GRACE_MS = 20_000;

/** Runs cmd with the find bench's grace past its limit (see runTimed). */
function timed(cmd, args, opts) {
  return runTimed(cmd, args, { ...opts, graceMs: GRACE_MS });
}

function hasCrashFile(dir) {
  return existsSync(dir) && readdirSync(dir).some((n) => n.startsWith('crash-'));
}

/**
 * The last status line of a libFuzzer-style log (ours prints the same): inputs run and edges
 * covered; nulls when the log has none (a crash in the first inputs).
 */
export function lastStatus(text) {
  const all = [...text.matchAll(/^#(\d+)\s+\S+\s+cov: (\d+)/gm)];
  const m = all.at(-1);
  return m === undefined ? { execs: null, cov: null } : { execs: Number(m[1]), cov: Number(m[2]) };
}

function statusOf(logPath) {
  return existsSync(logPath) ? lastStatus(readFileSync(logPath, 'utf8')) : lastStatus('');
}

/** AFL++'s count of inputs run, from its fuzzer_stats; its edges are not sancov's, so no cov. */
function aflExecs(outDir) {
  const p = join(outDir, 'default', 'fuzzer_stats');
  if (!existsSync(p)) return { execs: null, cov: null };
  const m = /^execs_done\s*:\s*(\d+)/m.exec(readFileSync(p, 'utf8'));
  return { execs: m === null ? null : Number(m[1]), cov: null };
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
  const args = [fuzzwbCli, 'fuzz', binaries.ours, freshCorpus(seedDir, workDir), NO_LEAKS_FLAG];
  args.push(`-seed=${seed}`, `-max_total_time=${seconds}`, `-artifact_prefix=${artifacts}/`);
  args.push(...extraFlags);
  const logPath = join(workDir, 'fuzz.log');
  const res = await timed(process.execPath, args, { logPath, limitSeconds: seconds });
  // 77 is the CLI's crash exit code; the crash file is checked too, so no other end counts.
  const found = res.status === 77 && hasCrashFile(artifacts);
  return { found, seconds: res.seconds, logPath, ...statusOf(logPath) };
}

async function libfuzzer({ binaries, seedDir, workDir, seconds, seed }) {
  const artifacts = prepare(workDir);
  const args = [freshCorpus(seedDir, workDir), `-seed=${seed}`, `-max_total_time=${seconds}`];
  args.push(`-artifact_prefix=${artifacts}/`, NO_LEAKS_FLAG);
  const logPath = join(workDir, 'fuzz.log');
  const env = noLeaksEnv();
  const res = await timed(binaries.libfuzzer, args, { logPath, limitSeconds: seconds, env });
  return { found: hasCrashFile(artifacts), seconds: res.seconds, logPath, ...statusOf(logPath) };
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
  const found = aflFiles(res.outDir, 'crashes').length > 0;
  return { found, seconds: elapsed, logPath: res.log, ...aflExecs(res.outDir) };
}

/**
 * The contenders in table order. `group` pairs what the issue compares: ours (hybrid) against the
 * better persistent peer, ours -mode=fork against AFL++'s fork server. `ours` runs one worker
 * (-seed implies it), `ours-2w` the default of this 2-core machine. `needs` names the binary a
 * contender runs; a target without it (a real library has no AFL++ fork driver) skips it.
 */
export const CONTENDERS = [
  { name: 'ours', group: 'persistent', ours: true, run: (o) => ours([], o) },
  { name: 'ours-2w', group: 'persistent', ours: true, run: (o) => ours(['-workers=2'], o) },
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
    needs: 'aflFork',
    run: (o) => afl(o.binaries.aflFork, o.binaries.aflForkCmplog, o),
  },
];

/**
 * The stages -stages= can drop (havoc always runs), as `fuzzwb fuzz -help` lists them: each
 * ablation contender is ours with one of them off, and one with havoc alone.
 */
const STAGES = ['i2s', 'colorize', 'chain', 'fixups', 'records', 'probe'];

/** --ablate's contenders: ours as it is, then each stage off in turn, then havoc alone. */
export const ABLATIONS = [
  CONTENDERS[0],
  ...STAGES.map((stage) => ({
    name: `ours-no-${stage}`,
    group: 'ablation',
    ours: true,
    run: (o) => ours([`-stages=-${stage}`], o),
  })),
  {
    name: 'ours-havoc-only',
    group: 'ablation',
    ours: true,
    run: (o) => ours(['-stages=havoc'], o),
  },
];
