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
  // Walking line numbers in order needs no sort and no key array: this runs on every redraw.
  let last = 0;
  for (const line of lines.keys()) if (line > last) last = line;
  last = Math.min(last, lineCount);
  let open: LineRun | undefined;
  let openState: LineState | undefined;
  for (let line = 1; line <= last; line++) {
    const state = lines.get(line);
    if (state === undefined) {
      open = undefined;
      continue;
    }
    if (open !== undefined && openState === state) {
      open.end = line - 1;
      continue;
    }
    open = { start: line - 1, end: line - 1 };
    openState = state;
    runs[state].push(open);
  }
  return runs;
}

/** Line count of the runs, per state: what the gutter shows, for tests and the status tooltip. */
export function countRunLines(runs: RunsByState): Record<LineState, number> {
  const sum = (rs: LineRun[]) => rs.reduce((n, r) => n + r.end - r.start + 1, 0);
  return { covered: sum(runs.covered), partial: sum(runs.partial), uncovered: sum(runs.uncovered) };
}
