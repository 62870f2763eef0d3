// `fuzzwb fuzz -coverage_deltas=PATH`: the delta feed written to a JSON-lines file.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CoverageSource } from './collector';
import { DeltaFeed } from './deltaFeed';
import { createCollector } from './setup';

/** At most four deltas a second: enough for a gutter, cheap for the fuzzing thread. */
const MIN_INTERVAL_MS = 250;

export interface LiveDeltas {
  tick(): void;
  /** Sends the last changes and closes the file. */
  close(): Promise<void>;
}

/** Opens `path` (truncating it) and feeds it the coverage changes of `source`. */
export function openLiveDeltas(
  path: string,
  source: CoverageSource,
  target: string,
  roots: readonly string[],
  warn: (m: string) => void,
): LiveDeltas {
  const fd = openSync(path, 'w');
  const collector = createCollector(source, { target, roots, warn });
  const feed = new DeltaFeed(collector, {
    minIntervalMs: MIN_INTERVAL_MS,
    write: (line) => writeSync(fd, `${line}\n`),
    onError: (err) =>
      warn(`coverage delta failed: ${err instanceof Error ? err.message : String(err)}`),
  });
  return {
    tick: () => feed.tick(),
    close: async () => {
      // The run's own end (findings, stats) matters more than the last delta: never throw here.
      try {
        await feed.flush();
      } catch (err) {
        warn(`last coverage delta failed: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        closeSync(fd);
      }
    },
  };
}
