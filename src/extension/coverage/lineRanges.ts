// Groups a file's line states into runs of consecutive lines with the same state (pure).
import type { LineState } from '../../protocol/messages';

/** Lines `start`..`end` inclusive, 0-based as editors count them. */
export interface LineRun {
  start: number;
  end: number;
}

export type RunsByState = Record<LineState, LineRun[]>;

/**
 * Consecutive lines of one state become one run, so a 10,000-line file costs a few hundred ranges
 * instead of one per line. Lines are 1-based (debug info); lines past `lineCount` (the file shrank
 * since it was built) are dropped, since an editor would clamp them onto the last line.
 */
export function groupLineRuns(
  lines: ReadonlyMap<number, LineState>,
  lineCount = Number.POSITIVE_INFINITY,
): RunsByState {
  const runs: RunsByState = { covered: [], partial: [], uncovered: [] };
  const sorted = [...lines.keys()].filter((l) => l >= 1 && l <= lineCount).sort((a, b) => a - b);
  let open: { state: LineState; run: LineRun } | undefined;
  for (const line of sorted) {
    const state = lines.get(line) as LineState;
    const zero = line - 1;
    if (open !== undefined && open.state === state && open.run.end === zero - 1) {
      open.run.end = zero;
      continue;
    }
    open = { state, run: { start: zero, end: zero } };
    runs[state].push(open.run);
  }
  return runs;
}

/** Line count of the runs, per state: what the gutter shows, for tests and the status tooltip. */
export function countRunLines(runs: RunsByState): Record<LineState, number> {
  const sum = (rs: LineRun[]) => rs.reduce((n, r) => n + r.end - r.start + 1, 0);
  return { covered: sum(runs.covered), partial: sum(runs.partial), uncovered: sum(runs.uncovered) };
}
