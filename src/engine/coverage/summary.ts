// The per-file summary table: lines, functions and edges reached, and what did not resolve.
import type { CoverageTotals, FileCoverage } from './model';

/** One file's counts: the model's totals without the file count. */
export interface FileSummary extends Omit<CoverageTotals, 'files'> {
  file: string;
}

export function summarize(files: readonly FileCoverage[]): FileSummary[] {
  return files.map((f) => ({
    file: f.file,
    lines: f.lines.length,
    linesHit: f.lines.filter((l) => l.hit > 0).length,
    functions: f.functions.length,
    functionsHit: f.functions.filter((x) => x.hit > 0).length,
    edges: f.points.length,
    edgesHit: f.points.filter((p) => p.hit).length,
  }));
}

function pct(hit: number, total: number): string {
  return total === 0 ? '-' : `${((100 * hit) / total).toFixed(1)}%`;
}

function cell(hit: number, total: number): string {
  return `${hit}/${total} ${pct(hit, total)}`.padStart(18);
}

/** A fixed-width table with a TOTAL row, then the file names that could not be resolved. */
export function formatSummary(
  rows: readonly FileSummary[],
  totals: CoverageTotals,
  unresolved: readonly string[] = [],
): string {
  const width = Math.max(4, ...rows.map((r) => r.file.length));
  const head = `${'File'.padEnd(width)}${'Lines'.padStart(18)}${'Functions'.padStart(18)}${'Edges'.padStart(18)}`;
  const body = rows.map(
    (r) =>
      r.file.padEnd(width) +
      cell(r.linesHit, r.lines) +
      cell(r.functionsHit, r.functions) +
      cell(r.edgesHit, r.edges),
  );
  const total =
    'TOTAL'.padEnd(width) +
    cell(totals.linesHit, totals.lines) +
    cell(totals.functionsHit, totals.functions) +
    cell(totals.edgesHit, totals.edges);
  const out = [head, ...body, total];
  if (unresolved.length > 0) {
    out.push(`unresolved source files (${unresolved.length}, shown by their debug-info names):`);
    for (const u of unresolved) out.push(`  ${u}`);
  }
  return `${out.join('\n')}\n`;
}
