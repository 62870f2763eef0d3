// The dedup store: one record per crash state, with its hit count and the smallest input seen.
import { recordKey, type FindingRecord } from '../fuzz/artifacts';

/** What a new crash is, compared with what the store holds. */
export type Observation =
  { status: 'new' } | { status: 'duplicate'; record: FindingRecord; smaller: boolean };

export class FindingStore {
  private readonly byKey = new Map<string, FindingRecord>();

  /** Starts from records on disk; two records of one state merge (hits add, smallest input wins). */
  constructor(initial: readonly FindingRecord[] = []) {
    for (const r of initial) {
      const old = this.byKey.get(recordKey(r));
      if (old === undefined) {
        this.byKey.set(recordKey(r), { ...r });
        continue;
      }
      const keep = r.size < old.size ? { ...r } : old;
      keep.hitCount = old.hitCount + r.hitCount;
      keep.firstSeen = old.firstSeen < r.firstSeen ? old.firstSeen : r.firstSeen;
      this.byKey.set(recordKey(r), keep);
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): FindingRecord | undefined {
    return this.byKey.get(key);
  }

  /** Compares a crash (its key and input size) with the store; changes nothing. */
  observe(key: string, inputSize: number): Observation {
    const record = this.byKey.get(key);
    if (record === undefined) return { status: 'new' };
    return { status: 'duplicate', record, smaller: inputSize < record.size };
  }

  /** Adds a record of a new crash state. */
  add(record: FindingRecord): void {
    this.byKey.set(recordKey(record), record);
  }

  /** Counts one more hit of a known state at `when`. Returns the new record. */
  hit(key: string, when: string): FindingRecord {
    const old = this.byKey.get(key);
    if (old === undefined) throw new Error(`no finding with crash state ${JSON.stringify(key)}`);
    const next: FindingRecord = { ...old, hitCount: old.hitCount + 1, lastSeen: when };
    this.byKey.set(key, next);
    return next;
  }

  /** Every record, oldest first. */
  records(): FindingRecord[] {
    return [...this.byKey.values()].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen));
  }
}

/**
 * `record` with another input kept (at smaller.artifact, absolute path smaller.path); the store
 * takes it (add) once the input is on disk.
 */
export function withInput(
  record: FindingRecord,
  smaller: { artifact: string; path: string; size: number },
): FindingRecord {
  return {
    ...record,
    artifact: smaller.artifact,
    size: smaller.size,
    reproduce: [...record.reproduce.slice(0, -1), smaller.path],
  };
}
