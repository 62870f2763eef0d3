// Output of the find bench: medians of time to first crash, ratios, the table and JSON lines.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Reduces runs ({target: {contender: [{found, seconds}]}}) to one result per target: each
 * contender's median (a miss counts as the timeout) and found count, and the two ratios the
 * issue asks for: ours / the better persistent peer, ours-fork / AFL++ fork server.
 */
export function summarize(runs, contenders, timeout) {
  return Object.entries(runs).map(([target, byName]) => {
    const stats = {};
    for (const c of contenders) {
      const list = byName[c.name];
      const times = list.map((r) => (r.found ? Math.min(r.seconds, timeout) : timeout));
      stats[c.name] = {
        median: median(times),
        found: list.filter((r) => r.found).length,
        runs: list.length,
        times,
      };
    }
    const best = (group) =>
      Math.min(
        ...contenders.filter((c) => c.group === group && !c.ours).map((c) => stats[c.name].median),
      );
    return {
      target,
      stats,
      ratios: {
        oursVsBestPersistent: stats.ours.median / best('persistent'),
        forkVsAflFork: stats['ours-fork'].median / best('fork'),
      },
    };
  });
}

const fmt = (s) => s.toFixed(1);

/** One JSON object per target and contender, then one per target with the ratios. */
export function formatJson(results, timeout) {
  const lines = [];
  for (const r of results) {
    for (const [contender, s] of Object.entries(r.stats)) {
      lines.push(
        JSON.stringify({
          bench: 'find',
          target: r.target,
          contender,
          unit: 's',
          median: Number(fmt(s.median)),
          found: s.found,
          runs: s.runs,
          timeout,
          times: s.times.map((t) => Number(fmt(t))),
        }),
      );
    }
    lines.push(
      JSON.stringify({
        bench: 'find',
        target: r.target,
        ratios: {
          oursVsBestPersistent: Number(r.ratios.oursVsBestPersistent.toFixed(2)),
          forkVsAflFork: Number(r.ratios.forkVsAflFork.toFixed(2)),
        },
      }),
    );
  }
  return lines.join('\n');
}

/** A plain-text table per target, then the ratios against what the issue requires. */
export function formatTable(results, { seeds, timeout }) {
  const header = ['target', 'contender', 'median s', 'found', 'per seed (s)'];
  const rows = [];
  for (const r of results) {
    for (const [name, s] of Object.entries(r.stats)) {
      rows.push([
        r.target,
        name,
        fmt(s.median),
        `${s.found}/${s.runs}`,
        s.times.map(fmt).join(' '),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const numeric = [false, false, true, true, false];
  const line = (cells) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const title =
    `find benchmark: time to first crash, median of ${seeds} seed(s); ` +
    `a miss counts as the ${timeout} s timeout`;
  const ratios = results.map(
    (r) =>
      `${r.target}: ours / best persistent peer = ${r.ratios.oursVsBestPersistent.toFixed(2)} ` +
      `(must be <= 1); ours-fork / aflpp-fork = ${r.ratios.forkVsAflFork.toFixed(2)} (must be <= 0.5)`,
  );
  return [title, '', line(header), rule, ...rows.map(line), '', ...ratios].join('\n');
}
