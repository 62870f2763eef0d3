// Output of the find bench: medians of time to first crash, ratios, the table and JSON lines.

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The median of the known values (null ones are runs whose log had no status line). */
function medianOf(values) {
  const known = values.filter((v) => v !== null);
  return known.length > 0 ? median(known) : null;
}

/** Ours' execs/s over libFuzzer's, both one core: how fast each runs inputs. */
function rateRatio(ours, peer) {
  if (ours?.execsPerSec == null || !peer?.execsPerSec) return undefined;
  return ours.execsPerSec / peer.execsPerSec;
}

/**
 * Reduces runs ({target: {contender: [{found, seconds}]}}) to one result per target: each
 * contender's median (a miss counts as the timeout) and found count, and the two ratios the
 * issue asks for: ours / the better persistent peer, ours-fork / AFL++ fork server.
 */
export function summarize(runs, allContenders, timeout) {
  return Object.entries(runs).map(([target, byName]) => {
    const stats = {};
    // A target may lack a contender's binary (run.mjs skips it): only those that ran count.
    const contenders = allContenders.filter((c) => byName[c.name] !== undefined);
    for (const c of contenders) {
      const list = byName[c.name];
      const times = list.map((r) => (r.found ? Math.min(r.seconds, timeout) : timeout));
      stats[c.name] = {
        median: median(times),
        found: list.filter((r) => r.found).length,
        runs: list.length,
        times,
        execsPerSec: medianOf(list.map((r) => (r.execs == null ? null : r.execs / r.seconds))),
        cov: medianOf(list.map((r) => r.cov ?? null)),
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
        execsVsLibfuzzer: rateRatio(stats.ours, stats.libfuzzer),
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
          execsPerSec: s.execsPerSec === null ? null : Math.round(s.execsPerSec),
          cov: s.cov,
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
          execsVsLibfuzzer: rounded(r.ratios.execsVsLibfuzzer),
        },
      }),
    );
  }
  return lines.join('\n');
}

/** A plain-text table per target, then the ratios against what the issue requires. */
export function formatTable(results, { seeds, timeout }) {
  const header = ['target', 'contender', 'median s', 'found', 'exec/s', 'cov', 'per seed (s)'];
  const orDash = (v) => (v === null ? '-' : String(Math.round(v)));
  const rows = [];
  for (const r of results) {
    for (const [name, s] of Object.entries(r.stats)) {
      rows.push([
        r.target,
        name,
        fmt(s.median),
        `${s.found}/${s.runs}`,
        orDash(s.execsPerSec),
        orDash(s.cov),
        s.times.map(fmt).join(' '),
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const numeric = [false, false, true, true, true, true, false];
  const line = (cells) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const title =
    `find benchmark: time to first crash, median of ${seeds} seed(s); ` +
    `a miss counts as the ${timeout} s timeout; exec/s and cov (sancov edges; none for ` +
    'AFL++) at the end of the run';
  const ratios = results.map((r) => {
    const parts = [];
    const { oursVsBestPersistent: persistent, forkVsAflFork: fork, execsVsLibfuzzer } = r.ratios;
    if (persistent !== undefined) {
      parts.push(`ours / best persistent peer = ${persistent.toFixed(2)} (must be <= 1)`);
    }
    if (fork !== undefined)
      parts.push(`ours-fork / aflpp-fork = ${fork.toFixed(2)} (must be <= 0.5)`);
    if (execsVsLibfuzzer !== undefined) {
      parts.push(`exec/s ours / libfuzzer = ${execsVsLibfuzzer.toFixed(2)} (must be >= 1)`);
    }
    return `${r.target}: ${parts.length > 0 ? parts.join('; ') : 'no ratio (a side did not run)'}`;
  });
  return [title, '', line(header), rule, ...rows.map(line), '', ...ratios].join('\n');
}
