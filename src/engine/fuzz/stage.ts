// What a stage of the fuzzing loop is, and what the loop gives it: runs, operand tables, corpus.
import type { CorpusEntry, EntryMeta } from './corpusEntry';
import type { LoopEnd } from './loop';
import type { Rng } from './rng';

/** Every stage, in the order `-stages=` and the help list them. */
export const STAGE_NAMES = [
  'havoc',
  'i2s',
  'colorize',
  'chain',
  'fixups',
  'records',
  'probe',
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** How much one run of a stage may take. */
export interface StageBudget {
  /** Wall time it should stay near (a stage that runs one entry's variants may take longer). */
  ms: number;
  /** Executions left before -runs is reached (Infinity without a limit). */
  runs: number;
}

/** What running some inputs gave: the end that stops the loop, if any, and the entries kept. */
export interface RunOutcome {
  ended: LoopEnd | undefined;
  added: CorpusEntry[];
  execs: number;
}

/** What a stage may ask of the loop. */
export interface StageContext {
  readonly rng: Rng;
  readonly maxLen: number;
  /**
   * Runs `inputs` as one batch; each that reaches new coverage becomes an entry with what `meta`
   * says of it (a stage's own knowledge of the input it made), found by the running stage.
   */
  run(
    inputs: Buffer[],
    meta?: (input: Buffer) => Partial<EntryMeta> | undefined,
  ): Promise<RunOutcome>;
  /**
   * Runs `inputs` as one batch and returns, for each input that ran, the cmp slots `slots` as it
   * left them (BatchResult.watched); undefined when the executor cannot watch slots.
   */
  runWatched(
    inputs: Buffer[],
    slots: number[],
    meta?: (input: Buffer) => Partial<EntryMeta> | undefined,
  ): Promise<{ ended: LoopEnd | undefined; watched: Buffer | undefined }>;
  /**
   * `count` mutants of `parents` that the target makes and runs itself (with the loop's tokens,
   * length limit and a seed of its random source), taken in as run() takes a batch; a shorter
   * mutant that holds all a parent alone held replaces it (-reduce_inputs). Undefined when the
   * executor cannot (test doubles).
   */
  runMutants: ((parents: CorpusEntry[], count: number) => Promise<RunOutcome>) | undefined;
  /** `n` havoc mutants of `parent` (the target's own mutator), crossed with other entries. */
  mutants(parent: Buffer, n: number): Buffer[];
  /** The live integer and string operand tables of the executor the batches run on. */
  table(): Buffer;
  memcmpTable: (() => Buffer) | undefined;
  /** Asks the target to record compares of equal operands too (see recordEqualCompares). */
  recordEqual: ((on: boolean) => void) | undefined;
  /** Parents by the scheduler's weights; the corpus in order; dictionary tokens. */
  pick(): CorpusEntry;
  entries(): readonly CorpusEntry[];
  tokens(): readonly Buffer[];
  /** A mutant of `parent` may grow this long (libFuzzer's -len_control). */
  lenLimitFor(parent: Buffer): number;
  /** Whether the loop must end (a limit, or stop()). */
  stopped(): boolean;
  /** At most this many of n runs are left. */
  budgetRuns(n: number): number;
  /** Whether the executors can run a chain's links at a fork's cost (fork mode). */
  readonly forkPerInput: boolean;
}

/** How a stage's run ended: the end that stops the loop (a finding, a limit), or undefined. */
export type StageOutcome = LoopEnd | undefined;

/**
 * One stage: `ready` says whether it has work now, `next` which entry it takes, `run` works on
 * that entry within the budget. What the run found (entries kept, new edges) the loop measures
 * itself, for the budget policy. A stage never names a target.
 */
export interface Stage {
  readonly name: StageName;
  /** Least share of the time it gets while it has work (see BudgetPolicy). */
  readonly floor: number;
  /** Told of every entry the loop keeps, in order (per-entry stages queue the ones they want). */
  offer?(entry: CorpusEntry): void;
  ready(ctx: StageContext): boolean;
  next(ctx: StageContext): CorpusEntry | undefined;
  run(entry: CorpusEntry, budget: StageBudget, ctx: StageContext): Promise<StageOutcome>;
}

/** Entries a per-entry stage keeps waiting; past this the oldest are left out. */
const QUEUE_LIMIT = 1024;

/**
 * The entries a per-entry stage has yet to run on, newest first: the frontier of the corpus is
 * where the next discovery is most likely, and when entries come faster than the stage can take
 * them the old ones are the ones to leave.
 */
export class EntryQueue {
  private readonly waiting: CorpusEntry[] = [];

  push(entry: CorpusEntry): void {
    this.waiting.push(entry);
    if (this.waiting.length > QUEUE_LIMIT) this.waiting.shift();
  }

  /** Whether an entry not yet done by `stage` waits (the done ones on top are dropped). */
  has(stage: string): boolean {
    for (;;) {
      const e = this.waiting[this.waiting.length - 1];
      if (e === undefined) return false;
      if (!e.done.has(stage)) return true;
      this.waiting.pop();
    }
  }

  /** The newest entry not yet done by `stage`, taken off the queue. */
  take(stage: string): CorpusEntry | undefined {
    return this.has(stage) ? this.waiting.pop() : undefined;
  }

  get size(): number {
    return this.waiting.length;
  }
}

/** Parses `-stages=`: a comma-separated list of stage names, `all`, or `-name` to drop one. */
export function parseStages(text: string): Set<StageName> | string {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  // A list that starts by dropping a stage drops it from all of them.
  const out = new Set<StageName>(words[0]?.startsWith('-') !== false ? STAGE_NAMES : []);
  for (const w of words) {
    const drop = w.startsWith('-');
    const name = drop ? w.slice(1) : w;
    const named = name === 'all' ? STAGE_NAMES : STAGE_NAMES.filter((n) => n === name);
    if (named.length === 0) return `unknown stage "${name}" (stages: ${STAGE_NAMES.join(', ')})`;
    for (const n of named) {
      if (drop) out.delete(n);
      else out.add(n);
    }
  }
  if (!out.has('havoc')) return 'the havoc stage cannot be turned off: every other stage needs it';
  return out;
}
