// Builds test targets with the real compiler wrappers (bin/fuzzwb-cc) into a temporary directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fixture, repoRoot } from './paths';

let outDir: string | undefined;

/** A fresh directory per test process for build outputs. */
export function buildDir(): string {
  outDir ??= mkdtempSync(join(tmpdir(), 'fwb-it-'));
  return outDir;
}

export interface BuildOptions {
  /** FUZZWB_SANITIZERS for the wrapper: 'address' (default), 'none', ... */
  sanitizers?: string;
  /** Extra compiler arguments. */
  flags?: string[];
  /** Output name; defaults to the first source's base name plus the sanitizer. */
  name?: string;
  /** The folder under test/fixtures the sources are in; defaults to 'targets'. */
  dir?: string;
}

/** Builds test/fixtures/<dir>/<sources> with bin/fuzzwb-cc and returns the binary's path. */
export function buildFixtureTarget(sources: string[], opts: BuildOptions = {}): string {
  const san = opts.sanitizers ?? 'address';
  const out = join(
    buildDir(),
    opts.name ?? `${basename(sources[0] ?? 't', '.c')}-${san.replace(/,/g, '+')}`,
  );
  execFileSync(
    join(repoRoot, 'bin', 'fuzzwb-cc'),
    [
      '-O1',
      ...(opts.flags ?? []),
      ...sources.map((s) => fixture(opts.dir ?? 'targets', s)),
      '-o',
      out,
    ],
    { env: { ...process.env, FUZZWB_SANITIZERS: san }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return out;
}

let plainCount = 0;

/** Builds a fixture with plain clang-19 (no wrapper): `before` go ahead of the source, `after` behind it. */
export function buildPlain(source: string, before: string[] = [], after: string[] = []): string {
  const out = join(buildDir(), `${basename(source, '.c')}-plain-${plainCount++}`);
  execFileSync('clang-19', ['-O1', ...before, fixture('targets', source), ...after, '-o', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out;
}
