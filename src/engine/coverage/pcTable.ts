// Decodes the shared PC table (FWB_PC_ENCODE'd, one uint64 per counter) into per-module points.
import type { ModuleInfo } from '../native/types';

/** One instrumented point as the PC table names it. */
export interface PcEntry {
  counter: number;
  /** Index into the module table. */
  module: number;
  /** Module-relative PC (48 bits fit a double exactly). */
  offset: number;
  funcEntry: boolean;
}

export interface DecodedPcTable {
  entries: PcEntry[];
  /** One line per problem: a truncated table, PCs of modules the table does not list. */
  warnings: string[];
}

/** Bits of the high word: the top bit marks a function entry, the next 15 hold module + 1. */
const FUNC_ENTRY_HI = 0x80000000;
const MODULE_SHIFT_HI = 16;
const OFFSET_HI_MASK = 0xffff;

/**
 * Decodes `pcs` for counters [from, to). Entries that are zero (no PC known yet: gcc slots not hit)
 * are skipped; entries naming a module the table does not have, and a table shorter than the
 * counters, are reported and the rest is still returned.
 */
export function decodePcTable(
  pcs: Uint8Array,
  modules: readonly ModuleInfo[],
  from: number,
  to: number,
): DecodedPcTable {
  const warnings: string[] = [];
  const available = Math.floor(pcs.byteLength / 8);
  if (pcs.byteLength % 8 !== 0 || available < to) {
    warnings.push(
      `PC table truncated: ${pcs.byteLength} bytes hold ${available} entries, ${to} counters need them; ` +
        'later counters have no source location',
    );
  }
  const view = new DataView(pcs.buffer, pcs.byteOffset, available * 8);
  const entries: PcEntry[] = [];
  let foreign = 0;
  let firstForeign = -1;
  for (let i = from; i < Math.min(to, available); i++) {
    const lo = view.getUint32(i * 8, true);
    const hi = view.getUint32(i * 8 + 4, true);
    if (lo === 0 && hi === 0) continue;
    const module = ((hi & ~FUNC_ENTRY_HI) >>> MODULE_SHIFT_HI) - 1;
    if (module < 0 || module >= modules.length) {
      foreign++;
      if (firstForeign < 0) firstForeign = i;
      continue;
    }
    entries.push({
      counter: i,
      module,
      offset: (hi & OFFSET_HI_MASK) * 0x100000000 + lo,
      funcEntry: (hi & FUNC_ENTRY_HI) !== 0,
    });
  }
  if (foreign > 0) {
    warnings.push(
      `${foreign} PC table entr${foreign === 1 ? 'y names' : 'ies name'} a module the module table ` +
        `does not list (first at counter ${firstForeign}): foreign or corrupt data, skipped`,
    );
  }
  return { entries, warnings };
}

/** Encodes one entry as the runtime does (tests and benchmarks build tables with it). */
export function encodePc(module: number, offset: number, funcEntry = false): bigint {
  return (BigInt(module + 1) << 48n) | BigInt(offset) | (funcEntry ? 1n << 63n : 0n);
}
