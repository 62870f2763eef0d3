// The find benchmark: time to first crash on the targets of bench/targets, ours against peers.
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkTools } from '../lib/buildTools.mjs';
import { root } from '../lib/engineBundle.mjs';
import { seedDir } from '../lib/aflpp.mjs';
import { REAL_TARGETS, TARGETS, buildTarget } from './build.mjs';
import { ABLATIONS, CONTENDERS } from './contenders.mjs';
import { formatJson, formatTable, summarize } from './report.mjs';
import { pickNamed, positiveInt } from '../lib/process.mjs';

const USAGE = `usage: node scripts/bench.mjs find [--seeds N] [--timeout S] [--targets a,b] [--ablate] [--json]
  --seeds N      runs per contender and target, with seeds 1..N (default 5)
  --timeout S    per-run limit in seconds; a miss counts as S (default 120)
  --targets      these targets (default the toys): ${[...TARGETS, ...REAL_TARGETS].join(', ')}
  --contenders   only these fuzzers: ${CONTENDERS.map((c) => c.name).join(', ')}
  --ablate       ours with each loop stage off in turn, and havoc alone, instead of the peers
  --seed-corpus D  everyone starts from the files of folder D ({target} in D: the target's
                 name) instead of a one-byte seed: the same inputs, so exec/s compares the cost
                 per input, not how deep each fuzzer got; e.g. the corpus of an earlier run,
                 out/bench/find/runs/{target}/ours/corpus (a snapshot is taken first)
  --json         one JSON object a line instead of the table`;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      seeds: { type: 'string', default: '5' },
      timeout: { type: 'string', default: '120' },
      targets: { type: 'string' },
      contenders: { type: 'string' },
      ablate: { type: 'boolean', default: false },
      'seed-corpus': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  let targets = TARGETS;
  if (values.targets !== undefined) {
    targets = values.targets.split(',');
    const unknown = targets.filter((t) => !TARGETS.includes(t) && !REAL_TARGETS.includes(t));
    if (unknown.length > 0) throw new Error(`unknown target ${unknown.join(', ')}`);
  }
  return {
    contenders: pickNamed(values.ablate ? ABLATIONS : CONTENDERS, values.contenders, 'contender'),
    seeds: positiveInt('seeds', values.seeds),
    timeout: positiveInt('timeout', values.timeout),
    targets,
    seedCorpus: values['seed-corpus'],
    json: values.json,
    help: values.help,
  };
}

/** Rotates the list by k, so no contender always runs right after the same one. */
function rotate(list, k) {
  const s = k % list.length;
  return [...list.slice(s), ...list.slice(0, s)];
}

/**
 * A snapshot of the files in `from` (a run's corpus folder is emptied when that contender runs
 * again); top level only, as libFuzzer and AFL++ read a corpus.
 */
function snapshotCorpus(from, dir) {
  const src = resolve(from);
  // The snapshot of an earlier run is a good start too: it is not a run's corpus.
  if (src === resolve(dir)) return dir;
  const files = readdirSync(src).filter((n) => statSync(join(src, n)).isFile());
  if (files.length === 0) throw new Error(`--seed-corpus ${from} has no files`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const n of files) cpSync(join(src, n), join(dir, n));
  return dir;
}

/** Runs every contender on every target for every seed, one fuzzer at a time (2 cores). */
async function runAll({ seeds, timeout, targets, contenders, seedCorpus }) {
  const workRoot = join(root, 'out', 'bench', 'find', 'runs');
  // The same one-byte seed for everyone: AFL++ refuses an empty one.
  const oneByte = seedCorpus === undefined ? seedDir(join(workRoot, 'seed'), 'A') : undefined;
  const runs = {};
  for (const target of targets) {
    const seeds0 =
      oneByte ??
      snapshotCorpus(
        seedCorpus.replaceAll('{target}', target),
        join(workRoot, 'seed-corpus', target),
      );
    const binaries = buildTarget(target);
    const able = contenders.filter((c) => c.needs === undefined || c.needs in binaries);
    runs[target] = Object.fromEntries(able.map((c) => [c.name, []]));
    for (let seed = 1; seed <= seeds; seed++) {
      for (const c of rotate(able, seed - 1)) {
        const workDir = join(workRoot, target, c.name);
        const opts = { binaries, seedDir: seeds0, workDir, seconds: timeout, seed };
        const r = await c.run(opts);
        runs[target][c.name].push(r);
        const what = r.found ? `crash after ${r.seconds.toFixed(1)} s` : 'no crash';
        process.stderr.write(`[${target} seed ${seed}/${seeds}] ${c.name}: ${what}\n`);
      }
    }
  }
  return runs;
}

/** Entry point called by scripts/bench.mjs; returns the exit code. */
export async function main(argv) {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`bench find: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  checkTools();
  const runs = await runAll(opts);
  const results = summarize(runs, opts.contenders, opts.timeout);
  const out = opts.json ? formatJson(results, opts.timeout) : formatTable(results, opts);
  process.stdout.write(`${out}\n`);
  return 0;
}
