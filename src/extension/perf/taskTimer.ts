// Times the extension's own work in the extension host, per task name, so tests can read the longest.
import { performance } from 'node:perf_hooks';

/** One task name's record since the last reset. */
export interface TaskStats {
  name: string;
  count: number;
  /** The longest single run, in milliseconds. */
  maxMs: number;
  totalMs: number;
}

/**
 * The extension host runs every extension on one thread: a handler of ours that runs 100 ms
 * freezes every other extension for that long. Each notification handler and deferred view
 * update runs through `time()`, so the suite can check the longest run while the engine fuzzes
 * at full speed. The cost is two clock reads and a map lookup per task.
 */
export class TaskTimer {
  private readonly tasks = new Map<string, TaskStats>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs `task` and records how long it took, also when it throws. */
  time<T>(name: string, task: () => T): T {
    const start = this.now();
    try {
      return task();
    } finally {
      this.record(name, this.now() - start);
    }
  }

  /** `fn` as a function that is timed under `name` at every call. */
  wrap<A extends unknown[]>(name: string, fn: (...args: A) => void): (...args: A) => void {
    return (...args: A) => this.time(name, () => fn(...args));
  }

  /** Every task name seen since the last reset, the longest first. */
  stats(): TaskStats[] {
    return [...this.tasks.values()].map((s) => ({ ...s })).sort((a, b) => b.maxMs - a.maxMs);
  }

  reset(): void {
    this.tasks.clear();
  }

  private record(name: string, ms: number): void {
    const s = this.tasks.get(name);
    if (s === undefined) {
      this.tasks.set(name, { name, count: 1, maxMs: ms, totalMs: ms });
      return;
    }
    s.count++;
    s.totalMs += ms;
    if (ms > s.maxMs) s.maxMs = ms;
  }
}

/**
 * The extension's one timer. A module-level instance, so the views and the engine client time
 * their work without each being handed it; activate() exposes its stats to the tests.
 */
export const hostTasks = new TaskTimer();
