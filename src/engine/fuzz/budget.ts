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
}

export const DEFAULT_BUDGET: BudgetOptions = { halfLifeMs: 30_000, priorFinds: 1, priorMs: 200 };

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
 * (decayed, with a prior); its share of the time is its rate over all the rates, but at least its
 * floor. The next stage to run is the one furthest below its share of the recent time, among
 * those that have work: so a stage that finds more gets more, a stage that stops finding fades
 * to its floor, and the time always adds up. Pure: the loop measures and charges.
 */
export class BudgetPolicy {
  private readonly accounts = new Map<string, Account>();
  private clock = 0;

  constructor(
    stages: readonly StageShare[],
    private readonly opts: BudgetOptions = DEFAULT_BUDGET,
  ) {
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

  /** The share of the time each stage should get now, among `available` (sums to 1). */
  shares(available: readonly string[]): Map<string, number> {
    const rates = new Map<string, number>();
    let sum = 0;
    for (const name of available) {
      const a = this.accounts.get(name);
      if (a === undefined) continue;
      const rate = (a.finds + this.opts.priorFinds) / (a.ms + this.opts.priorMs);
      rates.set(name, rate);
      sum += rate;
    }
    const out = new Map<string, number>();
    let floors = 0;
    for (const name of rates.keys()) floors += this.accounts.get(name)?.floor ?? 0;
    // The floors are set aside first; the rest is split by rate.
    const free = Math.max(0, 1 - floors);
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
