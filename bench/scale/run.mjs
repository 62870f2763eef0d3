// The scale benchmark: execs/s of `fuzzwb fuzz` with 1 and 2 workers on one ASan harness, in interleaved rounds.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { root } from '../lib/engineBundle.mjs';
import { median } from '../exec/report.mjs';
import { positiveInt } from '../lib/process.mjs';

const USAGE = `usage: node scripts/bench.mjs scale [--seconds N] [--rounds N] [--workers LIST] [--json]
  --seconds N     fuzzing time of each run (default 10)
  --rounds N      rounds; each result is the median over them (default 3)
  --workers LIST  worker counts to compare, the first is the base (default 1,2)
  --json          one JSON object instead of the table`;

const outDir = join(root, 'out', 'bench', 'scale');
/** The exec benchmark's harness: tiny work per input, so the fuzzer's own costs show. */
const harness = join(root, 'bench', 'exec', 'harness.c');
/** The same seed in every run: rounds differ by the machine's noise, not by luck. */
const SEED = 1;

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      workers: { type: 'string', default: '1,2' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const workers = values.workers.split(',').map((w) => positiveInt('workers', w));
  return {
    seconds: positiveInt('seconds', values.seconds),
    rounds: positiveInt('rounds', values.rounds),
    workers,
    json: values.json,
    help: values.help,
  };
}

function run(cmd, args, env = process.env) {
  const res = spawnSync(cmd, args, { cwd: root, env, encoding: 'utf8' });
  if (res.error) throw new Error(`${cmd}: ${res.error.message}`);
  if (res.status !== 0) {
    const last = `${res.stdout}\n${res.stderr}`.trim().split('\n').pop();
    throw new Error(`${cmd} ${args.join(' ')} failed: ${last}`);
  }
}

/** The engine bundle from the current sources (out/engine.js may be stale) and the ASan target. */
async function prepare() {
  mkdirSync(outDir, { recursive: true });
  run(process.execPath, [join(root, 'scripts', 'build-native.mjs')]);
  const engine = join(outDir, 'engine.js');
  await build({
    entryPoints: [join(root, 'src', 'engine', 'main.ts')],
    outfile: engine,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', '*.node'],
    logLevel: 'warning',
  });
  if (!existsSync(join(root, 'out', 'fuzzwb-cc.js'))) {
    throw new Error('bin/fuzzwb-cc needs out/fuzzwb-cc.js: run npm run build');
  }
  const target = join(outDir, 'harness-asan');
  run(join(root, 'bin', 'fuzzwb-cc'), ['-g', '-O2', harness, '-o', target], {
    ...process.env,
    FUZZWB_SANITIZERS: 'address',
  });
  return { engine, target };
}

/** One fuzzing run from an empty corpus; resolves with its execs/s and executions. */
function fuzzOnce({ engine, target }, workers, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-scale-'));
  const args = [
    engine,
    'fuzz',
    target,
    join(dir, 'corpus'),
    `-workers=${workers}`,
    `-seed=${SEED}`,
    `-max_total_time=${seconds}`,
    `-artifact_prefix=${dir}/`,
    '-print_final_stats=1',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s) => (stderr = (stderr + s).slice(-20000)));
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(dir, { recursive: true, force: true });
      const rate = Number(/stat::average_exec_per_sec:\s+(\d+)/.exec(stderr)?.[1]);
      const execs = Number(/stat::number_of_executed_units:\s+(\d+)/.exec(stderr)?.[1]);
      if (code !== 0 || !Number.isFinite(rate)) {
        reject(new Error(`fuzzwb fuzz -workers=${workers} exited ${code}: ${stderr.slice(-500)}`));
      } else {
        resolve({ rate, execs });
      }
    });
  });
}

/** Rotates the list by k, so no worker count always runs first (after an idle machine) or last. */
function rotate(list, k) {
  const s = k % list.length;
  return [...list.slice(s), ...list.slice(0, s)];
}

async function measure(prepared, { workers, rounds, seconds }) {
  const samples = Object.fromEntries(workers.map((w) => [w, []]));
  const loads = [];
  for (let round = 0; round < rounds; round++) {
    for (const w of rotate(workers, round)) {
      const load = loadavg()[0];
      loads.push(load);
      const { rate } = await fuzzOnce(prepared, w, seconds);
      samples[w].push(rate);
      process.stderr.write(
        `[round ${round + 1}/${rounds}] ${w} worker(s): ${rate} execs/s (load ${load.toFixed(2)})\n`,
      );
    }
  }
  return { samples, loads };
}

function summarize({ samples, loads }, opts) {
  const base = opts.workers[0];
  const medians = Object.fromEntries(opts.workers.map((w) => [w, Math.round(median(samples[w]))]));
  return {
    bench: 'scale',
    unit: 'execs/s',
    cores: availableParallelism(),
    seconds: opts.seconds,
    rounds: opts.rounds,
    medians,
    ratios: Object.fromEntries(
      opts.workers.map((w) => [w, Number((medians[w] / medians[base]).toFixed(2))]),
    ),
    samples,
    load: { min: Math.min(...loads), max: Math.max(...loads) },
  };
}

function formatTable(r, opts) {
  const base = opts.workers[0];
  const rows = opts.workers.map((w) => [
    String(w),
    String(r.medians[w]),
    `${r.ratios[w].toFixed(2)}x`,
    r.samples[w].join(' '),
  ]);
  const header = ['workers', 'execs/s', `vs ${base}`, 'rounds'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [
    `scale benchmark: medians of ${r.rounds} round(s) of ${r.seconds} s, ${r.cores} core(s), ` +
      `load average ${r.load.min.toFixed(2)}–${r.load.max.toFixed(2)} at the runs' starts`,
    '',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

/** Entry point called by scripts/bench.mjs; returns the exit code. */
export async function main(argv) {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`bench scale: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const prepared = await prepare();
  const result = summarize(await measure(prepared, opts), opts);
  process.stdout.write(`${opts.json ? JSON.stringify(result) : formatTable(result, opts)}\n`);
  return 0;
}
