// Live coverage while fuzzing: the delta feed handed to a callback (a JSON-lines file, the server).
import type { CoverageCollector, CoverageSource } from './collector';
import { DeltaFeed, type DeltaLine } from './deltaFeed';
import { createCollector } from './setup';

/** At most four deltas a second: enough for a gutter, cheap for the fuzzing thread. */
const MIN_INTERVAL_MS = 250;

export interface LiveDeltas {
  tick(): void;
  /** The collector behind the feed: whole-file snapshots for a viewer that joins late. */
  readonly collector: CoverageCollector;
  /** Sends the last changes; never throws (the run's own end matters more). */
  close(): Promise<void>;
}

/** Feeds `write` the coverage changes of `source`, at most every MIN_INTERVAL_MS. */
export function openLiveDeltas(
  source: CoverageSource,
  target: string,
  roots: readonly string[],
  write: (line: DeltaLine) => void,
  warn: (m: string) => void,
): LiveDeltas {
  const collector = createCollector(source, { target, roots, warn });
  const feed = new DeltaFeed(collector, {
    minIntervalMs: MIN_INTERVAL_MS,
    write,
    onError: (err) =>
      warn(`coverage delta failed: ${err instanceof Error ? err.message : String(err)}`),
  });
  return {
    collector,
    tick: () => feed.tick(),
    close: async () => {
      try {
        await feed.flush();
      } catch (err) {
        warn(`last coverage delta failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}
