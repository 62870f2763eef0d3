// Contender "ours": the engine's executor running the harness natively through repeat().

/** The same input the fork loops run. */
const INPUT = Buffer.from('FUZZ');

/** Each repeat() call aims at this share of a second, so the clock is read rarely but the
 * measurement still ends close to its deadline. */
const BATCH_SECONDS = 0.25;

/**
 * Runs target for about `seconds` after its fork server said HELLO and returns execs/s.
 * Start-up is excluded, as it is for AFL++ (its rate starts after the dry run).
 */
export async function measureOurs(engine, { target, persistent, seconds }) {
  // The engine's own start-up: binary checks, the target environment, the handshake.
  const { executor } = await engine.startExecutor({
    target,
    timeoutMs: 1000,
    // No RSS limit: AFL++ runs with -m none and the fork loops have none either.
    rssLimitMb: 0,
    persistent,
    outputLimit: 4096,
    // The harness is built with trace-cmp, and a fuzzing session records the operands.
    cmp: true,
    // Bound to a free core as `fuzzwb fuzz` binds it (AFL++ binds its instances too).
    ...(() => {
      const cpu = engine.pickFreeCpu();
      return cpu !== undefined ? { cpu } : {};
    })(),
  });
  try {
    let execs = 0;
    let count = 32;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round(seconds * 1e9));
    for (;;) {
      const res = await executor.repeat(INPUT, count);
      const bad = res.findings.find((f) => f.kind !== 'ok');
      if (bad) throw new Error(`ours: the harness ended with ${bad.kind} (${target})`);
      execs += res.execs;
      const now = process.hrtime.bigint();
      if (now >= deadline) return execs / (Number(now - start) / 1e9);
      const rate = execs / (Number(now - start) / 1e9);
      const left = Number(deadline - now) / 1e9;
      count = Math.max(1, Math.ceil(rate * Math.min(BATCH_SECONDS, left)));
    }
  } finally {
    await executor.stop();
  }
}
