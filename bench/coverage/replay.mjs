// Replays corpora through the coverage build and reads lines and branches from llvm-cov.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../lib/buildTools.mjs';

/** Files per replay process: few processes, and a crash loses little before the fallback. */
const BATCH = 400;

/** Regular files directly in each of `dirs` (corpora are flat directories). */
export function listInputs(dirs) {
  const files = [];
  for (const dir of dirs) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isFile()) files.push(path);
    }
  }
  return files;
}

function replayBatch(binary, files, profDir) {
  const env = { ...process.env, LLVM_PROFILE_FILE: join(profDir, '%p.profraw') };
  const res = spawnSync(binary, files, { env, stdio: 'ignore', timeout: 600_000 });
  return res.status === 0;
}

/**
 * Runs every file once in the coverage build and returns llvm-cov's totals for the library's own
 * sources (files matching `ignore`, the harness and the driver, are left out): {lines, branches, functions}, each
 * {covered, count}. A batch that dies (the coverage build has no sanitizer, but a bug can still
 * crash it) is replayed one file per process, so the others in it still count.
 */
export function measureCoverage({ binary, files, workDir, ignore }) {
  const profDir = join(workDir, 'profraw');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(profDir, { recursive: true });
  let crashed = 0;
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH);
    if (replayBatch(binary, batch, profDir)) continue;
    for (const f of batch) if (!replayBatch(binary, [f], profDir)) crashed++;
  }
  const profdata = join(workDir, 'merged.profdata');
  const raws = readdirSync(profDir).map((n) => join(profDir, n));
  run('llvm-profdata-19', ['merge', '-sparse', '-o', profdata, ...raws]);
  const json = run('llvm-cov-19', [
    'export',
    '-summary-only',
    `-instr-profile=${profdata}`,
    `-ignore-filename-regex=${ignore}`,
    binary,
  ]);
  const totals = JSON.parse(json).data[0].totals;
  const pick = (t) => ({ covered: t.covered, count: t.count });
  return {
    lines: pick(totals.lines),
    branches: pick(totals.branches),
    functions: pick(totals.functions),
    inputs: files.length,
    crashed,
  };
}
