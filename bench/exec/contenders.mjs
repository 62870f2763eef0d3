// The exec benchmark's configs and contenders: what runs in each config, and how each is measured.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { measureAfl } from './aflpp.mjs';
import { PERSISTENT_INPUTS, outDir } from './build.mjs';
import { measureOurs } from './ours.mjs';

const execFileAsync = promisify(execFile);

/**
 * The configs, in output order. `san` picks the binaries; `persistent` is our executor's inputs
 * per child; `baselines` are compared with ours in that config.
 */
export const CONFIGS = [
  {
    name: 'asan-fork',
    san: 'asan',
    persistent: 1,
    baselines: ['libc-fork', 'raw-fork-best', 'aflpp-forkserver'],
  },
  {
    name: 'plain-fork',
    san: 'plain',
    persistent: 1,
    baselines: ['libc-fork', 'raw-fork-best', 'aflpp-forkserver'],
  },
  {
    name: 'asan-persistent',
    san: 'asan',
    persistent: PERSISTENT_INPUTS,
    baselines: ['aflpp-persistent'],
  },
];

async function measureLoop(ctx, binary, mode, seconds) {
  // Our target's sanitizer options, so the loops differ from it only in the loop.
  const env = ctx.engine.targetEnv({ base: process.env, mallocLimitMb: 0, forkServer: false });
  let stdout;
  try {
    ({ stdout } = await execFileAsync(binary, [mode, String(seconds)], { env }));
  } catch (err) {
    const why = (err.stderr || err.message).trim().split('\n').pop();
    throw new Error(`${binary} ${mode}: ${why}`);
  }
  const m = /execs=(\d+) seconds=([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`${binary} ${mode}: unexpected output ${JSON.stringify(stdout)}`);
  return Number(m[1]) / Number(m[2]);
}

/** How each contender is measured; each returns execs/s over about `seconds`. */
const MEASURE = {
  ours: (ctx) =>
    measureOurs(ctx.engine, {
      target: ctx.bins.ours,
      persistent: ctx.config.persistent,
      seconds: ctx.seconds,
    }),
  'libc-fork': (ctx) => measureLoop(ctx, ctx.bins.loops, 'libc', ctx.seconds),
  'raw-fork-best': (ctx) => measureLoop(ctx, ctx.bins.loops, 'raw', ctx.seconds),
  'aflpp-forkserver': (ctx) =>
    measureAfl({
      binary: ctx.bins.aflFork,
      asan: ctx.config.san === 'asan',
      fileInput: true,
      seconds: ctx.seconds,
      workDir: join(outDir, 'afl-runs', `${ctx.config.name}-forkserver`),
    }),
  'aflpp-persistent': (ctx) =>
    measureAfl({
      binary: ctx.bins.aflPersistent,
      asan: ctx.config.san === 'asan',
      fileInput: false,
      seconds: ctx.seconds,
      workDir: join(outDir, 'afl-runs', `${ctx.config.name}-persistent`),
    }),
};

/** Measures one contender of one config. */
export function measure(contender, { config, binaries, engine, seconds }) {
  const bins = binaries[config.san];
  return MEASURE[contender]({ config, bins, engine, seconds });
}
