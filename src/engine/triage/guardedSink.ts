// A finding sink whose failed writes are handed to the caller instead of ending the run.
import type { FindingRecord } from '../fuzz/artifacts';
import type { FindingSink } from './triager';

export interface SinkFailures {
  /** A finding's input or description could not be written: the caller must show it some other way. */
  lost(input: Buffer, record: FindingRecord, message: string): void;
  /** A description could not be updated or an old input removed: nothing is lost, but say so. */
  warning(message: string): void;
}

/**
 * The finding stays in the run's store (deduplicated, counted, reported, and the exit code says
 * a crash was found) whatever the disk says; only writing it is what failed.
 */
export function guardedSink(inner: FindingSink, failures: SinkFailures): FindingSink {
  return {
    write(input, record) {
      try {
        return inner.write(input, record);
      } catch (err) {
        failures.lost(input, record, (err as Error).message);
        return false;
      }
    },
    update(record) {
      try {
        inner.update(record);
      } catch (err) {
        failures.warning(`cannot update ${record.artifact}.json: ${(err as Error).message}`);
      }
    },
    remove(artifact) {
      try {
        inner.remove(artifact);
      } catch (err) {
        failures.warning(`cannot remove ${artifact}: ${(err as Error).message}`);
      }
    },
  };
}
