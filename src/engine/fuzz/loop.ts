// The coverage-guided fuzzing loop: pick an input, mutate a batch, run it natively, keep what is new.
import type { BatchOptions, BatchResult, BatchFinding, MutantsRequest } from '../native/types';
import { CmpHarvester, TokenSet } from './cmpTable';
import { InputToStateStage, type I2sContext } from './i2sStage';
import { LengthControl } from './lenControl';
import { MemcmpHarvester } from './memcmpTable';
import { mutate } from './mutator';
import type { Rng } from './rng';
import { featuresOf, Scheduler, type CorpusEntry } from './scheduler';

/** What the loop needs of an executor; tests pass a fake. */
export interface LoopExecutor {
  runBatch(inputs: Buffer[], opts?: BatchOptions): Promise<BatchResult>;
  /** Accumulated coverage, one byte per counter. */
  coverage(): Buffer;
  /** The trace-cmp operand slots (struct fwb_cmp_slot[]); needed for LoopOptions.cmpFeedback. */
  cmpTable?(): Buffer;
  /** The memcmp/strcmp operand slots (struct fwb_memcmp_slot[]); used with cmpFeedback too. */
  memcmpTable?(): Buffer;
  /** Between runs: record compares of equal operands too, into empty slots (chains use it). */
  recordEqualCompares?(on: boolean): void;
  /**
   * Runs mutants the target makes itself (persistent mode); findings carry their input. Without
   * it the loop makes every mutant here and hands it over.
   */
  runMutants?(req: MutantsRequest): Promise<BatchResult>;
  /**
   * The counters of the last execution of runBatch (one byte per counter). Lets the scheduler
   * learn which coverage each corpus entry holds; without it entries are weighed by size only.
   */
  counters?(): Buffer;
}

/** Comparison operands kept as tokens next to the user's dictionary (libFuzzer keeps a few hundred). */
const AUTO_TOKENS = 256;
/**
 * New corpus entries waiting to be run alone (profiled, and input-to-state variants tried). When
 * more than this many wait, the older ones are only profiled: variants of the newest matter most.
 */
const I2S_QUEUE = 64;
/**
 * Input-to-state probes of a havoc mutant (see probe) take at most this share of the runs:
 * corpus entries stop coming when a check needs two operands right at once, and their own
 * variants are spent. A probe's mutant runs alone, a round trip that costs as much as a hundred
 * runs in a batch, so early on, while batches are small, probing every few batches would take
 * most of the time.
 */
const PROBE_SHARE = 0.05;
/**
 * Parents of one in-target batch, picked by the scheduler (an entry it favours comes up more
 * than once): enough that a batch's mutants spread over the corpus as the scheduler wants.
 */
const BATCH_PARENTS = 32;
/** Dictionary tokens one in-target batch carries (the runtime's limit is 1024). */
const BATCH_TOKENS = 1024;
/**
 * Runs alone the input-to-state chains of one new entry may take (LoopOptions.chainShare): its head
 * variants and what they reveal, several links deep.
 */
const CHAIN_BUDGET = 160;
/**
 * Havoc mutants of entries past a checksum, fixed up (see InputToStateStage.fixedHavoc), take
 * at most this share of the wall time: the target's own havoc breaks their checksum nearly
 * every time, and a fixed-up mutant costs two runs handed over, each like a dozen in-target.
 */
const FIXED_HAVOC_SHARE = 0.1;
/** Mutants of one entry fixed up at a time. */
const FIXED_HAVOC_BATCH = 256;
/** Largest batch: an in-target batch runs a million trivial inputs in a second. */
const MAX_BATCH = 1 << 20;
/** Largest batch of inputs made here and handed over one by one. */
const MAX_HANDED_BATCH = 4096;

export interface LoopOptions {
  rng: Rng;
  maxLen: number;
  dictionary: readonly Buffer[];
  /**
   * Use the comparison operands the executor records (it must run with cmp: true): as tokens,
   * and for input-to-state variants of every new corpus entry.
   */
  cmpFeedback?: boolean;
  /** Stop after this many milliseconds (0 = no limit). */
  maxTotalTimeMs: number;
  /** Stop after this many executions (0 = no limit). */
  maxRuns: number;
  /** Wall time one batch should take; the batch size adapts to it. */
  batchTargetMs: number;
  /**
   * End a native batch at its first crash (default). When the run keeps going after crashes,
   * the batch runs to its end instead, so frequent crashes do not cut every batch short.
   */
  stopBatchOnFinding?: boolean;
  /**
   * Run input-to-state variants one at a time and follow the compares each one reveals (see
   * runChain), in at most this share of the wall time (0 or unset: never). Each run in a chain is
   * a round trip of its own; a target whose corpus keeps growing (register sequences) would
   * otherwise spend most of its time in them. Past the share, entries get batched variants.
   */
  chainShare?: number;
  /** Share of the wall time for fixed-up havoc (default FIXED_HAVOC_SHARE; 0: none). */
  fixedHavocShare?: number;
  now?: () => number;
}

export interface LoopStats {
  execs: number;
  corpus: number;
  /** Counters that were ever hit. */
  cov: number;
  elapsedMs: number;
  execsPerSec: number;
}

export interface LoopEvents {
  /** An input reached new coverage; it is already in the corpus. */
  onNew(input: Buffer, stats: LoopStats): void;
  /** A run that did not end ok. Return true to keep fuzzing. */
  onFinding(input: Buffer, result: BatchFinding, stats: LoopStats): boolean | Promise<boolean>;
  /** Called after every batch. */
  onPulse?(stats: LoopStats): void;
}

export type LoopEnd = 'finding' | 'time' | 'runs' | 'stopped';

/** Bytes that are not zero; a mostly empty megabyte map is read four bytes at a time. */
export function nonZeroBytes(map: Buffer): number {
  let count = 0;
  let i = 0;
  if (map.byteOffset % 4 === 0) {
    const words = new Uint32Array(map.buffer, map.byteOffset, Math.floor(map.length / 4));
    for (const w of words) {
      if (w === 0) continue;
      count += Number((w & 0xff) !== 0) + Number((w & 0xff00) !== 0);
      count += Number((w & 0xff0000) !== 0) + Number((w & 0xff000000) !== 0);
    }
    i = words.length * 4;
  }
  for (; i < map.length; i++) if (map[i] !== 0) count++;
  return count;
}

export class FuzzLoop {
  private readonly corpus = new Scheduler();
  private execs = 0;
  private batchSize = 16;
  private stopRequested = false;
  private cov = 0;
  private covDirty = true;
  private readonly started: number;
  private readonly now: () => number;
  private readonly cmp: { harvester: CmpHarvester; table: () => Buffer } | undefined;
  /** memcmp operands share the automatic dictionary's token set with the integer ones. */
  private readonly memcmp: { harvester: MemcmpHarvester; table: () => Buffer } | undefined;
  /** Entries not yet run alone: their profile (and input-to-state) is still to come. */
  private readonly studyQueue: CorpusEntry[] = [];
  private readonly i2s = new InputToStateStage();
  private lengths: LengthControl;
  /** Inputs other workers kept, waiting to be run here (see addPeerInputs). */
  private readonly peerInputs: Buffer[] = [];
  private dict: readonly Buffer[];
  /** Runs spent on probes, and on havoc batches (see PROBE_SHARE). */
  private probeExecs = 0;
  private havocExecs = 0;
  /** Milliseconds spent on input-to-state with chains (see LoopOptions.chainShare). */
  private chainMs = 0;
  /** Milliseconds spent on fixed-up havoc (see FIXED_HAVOC_SHARE). */
  private fixedMs = 0;

  constructor(
    private readonly exec: LoopExecutor,
    private readonly opts: LoopOptions,
    private readonly events: LoopEvents,
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
    const table = exec.cmpTable?.bind(exec);
    this.cmp =
      opts.cmpFeedback === true && table !== undefined
        ? { harvester: new CmpHarvester(new TokenSet(AUTO_TOKENS)), table }
        : undefined;
    const memTable = exec.memcmpTable?.bind(exec);
    this.memcmp =
      this.cmp !== undefined && memTable !== undefined
        ? { harvester: new MemcmpHarvester(this.cmp.harvester.tokens), table: memTable }
        : undefined;
    this.dict = opts.dictionary;
    this.lengths = new LengthControl(opts.maxLen, 0);
  }

  /**
   * Counters ever hit. The map is large (a million counters) and only grows when an input
   * reaches new coverage, so it is counted again only then.
   */
  private coveredCounters(): number {
    if (this.covDirty) {
      this.cov = nonZeroBytes(this.exec.coverage());
      this.covDirty = false;
    }
    return this.cov;
  }

  /**
   * Inputs another worker kept. They run before the next batch; one that adds coverage here is
   * kept like any new input, and `onNew` receives the very Buffer given here.
   */
  addPeerInputs(inputs: readonly Buffer[]): void {
    this.peerInputs.push(...inputs);
  }

  /** Asks the loop to end after the batch that is running. */
  stop(): void {
    this.stopRequested = true;
  }

  stats(): LoopStats {
    const elapsedMs = this.elapsed();
    return {
      execs: this.execs,
      corpus: this.corpus.size,
      cov: this.coveredCounters(),
      elapsedMs,
      execsPerSec: elapsedMs > 0 ? Math.round((this.execs * 1000) / elapsedMs) : 0,
    };
  }

  /** Runs the seeds, then mutates until a finding, the time or run limit, or stop(). */
  async run(seeds: readonly Buffer[]): Promise<LoopEnd> {
    const initial = seeds.length > 0 ? [...seeds] : [Buffer.alloc(0)];
    this.lengths = new LengthControl(
      this.opts.maxLen,
      Math.max(0, ...initial.map((s) => Math.min(s.length, this.opts.maxLen))),
    );
    const first = await this.runInputs(
      initial.map((s) => s.subarray(0, this.opts.maxLen)),
      true,
    );
    if (first !== undefined) return first;
    if (this.corpus.size === 0) this.addEntry(initial[0] ?? Buffer.alloc(0));
    for (;;) {
      const end = this.limitReached();
      if (end !== undefined) return end;
      if (this.peerInputs.length > 0) {
        const peerEnd = await this.runInputs(this.peerInputs.splice(0), false);
        if (peerEnd !== undefined) return peerEnd;
        continue;
      }
      const withI2s = this.studyQueue.length <= I2S_QUEUE;
      const entry = this.studyQueue.shift();
      if (entry !== undefined) {
        const studyEnd = await this.study(entry, withI2s);
        if (studyEnd !== undefined) return studyEnd;
        continue;
      }
      if (this.cmp !== undefined && this.probeExecs <= PROBE_SHARE * this.havocExecs) {
        const probeStart = this.execs;
        const probeEnd = await this.probe();
        if (probeEnd !== undefined) return probeEnd;
        this.probeExecs += this.execs - probeStart;
      }
      const fixedEnd = await this.fixedHavocShare();
      if (fixedEnd !== undefined) return fixedEnd;
      const t0 = this.now();
      const execsBefore = this.execs;
      const ended = await this.havocBatch(this.remainingRuns(this.batchSize));
      if (ended !== undefined) return ended;
      this.havocExecs += this.execs - execsBefore;
      // A batch cut short by a finding ran fewer inputs than it was given.
      this.adaptBatch(this.now() - t0, Math.max(1, this.execs - execsBefore));
      this.lengths.update(this.execs);
      this.events.onPulse?.(this.stats());
    }
  }

  private limitReached(): LoopEnd | undefined {
    if (this.stopRequested) return 'stopped';
    if (this.opts.maxRuns > 0 && this.execs >= this.opts.maxRuns) return 'runs';
    if (this.opts.maxTotalTimeMs > 0 && this.elapsed() >= this.opts.maxTotalTimeMs) {
      return 'time';
    }
    return undefined;
  }

  private remainingRuns(n: number): number {
    return this.opts.maxRuns > 0 ? Math.max(1, Math.min(n, this.opts.maxRuns - this.execs)) : n;
  }

  /**
   * n havoc mutants: made and run by the target itself when the executor can, else made here.
   * The scheduler picks the parents (rare coverage, small, fast, fresh); any entry is the other.
   */
  private async havocBatch(n: number): Promise<LoopEnd | undefined> {
    if (this.exec.runMutants === undefined) {
      const batch: Buffer[] = [];
      for (let i = 0; i < Math.min(n, MAX_HANDED_BATCH); i++) batch.push(this.mutant().input);
      return this.runInputs(batch, false);
    }
    const rng = this.opts.rng;
    const parents: Buffer[] = [];
    for (let i = 0; i < BATCH_PARENTS; i++) {
      parents.push(this.corpus.pick(rng).input.subarray(0, this.opts.maxLen));
    }
    const res = await this.exec.runMutants({
      parents,
      tokens: this.dict.slice(0, BATCH_TOKENS),
      count: n,
      // 53 bits: the addon takes any safe integer.
      seed: rng.next() * 0x200000 + rng.below(0x200000),
      lenLimit: this.lengths.limit,
      maxLen: this.opts.maxLen,
    });
    return this.absorb(res, (f) => f.input ?? Buffer.alloc(0), false);
  }

  private mutant(): { input: Buffer; parent: Buffer } {
    const rng = this.opts.rng;
    const parent = this.corpus.pick(rng).input;
    const other = this.corpus.size > 1 ? this.corpus.pickUniform(rng).input : undefined;
    const maxLen = this.lengths.limitFor(parent);
    return { input: mutate(parent, rng, { maxLen, dictionary: this.dict }, other), parent };
  }

  private addEntry(input: Buffer): void {
    const entry = this.corpus.add(input);
    if (this.exec.counters !== undefined || this.cmp !== undefined) this.studyQueue.push(entry);
  }

  /** Keeps a batch near batchTargetMs so stop requests and status lines stay timely. */
  private adaptBatch(ms: number, n: number): void {
    const max = this.exec.runMutants !== undefined ? MAX_BATCH : MAX_HANDED_BATCH;
    if (ms <= 0) {
      this.batchSize = Math.min(this.batchSize * 2, max);
      return;
    }
    const perExec = ms / n;
    const want = Math.round(this.opts.batchTargetMs / perExec);
    // A batch cut short by new coverage says little about speed: grow at most twofold a time.
    this.batchSize = Math.max(1, Math.min(max, want, this.batchSize * 2));
  }

  /** Harvests the operands the last batch left, and refreshes the mutator's dictionary. */
  private harvestCmp(): void {
    if (this.cmp === undefined) return;
    const { harvester, table } = this.cmp;
    let added = harvester.harvest(table());
    if (this.memcmp !== undefined) added += this.memcmp.harvester.harvest(this.memcmp.table());
    if (added > 0) this.dict = [...this.opts.dictionary, ...harvester.tokens.tokens()];
  }

  /**
   * Input-to-state variants of a fresh havoc mutant rather than of a corpus entry: a mutant is
   * longer or differently shaped than the entries (whose variants were tried when they came), so
   * its compares may read operands the entries do not hold at all, such as a field read past
   * their end.
   */
  private async probe(): Promise<LoopEnd | undefined> {
    if (this.cmp === undefined) return undefined;
    const { input, parent } = this.mutant();
    // A mutant of an entry past a checksum is fixed up like that entry's own mutants.
    this.i2s.inherit(input, parent);
    const before = Buffer.from(this.cmp.table());
    const ended = await this.runInputs([input], false);
    if (ended !== undefined) return ended;
    return this.i2s.run(input, before, this.i2sContext(this.cmp.table));
  }

  private elapsed(): number {
    return this.now() - this.started;
  }

  /**
   * Fixed-up havoc mutants of entries the scheduler picks, once a checksum is known, in batches
   * until they had their share of the time (FIXED_HAVOC_SHARE).
   */
  private async fixedHavocShare(): Promise<LoopEnd | undefined> {
    const share = this.opts.fixedHavocShare ?? FIXED_HAVOC_SHARE;
    if (this.cmp === undefined || share <= 0 || !this.i2s.knowsChecksums()) return undefined;
    while (this.fixedMs <= share * this.elapsed()) {
      const start = this.now();
      const parent = this.corpus.pick(this.opts.rng).input;
      const ctx = this.i2sContext(this.cmp.table);
      const end =
        (await this.i2s.fixedHavoc(parent, FIXED_HAVOC_BATCH, ctx)) ?? this.limitReached();
      this.fixedMs += this.now() - start;
      if (end !== undefined) return end;
    }
    return undefined;
  }

  /**
   * Runs a new corpus entry alone: its counters give the scheduler the entry's features and its
   * time; with comparison feedback, the operands it compared give input-to-state variants (the
   * other operand put where one operand's bytes sit in the input), which run next.
   */
  private async study(entry: CorpusEntry, withI2s: boolean): Promise<LoopEnd | undefined> {
    const input = entry.input;
    const counters = this.exec.counters?.bind(this.exec);
    const table = this.cmp?.table;
    // Copied: the table is a live view, and the run below rewrites it.
    const before = table !== undefined ? Buffer.from(table()) : undefined;
    const ended = await this.runInputs([input], false, (res) => {
      // Read before any finding is triaged: a re-run on the same executor rewrites the counters.
      if (counters !== undefined && res.execs === 1) {
        this.corpus.setProfile(entry, {
          features: featuresOf(counters()),
          execUs: Math.max(1, res.elapsedUs),
        });
      }
    });
    if (ended !== undefined) return ended;
    if (table === undefined || before === undefined || !withI2s) return undefined;
    const ctx = this.i2sContext(table);
    if (ctx.chainBudget === undefined) return this.i2s.run(input, before, ctx);
    const start = this.now();
    const end = await this.i2s.run(input, before, ctx);
    this.chainMs += this.now() - start;
    return end;
  }

  /** What the input-to-state stage needs of the loop. */
  private i2sContext(table: () => Buffer): I2sContext {
    const share = this.opts.chainShare ?? 0;
    return {
      run: (inputs) => this.runInputs(inputs, false),
      runWatched: async (inputs, slots) => {
        let watched: Buffer | undefined;
        const ended = await this.runInputs(inputs, false, (res) => (watched = res.watched), slots);
        return { ended, watched };
      },
      table,
      memcmpTable: this.memcmp?.table,
      recordEqual: this.exec.recordEqualCompares?.bind(this.exec),
      budget: (n) => this.remainingRuns(n),
      stopped: () => this.limitReached() !== undefined,
      corpusSize: () => this.corpus.size,
      recentEntries: (n) =>
        this.corpus
          .all()
          .slice(-n)
          .map((e) => e.input),
      maxLen: this.opts.maxLen,
      chainBudget: share > 0 && this.chainMs <= share * this.elapsed() ? CHAIN_BUDGET : undefined,
      mutants: (parent, n) => {
        const maxLen = this.lengths.limitFor(parent);
        const out: Buffer[] = [];
        for (let i = 0; i < n; i++) {
          const other = this.corpus.pickUniform(this.opts.rng).input;
          out.push(mutate(parent, this.opts.rng, { maxLen, dictionary: this.dict }, other));
        }
        return out;
      },
    };
  }

  private async runInputs(
    inputs: Buffer[],
    seeding: boolean,
    afterRun?: (res: BatchResult) => void,
    watch?: number[],
  ): Promise<LoopEnd | undefined> {
    // Every stage must respect -max_len (the executor refuses longer inputs): cut here, once.
    const max = this.opts.maxLen;
    if (inputs.some((i) => i.length > max)) {
      inputs = inputs.map((i) => (i.length > max ? i.subarray(0, max) : i));
    }
    const res = await this.exec.runBatch(inputs, {
      feedback: true,
      stopOnFinding: this.opts.stopBatchOnFinding ?? true,
      ...(watch !== undefined ? { watch } : {}),
    });
    afterRun?.(res);
    const ended = await this.absorb(res, (f) => inputs[f.index] ?? Buffer.alloc(0), seeding);
    if (ended !== undefined) return ended;
    if (seeding) {
      // Seeds the batch skipped after a finding are run again in a later batch.
      const rest = inputs.slice(res.execs);
      if (rest.length > 0) return this.runInputs(rest, true);
    }
    return undefined;
  }

  /** Takes a batch's results in: operands, counts, new corpus entries and findings. */
  private async absorb(
    res: BatchResult,
    inputOf: (f: BatchFinding) => Buffer,
    seeding: boolean,
  ): Promise<LoopEnd | undefined> {
    this.harvestCmp();
    const before = this.execs;
    this.execs += res.execs;
    // Events report the execution count at the input itself, as libFuzzer's status lines do.
    const statsAt = (index: number): LoopStats => ({ ...this.stats(), execs: before + index + 1 });
    if (res.findings.some((f) => f.newCoverage)) this.covDirty = true;
    for (const f of res.findings) {
      const input = inputOf(f);
      if (f.kind === 'ok') {
        if (f.newCoverage || (seeding && this.corpus.size === 0)) {
          this.addEntry(input);
          this.lengths.progress(before + f.index + 1);
          this.events.onNew(input, statsAt(f.index));
        }
        continue;
      }
      const keepGoing = await this.events.onFinding(input, f, statsAt(f.index));
      if (!keepGoing) return 'finding';
    }
    return undefined;
  }
}
