// Reads the process table from /proc: who is in a process group, which processes run a binary.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcInfo {
  pid: number;
  ppid: number;
  pgrp: number;
}

/** ppid and process group of one process, undefined once it is gone (or only a zombie's). */
export function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: the fields follow the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

function livePids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** The live (not zombie) processes of process group pgrp. */
export function groupMembers(pgrp: number): ProcInfo[] {
  return livePids()
    .map(procInfo)
    .filter((p): p is ProcInfo => p !== undefined && p.pgrp === pgrp);
}

/** The live processes whose executable is `binary` (an absolute path). */
export function processesOf(binary: string): ProcInfo[] {
  return livePids()
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/exe`) === binary;
      } catch {
        return false;
      }
    })
    .map(procInfo)
    .filter((p): p is ProcInfo => p !== undefined);
}

/** Polls until `check` returns an empty list or `limitMs` passes; returns the last list. */
export async function untilNone(check: () => ProcInfo[], limitMs: number): Promise<ProcInfo[]> {
  const end = Date.now() + limitMs;
  for (;;) {
    const left = check();
    if (left.length === 0 || Date.now() > end) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}
