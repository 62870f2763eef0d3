// The one budget policy of the loop: each stage's share of the time follows what it recently found.

/** How a stage is weighed. */
export interface StageShare {
  name: string;
  /** Least share of the time it gets while it has work, found something or not. */
  floor: number;
}

export interface BudgetOptions {
  /** Time after which what a stage found or spent counts half (ms of loop time). */
  halfLifeMs: number;
  /**
   * What a stage is assumed to have found before it ran: `priorFinds` per `priorMs`. It keeps an
   * untried stage from looking worthless and a lucky first run from looking like a trend.
   */
  priorFinds: number;
  priorMs: number;
  /**
   * Time of its own after which a stage's assumed finds count half: a stage is tried in earnest
   * for a few seconds, then only what it found speaks for it.
   */
  exploreMs: number;
  /**
   * The power rates are raised to before the free time is split by them. At 1 the split is in
   * proportion to the rates (probability matching), which on a real library gave the stages
   * that found least per second 60% of the time, and so the loop ran at half havoc's exec/s for
   * fewer new edges. Higher gives the best stages most of it, while a stage that finds more
   * than the others still takes over (the toys' compare stages).
   */
  focus: number;
}

export const DEFAULT_BUDGET: BudgetOptions = {
  halfLifeMs: 30_000,
  priorFinds: 1,
  priorMs: 200,
  exploreMs: 500,
  focus: 3,
};

interface Account {
  floor: number;
  /** Time spent and things found, decayed: recent work counts most. */
  ms: number;
  finds: number;
  /** Time spent in all, not decayed (stats). */
  totalMs: number;
  totalFinds: number;
  runs: number;
  execs: number;
}

/** What one stage got and found, for stat:: lines and the ablation bench. */
export interface StageReport {
  name: string;
  share: number;
  totalMs: number;
  finds: number;
  /** Times it ran, and executions in all. */
  runs: number;
  execs: number;
}

/**
 * A bandit over the stages. Each stage's rate is what it found per millisecond recently
 * (decayed), plus a prior that fades as the stage spends time of its own; the floors are the
 * exploration that stays, every stage with work gets at least its own, and the rest of the time
 * is split by rate (raised to `focus`, so the best stages get most of it). The prior must fade:
 * a prior that stayed would keep every stage that finds nothing near the rate of a saturated
 * loop's havoc (a few finds a minute on a real library), and so split the time evenly among
 * stages that all find nothing, each run of them dearer than a havoc batch. Only the first
 * stage's prior stays (havoc: libFuzzer's whole loop, the cheapest executions), so when nothing
 * finds anything lately, the rest goes there. The next stage to run is the one furthest below its
 * share of the recent time, among those that have work, so the time always adds up. Pure: the
 * loop measures and charges.
 */
export class BudgetPolicy {
  private readonly accounts = new Map<string, Account>();
  private clock = 0;

  /** The first stage (havoc): its prior never fades, so it gets the time nobody else earns. */
  private readonly lasting: string | undefined;

  constructor(
    stages: readonly StageShare[],
    private readonly opts: BudgetOptions = DEFAULT_BUDGET,
  ) {
    this.lasting = stages[0]?.name;
    const floors = stages.reduce((sum, s) => sum + s.floor, 0);
    if (floors > 1) throw new Error(`stage floors add up to ${floors}, more than the whole time`);
    for (const s of stages) {
      this.accounts.set(s.name, {
        floor: s.floor,
        ms: 0,
        finds: 0,
        totalMs: 0,
        totalFinds: 0,
        runs: 0,
        execs: 0,
      });
    }
  }

  /** Records that `name` ran for `ms` and `execs` executions and found `finds` (entries, edges). */
  charge(name: string, ms: number, finds: number, execs = 0): void {
    const a = this.accounts.get(name);
    if (a === undefined) throw new Error(`unknown stage ${name}`);
    const spent = Math.max(ms, 0);
    this.decay(spent);
    a.ms += spent;
    a.finds += finds;
    a.totalMs += spent;
    a.totalFinds += finds;
    a.runs++;
    a.execs += execs;
  }

  /** Every account loses weight as loop time passes, at the half-life's rate. */
  private decay(ms: number): void {
    this.clock += ms;
    const keep = Math.pow(0.5, ms / this.opts.halfLifeMs);
    for (const a of this.accounts.values()) {
      a.ms *= keep;
      a.finds *= keep;
    }
  }

  /**
   * The share of the time each stage should get now, among `available` (sums to 1). The rest
   * after the floors goes by rate (evenly if every rate is 0, which only priorFinds 0 allows).
   */
  shares(available: readonly string[]): Map<string, number> {
    const rates = new Map<string, number>();
    let sum = 0;
    let floors = 0;
    for (const name of available) {
      const a = this.accounts.get(name);
      if (a === undefined) continue;
      // The first stage's prior stays: it is the default when no other finds anything.
      const fade = name === this.lasting ? 1 : Math.pow(0.5, a.totalMs / this.opts.exploreMs);
      const prior = this.opts.priorFinds * fade;
      const rate = Math.pow((a.finds + prior) / (a.ms + this.opts.priorMs), this.opts.focus);
      rates.set(name, rate);
      sum += rate;
      floors += a.floor;
    }
    const free = Math.max(0, 1 - floors);
    const out = new Map<string, number>();
    for (const [name, rate] of rates) {
      const floor = this.accounts.get(name)?.floor ?? 0;
      out.set(name, floor + (sum > 0 ? (free * rate) / sum : free / rates.size));
    }
    return out;
  }

  /** The stage to run next among `available` (which must not be empty). */
  next(available: readonly string[]): string {
    const shares = this.shares(available);
    let spent = 0;
    for (const name of shares.keys()) spent += this.accounts.get(name)?.ms ?? 0;
    let best: string | undefined;
    let bestDeficit = -Infinity;
    for (const [name, share] of shares) {
      const deficit = share * spent - (this.accounts.get(name)?.ms ?? 0);
      if (deficit > bestDeficit) {
        best = name;
        bestDeficit = deficit;
      }
    }
    if (best === undefined) throw new Error('no stage has work');
    return best;
  }

  /** Every stage's share now (among all), time and finds: the end-of-run stat:: lines. */
  report(): StageReport[] {
    const shares = this.shares([...this.accounts.keys()]);
    return [...this.accounts].map(([name, a]) => ({
      name,
      share: shares.get(name) ?? 0,
      totalMs: a.totalMs,
      finds: a.totalFinds,
      runs: a.runs,
      execs: a.execs,
    }));
  }
}

/** The stage reports of several loops (workers) as one: times and finds add up, shares average. */
export function sumStageReports(reports: readonly (readonly StageReport[])[]): StageReport[] {
  const out = new Map<string, StageReport>();
  const loops = reports.filter((r) => r.length > 0).length;
  for (const list of reports) {
    for (const r of list) {
      const o = out.get(r.name) ?? {
        name: r.name,
        share: 0,
        totalMs: 0,
        finds: 0,
        runs: 0,
        execs: 0,
      };
      o.share += r.share / Math.max(1, loops);
      o.totalMs += r.totalMs;
      o.finds += r.finds;
      o.runs += r.runs;
      o.execs += r.execs;
      out.set(r.name, o);
    }
  }
  return [...out.values()];
}
