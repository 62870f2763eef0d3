// The parent's bookkeeping of a parallel run: one corpus by content hash, inputs relayed, stats summed.
import { sha1 } from '../fuzz/artifacts';
import type { LoopStats } from '../fuzz/loop';

/** One worker slot's share of the final statistics (all its processes, restarts included). */
export interface WorkerSummary {
  index: number;
  execs: number;
  /** Inputs it found first that joined the shared corpus. */
  found: number;
  /** Inputs relayed from its peers that added coverage in it too. */
  peerKept: number;
  restarts: number;
}

export interface RunSummary {
  workers: WorkerSummary[];
  /** Inputs sent to a peer (an input sent to two peers counts twice). */
  relayed: number;
}

interface Slot {
  /** Executions of the slot's earlier processes. */
  execsBefore: number;
  last: LoopStats | undefined;
  live: boolean;
  found: number;
  peerKept: number;
  restarts: number;
  /** Inputs waiting to be sent to this slot. */
  outbox: Buffer[];
}

/** Status lines are printed when the total execution count passes a power of two (libFuzzer's pulse). */
const FIRST_PULSE = 1024;

export class Coordinator {
  private readonly slots: Slot[];
  private readonly known = new Set<string>();
  /** Every input of this run's shared corpus, in the order found: a restarted worker gets them all. */
  private readonly corpus: Buffer[] = [];
  private relayed = 0;
  private covMax = 0;
  private nextPulse = FIRST_PULSE;
  private readonly started: number;
  /** When the last worker's loop ended: its shutdown is not fuzzing time. */
  private frozenAt: number | undefined;

  constructor(
    workers: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.started = now();
    this.slots = Array.from({ length: workers }, () => ({
      execsBefore: 0,
      last: undefined,
      live: true,
      found: 0,
      peerKept: 0,
      restarts: 0,
      outbox: [],
    }));
  }

  private slot(index: number): Slot {
    const s = this.slots[index];
    if (s === undefined) throw new RangeError(`no worker ${index}`);
    return s;
  }

  private note(index: number, stats: LoopStats): void {
    this.slot(index).last = stats;
    this.covMax = Math.max(this.covMax, stats.cov);
  }

  /**
   * Worker `index` kept an input of its own. Returns true when the input is new to the run: the
   * caller writes it to the corpus and announces it; it is queued for every other live worker.
   */
  onNew(index: number, input: Buffer, stats: LoopStats): boolean {
    this.note(index, stats);
    const hash = sha1(input);
    if (this.known.has(hash)) return false;
    this.known.add(hash);
    this.corpus.push(input);
    this.slot(index).found++;
    this.slots.forEach((s, i) => {
      if (i !== index && s.live) s.outbox.push(input);
    });
    return true;
  }

  /** Worker `index` kept an input a peer found: coverage it had not reached by itself. */
  onPeerKept(index: number, stats: LoopStats): void {
    this.note(index, stats);
    this.slot(index).peerKept++;
  }

  /** A batch ended in worker `index`; true when a pulse status line is due. */
  onPulse(index: number, stats: LoopStats): boolean {
    this.note(index, stats);
    const execs = this.totalExecs();
    if (execs < this.nextPulse) return false;
    while (this.nextPulse <= execs) this.nextPulse *= 2;
    return true;
  }

  /** Any message with stats (a finding, the final one). */
  onStats(index: number, stats: LoopStats): void {
    this.note(index, stats);
  }

  /** The inputs to send now, by worker; the outboxes are emptied. */
  takeOutboxes(): { index: number; inputs: Buffer[] }[] {
    const out: { index: number; inputs: Buffer[] }[] = [];
    this.slots.forEach((s, index) => {
      if (s.outbox.length === 0 || !s.live) return;
      out.push({ index, inputs: s.outbox });
      this.relayed += s.outbox.length;
      s.outbox = [];
    });
    return out;
  }

  /** Worker `index`'s process ended; its executions stay counted. */
  onExit(index: number): void {
    const s = this.slot(index);
    s.execsBefore += s.last?.execs ?? 0;
    s.last = undefined;
    s.live = false;
    s.outbox = [];
  }

  /** Worker `index` runs again in a new process; it starts from the whole shared corpus. */
  onRestart(index: number): Buffer[] {
    const s = this.slot(index);
    s.live = true;
    s.restarts++;
    return [...this.corpus];
  }

  /** Executions worker `index` has done in all its processes. */
  execsOf(index: number): number {
    const s = this.slot(index);
    return s.execsBefore + (s.last?.execs ?? 0);
  }

  totalExecs(): number {
    return this.slots.reduce((sum, _s, i) => sum + this.execsOf(i), 0);
  }

  /** The fuzzing is over (every loop ended); later stats keep this moment's elapsed time. */
  freeze(): void {
    this.frozenAt ??= this.now();
  }

  /** The run as one loop: executions summed, the best coverage of any worker, the shared corpus. */
  stats(): LoopStats {
    const elapsedMs = (this.frozenAt ?? this.now()) - this.started;
    const execs = this.totalExecs();
    return {
      execs,
      corpus: this.known.size,
      cov: this.covMax,
      elapsedMs,
      execsPerSec: elapsedMs > 0 ? Math.round((execs * 1000) / elapsedMs) : 0,
    };
  }

  summary(): RunSummary {
    return {
      workers: this.slots.map((s, index) => ({
        index,
        execs: this.execsOf(index),
        found: s.found,
        peerKept: s.peerKept,
        restarts: s.restarts,
      })),
      relayed: this.relayed,
    };
  }
}
