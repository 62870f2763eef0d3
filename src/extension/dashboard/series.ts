// The dashboard's data: plot series downsampled to the canvas width, stats and findings (pure).
import type { StatsSample } from '../state/statsHistory';
import type { FindingEntry, SessionInfo } from '../state/workbenchState';
import type { CoverageTotals, StatusParams } from '../../protocol/messages';

/** [seconds since start, value] */
export type Point = [number, number];

/**
 * At most `max` points of `value` over time. Samples are cut into equal buckets; each bucket
 * keeps its minimum and maximum in time order (a spike in execs/s stays visible), and the
 * first and last samples are always kept so the plot spans the whole run.
 */
export function downsample(
  samples: readonly StatsSample[],
  value: (s: StatsSample) => number,
  max: number,
): Point[] {
  const toPoint = (s: StatsSample): Point => [s.ms / 1000, value(s)];
  if (samples.length <= max) return samples.map(toPoint);
  if (max < 4) throw new Error(`downsample needs room for at least 4 points, got ${max}`);
  const first = samples[0] as StatsSample;
  const last = samples[samples.length - 1] as StatsSample;
  const inner = samples.slice(1, -1);
  const buckets = Math.floor((max - 2) / 2);
  const out: Point[] = [toPoint(first)];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * inner.length) / buckets);
    const to = Math.floor(((b + 1) * inner.length) / buckets);
    if (to <= from) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      const v = value(inner[i] as StatsSample);
      if (v < value(inner[lo] as StatsSample)) lo = i;
      if (v > value(inner[hi] as StatsSample)) hi = i;
    }
    const pair = lo === hi ? [lo] : lo < hi ? [lo, hi] : [hi, lo];
    for (const i of pair) out.push(toPoint(inner[i] as StatsSample));
  }
  out.push(toPoint(last));
  return out;
}

/** What the webview receives in one `update` message. */
export interface DashboardUpdate {
  type: 'update';
  title: string;
  running: boolean;
  stats: {
    execs: number;
    execsPerSec: number;
    cov: number;
    corpus: number;
    findings: number;
    elapsedMs: number;
  } | null;
  totals: CoverageTotals | null;
  series: { cov: Point[]; execsPerSec: Point[] };
  findings: { type: string; where: string; hits: number; verification: string; artifact: string }[];
}

export interface DashboardInput {
  session: SessionInfo | undefined;
  status: StatusParams | undefined;
  totals: CoverageTotals | undefined;
  samples: readonly StatsSample[];
  findings: readonly FindingEntry[];
}

function whereOf(entry: FindingEntry): string {
  const frame = entry.record.frames.find((f) => f.file !== undefined && f.line !== undefined);
  if (frame === undefined) return entry.record.kind;
  const file = (frame.file ?? '').split('/').pop() ?? '';
  return `${frame.function} ${file}:${frame.line ?? 0}`;
}

export function dashboardUpdate(input: DashboardInput, maxPoints = 600): DashboardUpdate {
  const s = input.status;
  return {
    type: 'update',
    title: input.session?.target ?? 'no session',
    running: input.session?.running ?? false,
    stats:
      s === undefined
        ? null
        : {
            execs: s.execs,
            execsPerSec: s.execsPerSec,
            cov: s.cov,
            corpus: s.corpus,
            findings: s.uniqueFindings,
            elapsedMs: s.elapsedMs,
          },
    totals: input.totals ?? null,
    series: {
      cov: downsample(input.samples, (x) => x.cov, maxPoints),
      execsPerSec: downsample(input.samples, (x) => x.execsPerSec, maxPoints),
    },
    findings: input.findings.map((f) => ({
      type: f.record.type,
      where: whereOf(f),
      hits: f.record.hitCount,
      verification: f.record.verification.status,
      artifact: f.record.artifact,
    })),
  };
}
