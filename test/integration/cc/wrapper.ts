// Shared steps of the fuzzwb-cc integration tests: run the wrappers, inspect and run what they built.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, repoRoot } from '../../helpers/paths';

export const fuzzwbCc = join(repoRoot, 'bin', 'fuzzwb-cc');
export const fuzzwbCxx = join(repoRoot, 'bin', 'fuzzwb-c++');
const bundle = join(repoRoot, 'out', 'fuzzwb-cc.js');
const runtime = join(repoRoot, 'out', 'native', 'libfuzzwb_rt.a');

/** Fails the suite with one line when the build the wrappers need has not run. */
export function requireBuilt(): void {
  for (const file of [bundle, runtime]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  }
}

/** A fresh directory holding a copy of test/fixtures/cc, so builds never write to the source tree. */
export function freshFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-cc-'));
  cpSync(fixture('cc'), join(dir, 'cc'), { recursive: true });
  return join(dir, 'cc');
}

/** The environment without any FUZZWB_ setting of the caller, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('FUZZWB_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command that must succeed; on failure the assertion shows its output. */
export function mustRun(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? cleanEnv(),
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(
    result.status,
    0,
    `${command} ${args.join(' ')} failed (${result.error?.message ?? `status ${result.status}`}):\n` +
      `${result.stdout}\n${result.stderr}`,
  );
  return result;
}

function symbolNames(nmArgs: string[]): Set<string> {
  const out = mustRun('llvm-nm-19', nmArgs).stdout;
  return new Set(out.split('\n').map((line) => line.trim().split(/\s+/).pop() ?? ''));
}

/** Names the binary defines in its dynamic symbol table: what dlopen'ed libraries can bind to. */
export function definedDynamicSymbols(binary: string): Set<string> {
  return symbolNames(['-D', '--defined-only', binary]);
}

/** Every name the binary defines, static symbol table included. */
export function definedSymbols(binary: string): Set<string> {
  return symbolNames(['--defined-only', binary]);
}

/** Undefined symbols of an object file: what its instrumentation calls. */
export function undefinedSymbols(object: string): Set<string> {
  return symbolNames(['--undefined-only', object]);
}

export function hasRuntimeMarker(binary: string): boolean {
  return readFileSync(binary).includes('FUZZWB_RUNTIME_MARKER_v1');
}

/** Runs the target in reproduce mode on one input (outside the engine: no fork server). */
export function reproduce(binary: string, dir: string, name: string, input: string | Buffer) {
  const file = join(dir, name);
  writeFileSync(file, input);
  return spawnSync(binary, [file], {
    env: cleanEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** Asserts the target accepts `ok` and reports `crash` through AddressSanitizer. */
export function assertReproduces(
  binary: string,
  dir: string,
  ok: string | Buffer,
  crash: string | Buffer,
  report = /ERROR: AddressSanitizer: heap-buffer-overflow/,
): void {
  const good = reproduce(binary, dir, 'ok-input', ok);
  assert.equal(good.status, 0, `the ok input failed:\n${good.stderr}`);
  const bad = reproduce(binary, dir, 'crash-input', crash);
  assert.notEqual(bad.status, 0, 'the crash input exited 0');
  assert.match(bad.stderr, report);
}

/** Parser inputs: a well-formed record and one whose length byte runs past the data. */
export const PARSER_OK = Buffer.from('FZ\x03a,b', 'latin1');
export const PARSER_CRASH = Buffer.from('FZ\xff', 'latin1');
