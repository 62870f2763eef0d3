// Drives the real fuzzwb CLI from tests: run until a condition holds, then read its findings.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FindingRecord } from '../../src/engine/fuzz/artifacts';
import { repoRoot } from './paths';

export const fuzzwbBin = join(repoRoot, 'bin', 'fuzzwb');

/**
 * The JSON findings (crash-<sha1>.json, or of the other kinds asked for) in an artifact directory,
 * with `artifact` (stored as a name in that directory) made a path there, as the engine reads them.
 */
export function findings(dir: string, kinds: readonly string[] = ['crash']): FindingRecord[] {
  const name = new RegExp(`^(?:${kinds.join('|')})-[0-9a-f]{40}\\.json$`);
  return readdirSync(dir)
    .filter((n) => name.test(n))
    .map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')) as FindingRecord)
    .map((r) => ({ ...r, artifact: join(dir, r.artifact) }));
}

/** Runs the CLI until `done` says so (then SIGINT) or `limitMs` passes; returns its stderr. */
export function fuzzUntil(
  args: string[],
  done: (stderr: string) => boolean,
  limitMs: number,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(fuzzwbBin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      child.kill('SIGINT');
    };
    const timer = setTimeout(stop, limitMs);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => {
      stderr = (stderr + s).slice(-4_000_000);
      if (done(stderr)) stop();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Stops once `uniq: N` has shown, and `graceMs` more have passed with no higher count. */
export function afterUnique(n: number, graceMs: number): (stderr: string) => boolean {
  let reachedAt = 0;
  return (stderr) => {
    if (reachedAt === 0 && new RegExp(`uniq: ${n}\\b`).test(stderr)) reachedAt = Date.now();
    return reachedAt !== 0 && Date.now() - reachedAt > graceMs;
  };
}
