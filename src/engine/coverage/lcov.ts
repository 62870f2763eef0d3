// Writes coverage as an lcov tracefile (lines, functions, and each line's edges as branches).
import type { FileCoverage } from './model';

/**
 * One record per file. DA counts are 1/0: the counters say whether a point was reached, not how
 * often. Each PC of a line is written as one BRDA branch so a line that is partly reached shows.
 */
export function toLcov(files: readonly FileCoverage[], testName = ''): string {
  const out: string[] = [];
  for (const f of files) {
    out.push(`TN:${testName}`, `SF:${f.file}`);
    for (const fn of f.functions) out.push(`FN:${fn.line},${fn.name}`);
    for (const fn of f.functions) out.push(`FNDA:${fn.hit > 0 ? 1 : 0},${fn.name}`);
    out.push(`FNF:${f.functions.length}`, `FNH:${f.functions.filter((x) => x.hit > 0).length}`);
    const byLine = new Map<number, boolean[]>();
    for (const { point, hit } of f.points) {
      const list = byLine.get(point.line) ?? [];
      list.push(hit);
      byLine.set(point.line, list);
    }
    let brf = 0;
    let brh = 0;
    for (const l of f.lines) {
      const edges = byLine.get(l.line) ?? [];
      if (edges.length < 2) continue;
      edges.forEach((hit, i) => {
        out.push(`BRDA:${l.line},0,${i},${hit ? 1 : '-'}`);
        brf++;
        if (hit) brh++;
      });
    }
    out.push(`BRF:${brf}`, `BRH:${brh}`);
    for (const l of f.lines) out.push(`DA:${l.line},${l.hit > 0 ? 1 : 0}`);
    out.push(`LF:${f.lines.length}`, `LH:${f.lines.filter((l) => l.hit > 0).length}`);
    out.push('end_of_record');
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Lines of an lcov tracefile: file -> line -> hit (count > 0). Used to compare with llvm-cov. */
export function parseLcovLines(text: string): Map<string, Map<number, boolean>> {
  const out = new Map<string, Map<number, boolean>>();
  let current: Map<number, boolean> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('SF:')) {
      const file = line.slice(3);
      current = out.get(file) ?? new Map();
      out.set(file, current);
    } else if (line.startsWith('DA:') && current !== undefined) {
      const [no, count] = line.slice(3).split(',');
      const n = Number(no);
      if (Number.isInteger(n)) current.set(n, (current.get(n) ?? false) || Number(count) > 0);
    } else if (line === 'end_of_record') {
      current = undefined;
    }
  }
  return out;
}
