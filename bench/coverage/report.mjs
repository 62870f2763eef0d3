// Output of the coverage bench: lines and branches per fuzzer, ours against the best peer.

const pct = (t) => (t.count > 0 ? `${((100 * t.covered) / t.count).toFixed(1)}%` : 'n/a');

/** ours / the best peer, for lines and for branches. */
export function ratios(results) {
  const ours = results.find((r) => r.fuzzer === 'ours');
  const peers = results.filter((r) => r.fuzzer !== 'ours');
  const best = (key) => Math.max(...peers.map((p) => p[key].covered));
  return {
    lines: ours.lines.covered / best('lines'),
    branches: ours.branches.covered / best('branches'),
  };
}

/** One JSON object per fuzzer, then one with the ratios. */
export function formatJson(results, { time, seeds, target }) {
  const lines = results.map((r) =>
    JSON.stringify({
      bench: 'coverage',
      target: target === 'libpng' ? 'libpng_read_fuzzer' : target,
      fuzzer: r.fuzzer,
      time,
      seeds,
      ran_s: Number(r.ran.toFixed(1)),
      inputs: r.inputs,
      lines: r.lines,
      branches: r.branches,
      functions: r.functions,
    }),
  );
  const q = ratios(results);
  lines.push(
    JSON.stringify({
      bench: 'coverage',
      ratios: { lines: Number(q.lines.toFixed(3)), branches: Number(q.branches.toFixed(3)) },
    }),
  );
  return lines.join('\n');
}

/** A plain-text table: what the coverage build reached replaying each fuzzer's corpus. */
export function formatTable(results, { time, seeds, target }) {
  const header = ['fuzzer', 'ran s', 'inputs', 'lines', 'lines %', 'branches', 'branches %'];
  const rows = results.map((r) => [
    r.fuzzer,
    r.ran.toFixed(0),
    String(r.inputs),
    String(r.lines.covered),
    pct(r.lines),
    String(r.branches.covered),
    pct(r.branches),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const q = ratios(results);
  const what =
    target === 'libpng'
      ? 'libpng 1.6 (contrib/oss-fuzz/libpng_read_fuzzer)'
      : `${target} (fuzzer-test-suite harness, ../shared/real-targets)`;
  const title =
    `coverage benchmark: ${what}, ${time} s per fuzzer from ` +
    `${seeds === 'byte' ? 'a one-byte seed' : "libpng's PNG files"}; every corpus replayed on ` +
    'one clang source-coverage build (the library sources only)';
  return [
    title,
    '',
    line(header),
    rule,
    ...rows.map(line),
    '',
    `ours / best peer: lines ${q.lines.toFixed(2)}, branches ${q.branches.toFixed(2)}`,
  ].join('\n');
}
