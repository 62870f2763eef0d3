// Output of the exec benchmark: medians, the readable table, and one JSON object per config.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Reduces per-round samples ({config: {contender: [rate...]}}) to rounded medians. */
export function summarize(configs, samples) {
  return configs.map((config) => {
    const rates = samples[config.name];
    const baselines = {};
    for (const name of config.baselines) baselines[name] = Math.round(median(rates[name]));
    return {
      config: config.name,
      ours: Math.round(median(rates.ours)),
      baselines,
      rounds: rates,
    };
  });
}

/** One JSON object a line, in the fixed shape the benchmark's consumers read. */
export function formatJson(results) {
  return results
    .map(({ config, ours, baselines }) =>
      JSON.stringify({ bench: 'exec', config, unit: 'execs/s', ours, baselines }),
    )
    .join('\n');
}

const ratio = (ours, base) => (base > 0 ? `${(ours / base).toFixed(2)}x` : 'n/a');
const perRound = (rates) => rates.map((r) => Math.round(r)).join(' ');

/** A plain-text table: median execs/s per contender, ours divided by it, and each round. */
export function formatTable(results, { seconds, rounds }) {
  const header = ['config', 'contender', 'execs/s', 'ours/it', 'rounds'];
  const rows = [];
  for (const r of results) {
    rows.push([r.config, 'ours', String(r.ours), '', perRound(r.rounds.ours)]);
    for (const [name, rate] of Object.entries(r.baselines)) {
      rows.push([r.config, name, String(rate), ratio(r.ours, rate), perRound(r.rounds[name])]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  // Numbers are right-aligned so their magnitudes line up.
  const numeric = [false, false, true, true, false];
  const line = (cells) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const title = `exec benchmark: medians of ${rounds} round(s) of ~${seconds} s per contender`;
  return [title, '', line(header), rule, ...rows.map(line)].join('\n');
}
