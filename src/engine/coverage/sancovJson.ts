// Writes the JSON that `sancov -symbolize` prints: covered-points, binary-hash, point-symbol-info.
import type { PcLocation } from './batchSymbolizer';

export interface SancovPoint {
  /** Module-relative PC. */
  offset: number;
  hit: boolean;
  location: PcLocation | undefined;
}

export interface SancovJson {
  'covered-points': string[];
  'binary-hash': string;
  'point-symbol-info': Record<string, Record<string, Record<string, string>>>;
}

const hex = (n: number): string => n.toString(16);

/**
 * sancov's shape: PCs as bare hex strings; point-symbol-info lists every instrumented point
 * (covered or not) as file -> function -> pc -> "line:col". Points without a location are only in
 * covered-points, as sancov leaves out what it cannot symbolize.
 */
export function toSancovJson(points: readonly SancovPoint[], binaryHash: string): SancovJson {
  const sorted = [...points].sort((a, b) => a.offset - b.offset);
  const info: Record<string, Record<string, Record<string, string>>> = {};
  for (const p of sorted) {
    if (p.location === undefined) continue;
    const byFunc = (info[p.location.file] ??= {});
    const byPc = (byFunc[p.location.func] ??= {});
    byPc[hex(p.offset)] = `${p.location.line}:${p.location.column}`;
  }
  return {
    'covered-points': [...new Set(sorted.filter((p) => p.hit).map((p) => hex(p.offset)))],
    'binary-hash': binaryHash,
    'point-symbol-info': info,
  };
}
