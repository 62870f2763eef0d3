// Which inputs a merge keeps: libFuzzer's -merge=1 rule, smallest first, each adding a new feature.

/** One input offered to the merge: its size and the features its run hit. */
export interface MergeCandidate {
  size: number;
  /** Counter index * 8 + hit-count bucket (see fuzz/scheduler featuresOf). */
  features: Uint32Array;
}

export interface MergePlan {
  /** Indexes into the candidates, in the order they were taken. */
  kept: number[];
  /** Features the kept inputs add to the base. */
  newFeatures: number;
  /** Counters (edges) the kept inputs add to the base. */
  newEdges: number;
}

/**
 * Greedy set cover over features, as libFuzzer's merge does: candidates sorted by size (then by
 * more features, then by their order), each kept when it hits a feature that neither the base
 * (what the output corpus already covers) nor an input kept before it hits. Small inputs go
 * first, so a big input survives only for what no smaller one reaches.
 */
export function planMerge(
  base: Iterable<Uint32Array>,
  candidates: readonly MergeCandidate[],
): MergePlan {
  const have = new Set<number>();
  const edges = new Set<number>();
  for (const fs of base) {
    for (const f of fs) {
      have.add(f);
      edges.add(f >>> 3);
    }
  }
  const order = candidates
    .map((c, i) => ({ c, i }))
    .sort((x, y) => x.c.size - y.c.size || y.c.features.length - x.c.features.length || x.i - y.i);
  const kept: number[] = [];
  let newFeatures = 0;
  let newEdges = 0;
  for (const { c, i } of order) {
    let adds = false;
    for (const f of c.features) {
      if (have.has(f)) continue;
      adds = true;
      have.add(f);
      newFeatures++;
      if (!edges.has(f >>> 3)) {
        edges.add(f >>> 3);
        newEdges++;
      }
    }
    if (adds) kept.push(i);
  }
  return { kept, newFeatures, newEdges };
}
