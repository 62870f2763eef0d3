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
    // A ratio needs both of its sides; a run limited by --contenders may lack one.
    const best = (group) => {
      const peers = contenders.filter((c) => c.group === group && !c.ours);
      return peers.length > 0 ? Math.min(...peers.map((c) => stats[c.name].median)) : undefined;
    };
    const ratio = (ours, peer) =>
      stats[ours] !== undefined && peer !== undefined ? stats[ours].median / peer : undefined;
    return {
      target,
      stats,
      ratios: {
        oursVsBestPersistent: ratio('ours', best('persistent')),
        forkVsAflFork: ratio('ours-fork', best('fork')),
      },
    };
  });
}

const fmt = (s) => s.toFixed(1);
/** A ratio to 2 places; null when a side did not run. */
const rounded = (r) => (r === undefined ? null : Number(r.toFixed(2)));

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
          oursVsBestPersistent: rounded(r.ratios.oursVsBestPersistent),
          forkVsAflFork: rounded(r.ratios.forkVsAflFork),
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
  const ratios = results.map((r) => {
    const parts = [];
    const { oursVsBestPersistent: persistent, forkVsAflFork: fork } = r.ratios;
    if (persistent !== undefined) {
      parts.push(`ours / best persistent peer = ${persistent.toFixed(2)} (must be <= 1)`);
    }
    if (fork !== undefined)
      parts.push(`ours-fork / aflpp-fork = ${fork.toFixed(2)} (must be <= 0.5)`);
    return `${r.target}: ${parts.length > 0 ? parts.join('; ') : 'no ratio (a side did not run)'}`;
  });
  return [title, '', line(header), rule, ...rows.map(line), '', ...ratios].join('\n');
}
