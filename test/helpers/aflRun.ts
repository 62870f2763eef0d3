// Real AFL++ output for import tests: Debian's afl-fuzz on test/fixtures/import/two_bugs.c.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture } from './paths';

/** The fixture: the first input byte picks the bug ('A' overflow, 'B' use after free). */
export const twoBugsSource = fixture('import', 'two_bugs.c');

/** AFL++'s crash files in `dir`, grouped by the byte that picks the fixture's bug. */
export function crashesByBug(dir: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  if (!existsSync(dir)) return groups;
  for (const name of readdirSync(dir).filter((n) => n.startsWith('id:'))) {
    const bug = String.fromCharCode(readFileSync(join(dir, name))[0] ?? 0);
    groups.set(bug, [...(groups.get(bug) ?? []), name]);
  }
  return groups;
}

/** Builds `source` as AFL++ would for a libFuzzer harness: afl-clang-fast, ASan, its driver. */
export function buildAflTarget(source: string, out: string): void {
  const r = spawnSync(
    'afl-clang-fast',
    ['-O1', '-g', source, '/usr/lib/afl/libAFLDriver.a', '-o', out],
    {
      env: { ...process.env, AFL_USE_ASAN: '1', AFL_QUIET: '1' },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`afl-clang-fast failed (${String(r.status)}): ${r.stderr}`);
}

/**
 * Runs afl-fuzz on `binary` from one seed until `enough` holds for the crashes saved so far, or
 * `limitSec` passes. Returns the output folder (`-o`); its crashes are in `default/crashes`.
 */
export async function runAfl(
  work: string,
  binary: string,
  enough: (groups: Map<string, string[]>) => boolean,
  limitSec = 60,
): Promise<string> {
  const input = join(work, 'in');
  mkdirSync(input, { recursive: true });
  writeFileSync(join(input, 'seed'), 'Z0');
  const out = join(work, 'afl-out');
  const crashes = join(out, 'default', 'crashes');
  const args = ['-m', 'none', '-V', String(limitSec), '-i', input, '-o', out, '--', binary];
  const afl = spawn('afl-fuzz', args, {
    env: {
      ...process.env,
      AFL_SKIP_CPUFREQ: '1',
      AFL_NO_AFFINITY: '1',
      AFL_NO_UI: '1',
      AFL_FAST_CAL: '1',
      AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  afl.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => afl.on('exit', () => resolve()));
  const poll = setInterval(() => {
    if (enough(crashesByBug(crashes))) afl.kill('SIGINT');
  }, 250);
  await exited;
  clearInterval(poll);
  if (!existsSync(crashes)) throw new Error(`afl-fuzz made no crash folder:\n${stderr}`);
  return out;
}

export interface TwoBugsAflRun {
  /** afl-fuzz's output folder (what a user would import). */
  out: string;
  /** How many crashes AFL++ saved of each bug. */
  a: number;
  b: number;
}

/** Two or more crashes of bug A and one or more of bug B, saved by a real afl-fuzz run. */
export async function twoBugsAflRun(
  work = mkdtempSync(join(tmpdir(), 'fwb-afl-')),
): Promise<TwoBugsAflRun> {
  const binary = join(work, 'two_bugs-afl');
  buildAflTarget(twoBugsSource, binary);
  const out = await runAfl(
    work,
    binary,
    (g) => (g.get('A')?.length ?? 0) >= 2 && (g.get('B')?.length ?? 0) >= 1,
  );
  const groups = crashesByBug(join(out, 'default', 'crashes'));
  return { out, a: groups.get('A')?.length ?? 0, b: groups.get('B')?.length ?? 0 };
}
