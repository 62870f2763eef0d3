// One worker process of a parallel run: its own fork server and loop; corpus and triage stay with the parent.
import { isTargetError } from '../exec/executor';
import { DictionaryError, loadDictionary } from '../fuzz/dictionary';
import { startModeExecutors, type ModeExecutors } from '../fuzz/hybridModes';
import type { StageReport } from '../fuzz/budget';
import { FuzzLoop, type LoopEnd, type LoopStats } from '../fuzz/loop';
import { OverrunGuard } from '../session/deadline';
import { executorCpu } from '../session/fuzzSession';
import { loopOptionsFor } from '../session/loopOptions';
import {
  asBuffer,
  type FromWorker,
  type StartErrorKind,
  type ToWorker,
  type WorkerSetup,
} from './protocol';

/** The worker's side of the IPC channel; the process's own in production, a fake in tests. */
export interface ParentChannel {
  send(msg: FromWorker): void;
  onMessage(handler: (msg: ToWorker) => void): void;
  /** The parent went away (it exited, or was killed): stop at once. */
  onDisconnect(handler: () => void): void;
}

function startErrorKind(err: unknown): StartErrorKind {
  if (isTargetError(err)) return 'target';
  if (err instanceof DictionaryError) return 'options';
  return 'other';
}

function startExecutors(setup: WorkerSetup, channel: ParentChannel): Promise<ModeExecutors> {
  const o = setup.options;
  return startModeExecutors(
    o.mode,
    {
      target: o.target,
      timeoutMs: o.timeoutMs,
      rssLimitMb: o.rssLimitMb,
      mallocLimitMb: o.mallocLimitMb ?? 0,
      handshakeTimeoutMs: o.startupTimeoutMs,
      maxInputSize: Math.max(o.maxLen, setup.maxInputSize, 1),
      // Crashes are symbolized by the parent's triage, not in every child.
      symbolize: false,
      cmp: o.useCmp,
      detectLeaks: o.detectLeaks,
      slowUnitMs: o.slowUnitMs ?? 0,
      ...executorCpu(o, setup.index),
    },
    Math.max(0, o.persistent),
    {
      onNotReproduced: (_input, res) => channel.send({ t: 'notReproduced', kind: res.kind }),
      onLeaksOff: (message) => channel.send({ t: 'warning', message }),
    },
  );
}

/** The worker's state between messages: set up, told to run, running, stopped. */
class Worker {
  private setup: WorkerSetup | undefined;
  private loop: FuzzLoop | undefined;
  /** Stops an input still running past the time limit, or past a stop request. */
  private guard: OverrunGuard | undefined;
  private stopped = false;
  private runRequested: (() => void) | undefined;
  /** Peer inputs that came before the loop existed. */
  private readonly early: Buffer[] = [];
  /** Peer inputs, by identity: the loop hands the same Buffer to onNew when it keeps one. */
  private readonly fromPeers = new WeakSet<Buffer>();
  private readonly waiting = new Map<number, (keepGoing: boolean) => void>();
  private nextId = 0;

  constructor(private readonly channel: ParentChannel) {}

  /** The one message handler: messages can arrive back to back, before any await resumes. */
  handle(msg: ToWorker): WorkerSetup | undefined {
    switch (msg.t) {
      case 'setup':
        if (this.setup !== undefined) return undefined;
        this.setup = msg.setup;
        return msg.setup;
      case 'run':
        this.runRequested?.();
        this.runRequested = undefined;
        return undefined;
      case 'peer': {
        const inputs = msg.inputs.map(asBuffer);
        for (const i of inputs) this.fromPeers.add(i);
        if (this.loop !== undefined) this.loop.addPeerInputs(inputs);
        else this.early.push(...inputs);
        return undefined;
      }
      case 'triaged':
        this.waiting.get(msg.id)?.(msg.keepGoing);
        this.waiting.delete(msg.id);
        return undefined;
      case 'stop':
        this.stop();
        return undefined;
    }
  }

  stop(): void {
    this.guard?.stopRequested();
    this.stopped = true;
    this.loop?.stop();
    this.runRequested?.();
    for (const resolve of this.waiting.values()) resolve(false);
    this.waiting.clear();
  }

  /** Resolves when the parent says run (or stop: then the loop ends at once). */
  private waitForRun(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.runRequested = resolve;
    });
  }

  async fuzz(
    setup: WorkerSetup,
    execs: ModeExecutors,
    dictionary: Buffer[],
  ): Promise<{ end: LoopEnd; stats: LoopStats; stages: StageReport[] }> {
    await this.waitForRun();
    if (this.stopped) {
      return {
        end: 'stopped',
        stats: { execs: 0, corpus: 0, cov: 0, elapsedMs: 0, execsPerSec: 0 },
        stages: [],
      };
    }
    const o = setup.options;
    const channel = this.channel;
    const loop = new FuzzLoop(execs.loop, loopOptionsFor({ ...o, seed: setup.seed }, dictionary), {
      onNew: (input, stats) => {
        if (this.fromPeers.has(input)) channel.send({ t: 'peerKept', stats });
        else channel.send({ t: 'new', input, stats });
      },
      onReduce: (input, replaced, stats) => channel.send({ t: 'reduced', input, replaced, stats }),
      onPulse: (stats) => channel.send({ t: 'pulse', stats }),
      onSlowUnit: (input, execUs) => channel.send({ t: 'slowUnit', input, execUs }),
      onFinding: (input, result, stats) => {
        const id = this.nextId++;
        channel.send({ t: 'finding', id, input, result, stats });
        // The first finding ends a run without -keep_going; with it, wait for triage as a
        // single process does, so a worker cannot flood the parent with crashes.
        if (!o.keepGoing || this.stopped) return false;
        return new Promise<boolean>((resolve) => this.waiting.set(id, resolve));
      },
    });
    this.loop = loop;
    const guard = new OverrunGuard(
      loop,
      () => execs.stop(),
      o,
      (message) => channel.send({ t: 'warning', message }),
    );
    this.guard = guard;
    loop.addPeerInputs(this.early.splice(0));
    if (this.stopped) this.stop();
    const end = await guard.run(() => loop.run(setup.seeds.map(asBuffer)));
    return { end, stats: loop.stats(), stages: loop.stageReport() };
  }
}

async function lifetime(
  worker: Worker,
  setup: WorkerSetup,
  channel: ParentChannel,
): Promise<number> {
  const { dictPath } = setup.options;
  let execs: ModeExecutors;
  let dictionary: Buffer[];
  try {
    dictionary = dictPath !== '' ? loadDictionary(dictPath) : [];
    execs = await startExecutors(setup, channel);
  } catch (err) {
    channel.send({ t: 'startError', kind: startErrorKind(err), message: (err as Error).message });
    return 1;
  }
  const { handshake } = execs;
  channel.send({
    t: 'ready',
    serverPid: handshake.serverPid,
    modules: handshake.modules.length,
    counters: handshake.countersUsed,
    describe: execs.describe,
  });
  try {
    const { end, stats, stages } = await worker.fuzz(setup, execs, dictionary);
    channel.send({ t: 'done', end, stats, stages });
    return 0;
  } catch (err) {
    // Another worker on the same target would only meet the same end: the run ends.
    const message = (err as Error).message;
    if (isTargetError(err)) channel.send({ t: 'fatal', message });
    else channel.send({ t: 'warning', message: `worker ${setup.index}: ${message}` });
    return 1;
  } finally {
    await execs.stop();
  }
}

/** Waits for the setup message, then runs one worker's whole life; resolves with its exit code. */
export function runWorker(channel: ParentChannel): Promise<number> {
  const worker = new Worker(channel);
  return new Promise<number>((resolve) => {
    let started = false;
    channel.onDisconnect(() => {
      worker.stop();
      if (!started) resolve(1);
    });
    channel.onMessage((msg) => {
      const setup = worker.handle(msg);
      if (setup === undefined || started) return;
      started = true;
      void lifetime(worker, setup, channel).then(resolve);
    });
  });
}
