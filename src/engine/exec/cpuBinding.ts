// Picks a core to bind an executor's thread and its target to, as AFL++ binds each instance.
//
// Why: the executor's native thread and the target's child hand every input back and forth
// through pipes. When the two sit on different cores, each hand-over is a cross-CPU wake-up,
// which on a virtual machine costs an inter-processor interrupt: measured here, a trivial ASan
// harness ran ~21k execs/s unbound and ~88k execs/s with both on one core. A core already
// claimed by another bound process (another fuzzer, another worker) is avoided, so parallel
// runs spread out; with no free core nothing is bound and the scheduler decides.
import { readdirSync, readFileSync } from 'node:fs';

/** Parses a kernel CPU list (`0-3,6,8-9`); undefined on anything else. */
export function parseCpuList(text: string): number[] | undefined {
  const out: number[] = [];
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (m === null) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (hi < lo || hi - lo > 4096) return undefined;
    for (let c = lo; c <= hi; c++) out.push(c);
  }
  return out;
}

/** The `Cpus_allowed_list` of a /proc/PID/status text. */
export function allowedCpus(status: string): number[] | undefined {
  const m = /^Cpus_allowed_list:\s*(\S+)\s*$/m.exec(status);
  return m?.[1] !== undefined ? parseCpuList(m[1]) : undefined;
}

/**
 * The core to bind to: among `allowed`, one no other process is bound to, trying `preferred`
 * (a worker's index) first, so N workers started together land on N different cores.
 */
export function chooseCpu(
  allowed: readonly number[],
  boundElsewhere: ReadonlySet<number>,
  preferred = 0,
): number | undefined {
  if (allowed.length < 2) return undefined;
  for (let i = 0; i < allowed.length; i++) {
    const cpu = allowed[(preferred + i) % allowed.length];
    if (cpu !== undefined && !boundElsewhere.has(cpu)) return cpu;
  }
  return undefined;
}

/** Cores other processes are bound to alone (a one-core Cpus_allowed_list). */
function coresBoundElsewhere(): Set<number> {
  const bound = new Set<number>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return bound;
  }
  const self = String(process.pid);
  for (const pid of pids) {
    if (pid === self) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      continue; // gone, or not ours to read
    }
    // Zombies and stopped processes keep their mask but use no core; kernel threads (no memory
    // of their own, children of kthreadd) are bound per core by design and say nothing about us.
    if (
      /^State:\s*[ZTt]/m.test(status) ||
      !/^VmRSS:/m.test(status) ||
      /^PPid:\s*2$/m.test(status)
    ) {
      continue;
    }
    const cpus = allowedCpus(status);
    if (cpus?.length === 1 && cpus[0] !== undefined) bound.add(cpus[0]);
  }
  return bound;
}

/** A free core for this process's executors, or undefined (do not bind). */
export function pickFreeCpu(preferred = 0): number | undefined {
  let allowed: number[] | undefined;
  try {
    allowed = allowedCpus(readFileSync('/proc/self/status', 'utf8'));
  } catch {
    return undefined;
  }
  if (allowed === undefined) return undefined;
  return chooseCpu(allowed, coresBoundElsewhere(), preferred);
}
