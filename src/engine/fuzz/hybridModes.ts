// The executors behind each fuzzing mode (-mode=hybrid|fork|persistent), started together.
import { startExecutor, type ExecutorConfig, type StartedExecutor } from '../exec/executor';
import type { Handshake, NativeExecutor } from '../native/types';
import { HybridExecutor, type HybridEvents } from './hybrid';
import { LeakDetectingExecutor, type LeakEvents } from './leakCheck';
import type { LoopExecutor } from './loop';
import { DEFAULT_PERSISTENT, FUZZ_MODES } from '../../protocol/options';

export { DEFAULT_PERSISTENT, FUZZ_MODES };
export type FuzzMode = (typeof FUZZ_MODES)[number];

export interface ModeExecutors {
  /** What the fuzzing loop runs its batches on. */
  loop: LoopExecutor;
  /** Runs crashes again for triage. */
  fresh: NativeExecutor;
  /** Holds the coverage the loop reaches (the gutter's), and the PC table. */
  covering: NativeExecutor;
  /** Set in hybrid mode: its counts of what was confirmed and what was not. */
  hybrid: HybridExecutor | undefined;
  /** Set when leaks are looked for: its counts of the checks. */
  leaks: LeakDetectingExecutor | undefined;
  handshake: Handshake;
  /** One line saying how inputs run. */
  describe: string;
  /** Stops every executor, aborting any input under way; later calls wait for the first. */
  stop(): Promise<void>;
}

/** `stop` run once: the session may stop the executors at its deadline, then again as it closes. */
function once(stop: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= stop());
}

/**
 * Starts the executors of `mode`. `persistent` is the -persistent flag (0 = the default); it
 * does not apply to fork mode, whose point is a fresh process for every input. With
 * cfg.detectLeaks the loop's executor checks leaky inputs for leaks in fresh children.
 */
export async function startModeExecutors(
  mode: FuzzMode,
  cfg: Omit<ExecutorConfig, 'persistent'>,
  persistent: number,
  events: HybridEvents & LeakEvents = {},
): Promise<ModeExecutors> {
  const execs = await startPlain(mode, cfg, persistent, events);
  if (cfg.detectLeaks !== true) return execs;
  const all = new Set([execs.fresh, execs.covering]);
  const loop = new LeakDetectingExecutor(
    execs.loop,
    execs.fresh,
    () => {
      for (const e of all) e.stopDetectingLeaks();
    },
    events,
  );
  return { ...execs, loop, leaks: loop };
}

async function startPlain(
  mode: FuzzMode,
  cfg: Omit<ExecutorConfig, 'persistent'>,
  persistent: number,
  events: HybridEvents,
): Promise<ModeExecutors> {
  const perChild = persistent > 0 ? persistent : DEFAULT_PERSISTENT;
  if (mode === 'fork') {
    const { executor, handshake } = await startExecutor({ ...cfg, persistent: 1 });
    return single(executor, handshake, 'fork mode: a fresh child process for every input');
  }
  if (mode === 'persistent') {
    const { executor, handshake } = await startExecutor({ ...cfg, persistent: perChild });
    return single(
      executor,
      handshake,
      `persistent mode: ${perChild} inputs per child, findings not confirmed in fresh processes`,
    );
  }
  const fast = await startExecutor({ ...cfg, persistent: perChild });
  let fresh: StartedExecutor;
  try {
    // The confirming runs do not feed the mutator, so they need no comparison operands.
    fresh = await startExecutor({ ...cfg, persistent: 1, cmp: false });
  } catch (err) {
    await fast.executor.stop();
    throw err;
  }
  const hybrid = new HybridExecutor(fast.executor, fresh.executor, events);
  return {
    loop: hybrid,
    fresh: fresh.executor,
    covering: fast.executor,
    hybrid,
    leaks: undefined,
    handshake: fast.handshake,
    describe:
      `hybrid mode: ${perChild} inputs per persistent child, crashes confirmed in a fresh ` +
      `fork (server pid ${fresh.handshake.serverPid})`,
    stop: once(async () => {
      await Promise.all([fast.executor.stop(), fresh.executor.stop()]);
    }),
  };
}

function single(executor: NativeExecutor, handshake: Handshake, describe: string): ModeExecutors {
  return {
    loop: executor,
    fresh: executor,
    covering: executor,
    hybrid: undefined,
    leaks: undefined,
    handshake,
    describe,
    stop: once(() => executor.stop()),
  };
}
