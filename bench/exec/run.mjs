// The exec benchmark: execs/s of our executor against fork loops and AFL++, in interleaved rounds.
import { parseArgs } from 'node:util';
import { buildAll } from './build.mjs';
import { CONFIGS, measure } from './contenders.mjs';
import { loadEngine } from './engine.mjs';
import { formatJson, formatTable, summarize } from './report.mjs';
import { pickNamed } from '../lib/process.mjs';

const USAGE = `usage: node scripts/bench.mjs exec [--seconds N] [--rounds N] [--config NAME,...] [--json]
  --seconds N   time per contender per round (default 5; afl-fuzz -V rounds it to whole seconds)
  --rounds N    rounds; each result is the median over them (default 3)
  --config      only these configs: ${CONFIGS.map((c) => c.name).join(', ')}
  --json        one JSON object per config instead of the table`;

function positive(name, text, integer) {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}: ${text}`);
  }
  return n;
}

function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const configs = pickNamed(CONFIGS, values.config, 'config');
  return {
    seconds: positive('seconds', values.seconds, false),
    rounds: positive('rounds', values.rounds, true),
    json: values.json,
    help: values.help,
    configs,
  };
}

/** Rotates the list by k, so no contender always runs first (after an idle machine) or last. */
function rotate(list, k) {
  const s = k % list.length;
  return [...list.slice(s), ...list.slice(0, s)];
}

/** Runs every round and returns {config: {contender: [execs/s per round]}}. */
async function measureRounds({ configs, seconds, rounds }, binaries, engine) {
  const samples = {};
  for (const c of configs) {
    samples[c.name] = Object.fromEntries(['ours', ...c.baselines].map((n) => [n, []]));
  }
  for (let round = 0; round < rounds; round++) {
    for (const config of configs) {
      for (const contender of rotate(['ours', ...config.baselines], round)) {
        const rate = await measure(contender, { config, binaries, engine, seconds });
        samples[config.name][contender].push(rate);
        process.stderr.write(
          `[round ${round + 1}/${rounds}] ${config.name} ${contender}: ${Math.round(rate)} execs/s\n`,
        );
      }
    }
  }
  return samples;
}

/** Entry point called by scripts/bench.mjs; returns the exit code. */
export async function main(argv) {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    process.stderr.write(`bench exec: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const binaries = buildAll();
  const engine = await loadEngine();
  process.stderr.write(`bench exec: our targets built with ${binaries.compiler}\n`);
  const samples = await measureRounds(opts, binaries, engine);
  const results = summarize(opts.configs, samples);
  process.stdout.write(`${opts.json ? formatJson(results) : formatTable(results, opts)}\n`);
  return 0;
}
