// How a parallel run is divided between worker processes: how many, their seeds, inputs and budgets.
import { availableParallelism } from 'node:os';

/** Restarts of one worker slot before it is given up (a target that keeps killing its worker). */
export const MAX_RESTARTS_PER_WORKER = 5;

/**
 * The number of workers for the -workers flag: 0 means the cores available, except with an
 * explicit -seed: only a single process replays the same run from the same seed (workers
 * exchange inputs as timing allows), so asking for a seed without -workers gets one. A run
 * limited to fewer executions than that gets one worker per execution at most.
 */
export function resolveWorkerCount(
  flag: number,
  { maxRuns, seed }: { maxRuns: number; seed: number },
  cores: number = availableParallelism(),
): number {
  const auto = seed !== 0 ? 1 : Math.max(1, cores);
  const wanted = flag > 0 ? flag : auto;
  return maxRuns > 0 ? Math.max(1, Math.min(wanted, maxRuns)) : wanted;
}

/** Seed inputs dealt round-robin: each worker runs its share, peers get what adds coverage. */
export function splitSeeds<T>(seeds: readonly T[], workers: number): T[][] {
  const shares: T[][] = Array.from({ length: workers }, () => []);
  seeds.forEach((s, i) => shares[i % workers]?.push(s));
  return shares;
}

/** Worker i's share of -runs (0 = no limit); the shares add up to the total. */
export function runShare(maxRuns: number, workers: number, index: number): number {
  if (maxRuns <= 0) return 0;
  const base = Math.floor(maxRuns / workers);
  return base + (index < maxRuns % workers ? 1 : 0);
}

/**
 * The random seed of worker `index`'s `incarnation`-th process: -seed gives worker i seed+i;
 * a restarted worker moves on by the worker count, so it does not repeat its first life.
 */
export function workerSeed(
  seed: number,
  workers: number,
  index: number,
  incarnation: number,
): number {
  return (seed + index + incarnation * workers) >>> 0 || 1;
}

/** What a restarted worker may still use of the run's limits. */
export function remainingBudget(
  limits: { maxRuns: number; maxTotalTimeMs: number },
  share: number,
  execsDone: number,
  elapsedMs: number,
): { maxRuns: number; maxTotalTimeMs: number } | undefined {
  const maxRuns = limits.maxRuns > 0 ? share - execsDone : 0;
  const maxTotalTimeMs =
    limits.maxTotalTimeMs > 0 ? Math.ceil(limits.maxTotalTimeMs - elapsedMs) : 0;
  if (limits.maxRuns > 0 && maxRuns <= 0) return undefined;
  if (limits.maxTotalTimeMs > 0 && maxTotalTimeMs <= 0) return undefined;
  return { maxRuns, maxTotalTimeMs };
}
