// Crash minimization, libFuzzer -minimize_crash style: drop chunks, then bytes, then simplify bytes.

export interface MinimizeLimits {
  /** Largest number of executions (0 = no limit). */
  maxRuns: number;
  /** Wall-time budget in milliseconds (0 = no limit). */
  maxTimeMs: number;
  now?: () => number;
}

export interface MinimizeResult {
  input: Buffer;
  runs: number;
  /** True when a limit stopped the search before it ran out of candidates. */
  limited: boolean;
}

/** Says whether a candidate still crashes with the original crash state. */
export type StillCrashes = (candidate: Buffer) => Promise<boolean>;

class Budget {
  runs = 0;
  private readonly start: number;
  private readonly now: () => number;

  constructor(private readonly limits: MinimizeLimits) {
    this.now = limits.now ?? (() => performance.now());
    this.start = this.now();
  }

  spent(): boolean {
    if (this.limits.maxRuns > 0 && this.runs >= this.limits.maxRuns) return true;
    return this.limits.maxTimeMs > 0 && this.now() - this.start >= this.limits.maxTimeMs;
  }
}

/** Tries removing every chunk of each size from half the input down to one byte. */
async function removeChunks(input: Buffer, test: StillCrashes, budget: Budget): Promise<Buffer> {
  let best = input;
  for (let chunk = Math.max(1, best.length >> 1); chunk >= 1; chunk >>= 1) {
    let at = 0;
    while (at < best.length) {
      if (budget.spent()) return best;
      const candidate = Buffer.concat([best.subarray(0, at), best.subarray(at + chunk)]);
      budget.runs++;
      if (candidate.length < best.length && (await test(candidate))) best = candidate;
      else at += chunk;
    }
  }
  return best;
}

/** Replaces bytes by simpler ones (0, then ASCII '0'), keeping each change that still crashes. */
async function simplifyBytes(input: Buffer, test: StillCrashes, budget: Budget): Promise<Buffer> {
  const best = Buffer.from(input);
  for (let i = 0; i < best.length; i++) {
    for (const simpler of [0x00, 0x30]) {
      const old = best[i] ?? 0;
      if (old <= simpler) break;
      if (budget.spent()) return best;
      best[i] = simpler;
      budget.runs++;
      if (await test(Buffer.from(best))) break;
      best[i] = old;
    }
  }
  return best;
}

/** Shrinks `input` while `test` holds, until nothing changes or a limit is reached. */
export async function minimizeCrash(
  input: Buffer,
  test: StillCrashes,
  limits: MinimizeLimits,
): Promise<MinimizeResult> {
  const budget = new Budget(limits);
  let best = input;
  for (;;) {
    const before = best;
    best = await removeChunks(best, test, budget);
    best = await simplifyBytes(best, test, budget);
    if (budget.spent()) return { input: best, runs: budget.runs, limited: true };
    if (best.equals(before)) return { input: best, runs: budget.runs, limited: false };
  }
}
