// The coverage benchmark: libpng lines and branches each fuzzer reaches in a fixed time.
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seedDir } from '../lib/aflpp.mjs';
import { checkTools } from '../lib/buildTools.mjs';
import { libpngSource } from '../lib/libpng.mjs';
import { buildAll, buildReal, COVERAGE_TARGETS, outDir } from './build.mjs';
import { FUZZERS } from './fuzzers.mjs';
import { listInputs, measureCoverage } from './replay.mjs';
import { formatJson, formatTable } from './report.mjs';
import { positiveInt } from '../lib/process.mjs';

const USAGE = `usage: node scripts/bench.mjs coverage [--target T] [--time S] [--seed N] [--seeds byte|png] [--json]
  --target T      libpng (default), lcms or libarchive (../shared/real-targets)
  --time S        fuzzing time per fuzzer in seconds (default 300)
  --seed N        the fuzzers' random seed (default 1)
  --seeds KIND    starting corpus: byte (one one-byte file, default) or png (the PNG files of
                  libpng's source tree, as OSS-Fuzz's seed corpus)
  --json          one JSON object a line instead of the table`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      time: { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
      seeds: { type: 'string', default: 'byte' },
      target: { type: 'string', default: 'libpng' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.seeds !== 'byte' && values.seeds !== 'png') {
    throw new Error(`--seeds must be byte or png: ${values.seeds}`);
  }
  if (!COVERAGE_TARGETS.includes(values.target)) {
    throw new Error(`--target must be one of ${COVERAGE_TARGETS.join(', ')}: ${values.target}`);
  }
  if (values.seeds === 'png' && values.target !== 'libpng') {
    throw new Error('--seeds png is for --target libpng');
  }
  return {
    time: positiveInt('time', values.time),
    seed: positiveInt('seed', values.seed),
    seeds: values.seeds,
    target: values.target,
    json: values.json,
    help: values.help,
  };
}

/** Copies the PNG files of the source tree into dir, except the crashers (as OSS-Fuzz's build.sh). */
function pngSeeds(src, dir) {
  seedDir(dir, 'A');
  rmSync(join(dir, 'seed'));
  let n = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && e.name !== 'crashers') walk(p);
      else if (e.isFile() && e.name.endsWith('.png'))
        copyFileSync(p, join(dir, `${n++}-${e.name}`));
    }
  };
  walk(src);
  return dir;
}

const log = (msg) => process.stderr.write(`bench coverage: ${msg}\n`);

/** Entry point called by scripts/bench.mjs; returns the exit code. */
export async function main(argv) {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`bench coverage: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  checkTools([
    ['llvm-profdata-19', 'llvm-19'],
    ['llvm-cov-19', 'llvm-19'],
  ]);
  const real = opts.target !== 'libpng';
  const binaries = real
    ? buildReal(opts.target, log)
    : buildAll(['cov', ...FUZZERS.flatMap((f) => f.builds)], log);
  const seeds = startingCorpus(opts.seeds);
  // Only the library's own sources count: not the harness, not the replay driver.
  const ignore = real ? '(_fuzzer\\.cc?$|replay_driver)' : '(oss-fuzz|replay_driver)';
  const results = [];
  for (const fuzzer of FUZZERS) {
    const workDir = join(outDir, 'runs', opts.target, fuzzer.name);
    log(`fuzzing with ${fuzzer.name} for ${opts.time} s`);
    const res = await fuzzer.run({
      binaries,
      seedDir: seeds,
      workDir,
      seconds: opts.time,
      seed: opts.seed,
    });
    const files = listInputs(res.corpora);
    log(`${fuzzer.name}: ${files.length} inputs after ${res.ran.toFixed(0)} s; replaying them`);
    const replayDir = join(workDir, 'replay');
    const cov = measureCoverage({ binary: binaries.cov, files, workDir: replayDir, ignore });
    results.push({ fuzzer: fuzzer.name, ran: res.ran, status: res.status, ...cov });
  }
  const out = opts.json ? formatJson(results, opts) : formatTable(results, opts);
  process.stdout.write(`${out}\n`);
  return 0;
}

/** The starting corpus every fuzzer copies: one one-byte file, or libpng's own PNGs. */
function startingCorpus(kind) {
  const dir = join(outDir, 'runs', 'seeds');
  return kind === 'byte' ? seedDir(dir, 'A') : pngSeeds(libpngSource(), dir);
}
