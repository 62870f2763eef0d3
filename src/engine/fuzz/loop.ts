// The coverage-guided fuzzing loop: seeds, then stages picked by the budget policy, until a limit.
import type { BatchOptions, BatchResult, BatchFinding, MutantsRequest } from '../native/types';
import { BudgetPolicy, type StageReport } from './budget';
import { CmpHarvester, TokenSet } from './cmpTable';
import type { CorpusEntry, EntryMeta } from './corpusEntry';
import { freshMeta } from './corpusEntry';
import type { HavocMutator } from './havocMutator';
import { LengthControl } from './lenControl';
import { MemcmpHarvester } from './memcmpTable';
import type { Rng } from './rng';
import { Scheduler } from './scheduler';
import {
  STAGE_NAMES,
  type RunOutcome,
  type Stage,
  type StageContext,
  type StageName,
} from './stage';
import { createStages } from './stages/all';

/** What the loop needs of an executor; tests pass a fake. */
export interface LoopExecutor {
  runBatch(inputs: Buffer[], opts?: BatchOptions): Promise<BatchResult>;
  /** Accumulated coverage, one byte per counter (counted when batches do not say `covered`). */
  coverage(): Buffer;
  /** The trace-cmp operand slots (struct fwb_cmp_slot[]); needed for LoopOptions.cmpFeedback. */
  cmpTable?(): Buffer;
  /** The memcmp/strcmp operand slots (struct fwb_memcmp_slot[]); used with cmpFeedback too. */
  memcmpTable?(): Buffer;
  /** Between runs: record compares of equal operands too, into empty slots (chains use it). */
  recordEqualCompares?(on: boolean): void;
  /**
   * Runs mutants the target makes itself (persistent mode); findings carry their input. Without
   * it the havoc stage makes every mutant here and hands it over.
   */
  runMutants?(req: MutantsRequest): Promise<BatchResult>;
}

/** Comparison operands kept as tokens next to the user's dictionary (libFuzzer keeps a few hundred). */
const AUTO_TOKENS = 256;
/** Dictionary tokens one in-target batch carries (the runtime's limit is 1024). */
const BATCH_TOKENS = 1024;
/** The operand tables are read into the dictionary at most this often (a read costs ~0.1 ms). */
const HARVEST_EVERY_MS = 20;

export interface LoopOptions {
  rng: Rng;
  maxLen: number;
  dictionary: readonly Buffer[];
  /** The target's havoc mutator, for the stages that make mutants before they run. */
  mutator: HavocMutator;
  /**
   * Use the comparison operands the executor records (it must run with cmp: true): as tokens,
   * and in the stages that need them (input-to-state, colorization, chains, fix-ups, probes).
   */
  cmpFeedback?: boolean;
  /** The stages that may run (default: all); havoc always runs. */
  stages?: ReadonlySet<StageName>;
  /**
   * Let a shorter mutant that holds all an entry alone held take its place (libFuzzer's
   * -reduce_inputs; default true): smaller entries run faster and mutate better.
   */
  reduceInputs?: boolean;
  /** Every input runs in a fresh fork (fork mode): a run alone costs what one in a batch does. */
  forkPerInput?: boolean;
  /** Stop after this many milliseconds (0 = no limit). */
  maxTotalTimeMs: number;
  /** Stop after this many executions (0 = no limit). */
  maxRuns: number;
  /** Wall time one stage run should stay near; havoc's batch size adapts to it. */
  batchTargetMs: number;
  /**
   * End a native batch at its first crash (default). When the run keeps going after crashes,
   * the batch runs to its end instead, so frequent crashes do not cut every batch short.
   */
  stopBatchOnFinding?: boolean;
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
  /** Called after every stage run. */
  onPulse?(stats: LoopStats): void;
  /** An ok input that ran past the executor's slow-unit threshold, `execUs` long. */
  onSlowUnit?(input: Buffer, execUs: number): void;
  /**
   * A shorter input took an entry's place, holding all the entry alone held (libFuzzer's
   * REDUCE); `replaced` is the entry's old input, which the corpus no longer needs.
   */
  onReduce?(input: Buffer, replaced: Buffer, stats: LoopStats): void;
}

export type LoopEnd = 'finding' | 'time' | 'runs' | 'stopped';

/** Whether `features` holds every one of `wanted`; both ascending, as the executor lists them. */
export function holdsAll(features: Uint32Array, wanted: Uint32Array): boolean {
  let i = 0;
  for (const w of wanted) {
    while (i < features.length && (features[i] ?? 0) < w) i++;
    if (features[i] !== w) return false;
  }
  return true;
}

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

type MetaOf = ((input: Buffer) => Partial<EntryMeta> | undefined) | undefined;

export class FuzzLoop {
  private readonly corpus = new Scheduler();
  private readonly stages: Stage[];
  private readonly policy: BudgetPolicy;
  private execs = 0;
  private cov = 0;
  private stopRequested = false;
  private readonly started: number;
  private readonly now: () => number;
  private readonly cmp: { harvester: CmpHarvester; table: () => Buffer } | undefined;
  /** memcmp operands share the automatic dictionary's token set with the integer ones. */
  private readonly memcmp: { harvester: MemcmpHarvester; table: () => Buffer } | undefined;
  private lastHarvest = -Infinity;
  private lengths: LengthControl;
  /** Inputs other workers kept, waiting to be run here (see addPeerInputs). */
  private readonly peerInputs: Buffer[] = [];
  private dict: readonly Buffer[];
  /** The stage whose run is under way: new entries are credited to it. */
  private running = 'seed';
  /** Executor calls under way: while one is, the target has an input (see inTarget). */
  private calls = 0;
  private readonly ctx: StageContext;

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
    const wanted = opts.stages ?? new Set(STAGE_NAMES);
    this.stages = createStages(this.now).filter(
      (s) => s.name === 'havoc' || (wanted.has(s.name) && this.cmp !== undefined),
    );
    this.policy = new BudgetPolicy(this.stages);
    this.ctx = this.context();
  }

  /**
   * Inputs another worker kept. They run before the next stage; one that adds coverage here is
   * kept like any new input, and `onNew` receives the very Buffer given here.
   */
  addPeerInputs(inputs: readonly Buffer[]): void {
    this.peerInputs.push(...inputs);
  }

  /** Asks the loop to end after the batch that is running. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * Whether the loop waits on the executor (a batch, with its confirming runs), not on its own
   * work or a finding's triage: only then may an owner stop the executor under it.
   */
  get inTarget(): boolean {
    return this.calls > 0;
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    this.calls++;
    try {
      return await run();
    } finally {
      this.calls--;
    }
  }

  stats(): LoopStats {
    const elapsedMs = this.elapsed();
    return {
      execs: this.execs,
      corpus: this.corpus.size,
      cov: this.cov,
      elapsedMs,
      execsPerSec: elapsedMs > 0 ? Math.round((this.execs * 1000) / elapsedMs) : 0,
    };
  }

  /** What each stage got of the time and found (stat:: lines, the ablation bench). */
  stageReport(): StageReport[] {
    return this.policy.report();
  }

  /** Runs the seeds, then the stages until a finding, the time or run limit, or stop(). */
  async run(seeds: readonly Buffer[]): Promise<LoopEnd> {
    const initial = seeds.length > 0 ? [...seeds] : [Buffer.alloc(0)];
    this.lengths = new LengthControl(
      this.opts.maxLen,
      Math.max(0, ...initial.map((s) => Math.min(s.length, this.opts.maxLen))),
    );
    const first = await this.runSeeds(initial.map((s) => s.subarray(0, this.opts.maxLen)));
    if (first !== undefined) return first;
    if (this.corpus.size === 0) this.keep(initial[0] ?? Buffer.alloc(0), undefined, undefined);
    for (;;) {
      const end = this.limitReached();
      if (end !== undefined) return end;
      if (this.peerInputs.length > 0) {
        this.running = 'peer';
        const peerEnd = (await this.runInputs(this.peerInputs.splice(0), undefined)).ended;
        if (peerEnd !== undefined) return peerEnd;
        continue;
      }
      const ended = await this.runStage();
      if (ended !== undefined) return ended;
      this.lengths.update(this.execs);
      this.events.onPulse?.(this.stats());
    }
  }

  /** Runs the stage the policy picks among those with work, and charges what it took and found. */
  private async runStage(): Promise<LoopEnd | undefined> {
    const ready = this.stages.filter((s) => s.ready(this.ctx)).map((s) => s.name);
    const name = this.policy.next(ready);
    const stage = this.stages.find((s) => s.name === name);
    const entry = stage?.next(this.ctx);
    if (stage === undefined || entry === undefined) throw new Error(`stage ${name} has no work`);
    this.running = name;
    const t0 = this.now();
    const before = { entries: this.corpus.size, cov: this.cov, execs: this.execs };
    const budget = { ms: this.opts.batchTargetMs, runs: this.remainingRuns(Infinity) };
    const ended = await stage.run(entry, budget, this.ctx);
    // What it found: entries kept, and edges never hit before count once more.
    const finds = this.corpus.size - before.entries + (this.cov - before.cov);
    this.policy.charge(name, this.now() - t0, finds, this.execs - before.execs);
    return ended;
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

  private elapsed(): number {
    return this.now() - this.started;
  }

  /** Keeps `input` as a corpus entry and tells every stage. */
  private keep(
    input: Buffer,
    f: BatchFinding | undefined,
    meta: Partial<EntryMeta> | undefined,
  ): CorpusEntry {
    const profile =
      f?.features !== undefined
        ? { features: f.features, execUs: Math.max(1, f.execUs ?? f.durationUs) }
        : undefined;
    const entry = this.corpus.add(input, profile, { ...freshMeta(), ...meta }, this.running);
    for (const s of this.stages) s.offer?.(entry);
    return entry;
  }

  /** What the stages may ask of the loop. */
  private context(): StageContext {
    const rng = this.opts.rng;
    return {
      rng,
      maxLen: this.opts.maxLen,
      run: (inputs, meta) => this.runInputs(inputs, meta),
      runWatched: async (inputs, slots, meta) => {
        let watched: Buffer | undefined;
        const out = await this.runInputs(inputs, meta, slots, (res) => (watched = res.watched));
        return { ended: out.ended, watched };
      },
      runMutants:
        this.exec.runMutants !== undefined
          ? (parents, count) => this.runMutants(parents, count)
          : undefined,
      mutants: (parent, n) => this.mutants(parent, n),
      table: () => this.cmp?.table() ?? Buffer.alloc(0),
      memcmpTable: this.memcmp?.table,
      recordEqual: this.exec.recordEqualCompares?.bind(this.exec),
      pick: () => this.corpus.pick(rng),
      entries: () => this.corpus.all(),
      tokens: () => this.dict,
      lenLimitFor: (parent) => this.lengths.limitFor(parent),
      stopped: () => this.limitReached() !== undefined,
      budgetRuns: (n) => this.remainingRuns(n),
      forkPerInput: this.opts.forkPerInput === true,
    };
  }

  /** `n` mutants of `parent` from the target's mutator, crossed with any other entries. */
  private mutants(parent: Buffer, n: number): Buffer[] {
    const rng = this.opts.rng;
    const others: Buffer[] = [];
    for (let i = 0; i < Math.min(8, this.corpus.size); i++) {
      others.push(this.corpus.pickUniform(rng).input);
    }
    return this.opts.mutator.mutants({
      parent,
      others,
      tokens: this.dict.slice(0, BATCH_TOKENS),
      count: n,
      seed: this.seed53(),
      lenLimit: this.lengths.limitFor(parent),
      maxLen: this.opts.maxLen,
      cmpTable: this.cmp?.table(),
      memcmpTable: this.memcmp?.table(),
    });
  }

  /** A 53-bit seed from the loop's random source (the addon takes any safe integer). */
  private seed53(): number {
    const rng = this.opts.rng;
    return rng.next() * 0x200000 + rng.below(0x200000);
  }

  private async runMutants(parents: CorpusEntry[], count: number): Promise<RunOutcome> {
    const runMutants = this.exec.runMutants?.bind(this.exec);
    if (runMutants === undefined) throw new Error('the executor makes no mutants');
    const req = {
      parents: parents.map((p) => p.input.subarray(0, this.opts.maxLen)),
      tokens: this.dict.slice(0, BATCH_TOKENS),
      count,
      seed: this.seed53(),
      lenLimit: this.lengths.limit,
      maxLen: this.opts.maxLen,
      owned:
        this.opts.reduceInputs !== false ? parents.map((p) => this.corpus.owned(p)) : undefined,
    };
    const res = await this.call(() => runMutants(req));
    return this.absorb(res, (f) => f.input ?? Buffer.alloc(0), undefined, false, parents);
  }

  /**
   * A mutant that holds all `parent` alone held, and is shorter, takes its place; returns the
   * input it replaced, or undefined when it did not.
   */
  private reduce(
    parent: CorpusEntry | undefined,
    input: Buffer,
    f: BatchFinding,
  ): Buffer | undefined {
    if (parent === undefined || f.features === undefined) return undefined;
    if (input.length >= parent.input.length || input.length === 0) return undefined;
    // The child checked the features the parent owned as the batch began; a replacement of
    // another parent earlier in the same batch may have left it more of its own since.
    if (!holdsAll(f.features, this.corpus.owned(parent))) return undefined;
    const replaced = parent.input;
    this.corpus.replace(parent, input, {
      features: f.features,
      execUs: Math.max(1, f.execUs ?? f.durationUs),
    });
    return replaced;
  }

  /** Runs the seeds; those a finding cut the batch short before run again in another. */
  private async runSeeds(inputs: Buffer[]): Promise<LoopEnd | undefined> {
    this.running = 'seed';
    let rest = inputs;
    while (rest.length > 0) {
      const res = await this.batch(rest);
      const out = await this.absorb(res, (f) => rest[f.index] ?? Buffer.alloc(0), undefined, true);
      if (out.ended !== undefined) return out.ended;
      rest = rest.slice(Math.max(1, res.execs));
    }
    return undefined;
  }

  private async runInputs(
    inputs: Buffer[],
    meta: MetaOf,
    watch?: number[],
    afterRun?: (res: BatchResult) => void,
  ): Promise<RunOutcome> {
    // Every stage must respect -max_len (the executor refuses longer inputs): cut here, once.
    const max = this.opts.maxLen;
    if (inputs.some((i) => i.length > max)) {
      inputs = inputs.map((i) => (i.length > max ? i.subarray(0, max) : i));
    }
    const res = await this.batch(inputs, watch);
    afterRun?.(res);
    return this.absorb(res, (f) => inputs[f.index] ?? Buffer.alloc(0), meta, false);
  }

  private batch(inputs: Buffer[], watch?: number[]): Promise<BatchResult> {
    const opts = {
      feedback: true,
      stopOnFinding: this.opts.stopBatchOnFinding ?? true,
      ...(watch !== undefined ? { watch } : {}),
    };
    return this.call(() => this.exec.runBatch(inputs, opts));
  }

  /** Harvests the operands recent batches left, and refreshes the mutator's dictionary. */
  private harvestCmp(): void {
    if (this.cmp === undefined || this.now() - this.lastHarvest < HARVEST_EVERY_MS) return;
    this.lastHarvest = this.now();
    const { harvester, table } = this.cmp;
    let added = harvester.harvest(table());
    if (this.memcmp !== undefined) added += this.memcmp.harvester.harvest(this.memcmp.table());
    if (added > 0) this.dict = [...this.opts.dictionary, ...harvester.tokens.tokens()];
  }

  /** Takes a batch's results in: operands, counts, new corpus entries and findings. */
  private async absorb(
    res: BatchResult,
    inputOf: (f: BatchFinding) => Buffer,
    meta: MetaOf,
    seeding: boolean,
    parents?: readonly CorpusEntry[],
  ): Promise<RunOutcome> {
    this.harvestCmp();
    const before = this.execs;
    this.execs += res.execs;
    if (res.findings.some((f) => f.newCoverage)) {
      this.cov = res.covered ?? nonZeroBytes(this.exec.coverage());
    }
    // Events report the execution count at the input itself, as libFuzzer's status lines do.
    const statsAt = (index: number): LoopStats => ({ ...this.stats(), execs: before + index + 1 });
    const added: CorpusEntry[] = [];
    for (const f of res.findings) {
      const input = inputOf(f);
      if (f.kind === 'ok') {
        if (f.slow === true) this.events.onSlowUnit?.(input, f.execUs ?? f.durationUs);
        if (f.newCoverage || (seeding && this.corpus.size === 0)) {
          added.push(this.keep(input, f, meta?.(input)));
          this.lengths.progress(before + f.index + 1);
          this.events.onNew(input, statsAt(f.index));
        } else if (f.reducedParent !== undefined) {
          const replaced = this.reduce(parents?.[f.reducedParent], input, f);
          if (replaced !== undefined) this.events.onReduce?.(input, replaced, statsAt(f.index));
        }
        continue;
      }
      const keepGoing = await this.events.onFinding(input, f, statsAt(f.index));
      if (!keepGoing) return { ended: 'finding', added, execs: res.execs };
    }
    return { ended: undefined, added, execs: res.execs };
  }
}
