// Bad targets end with one clear line and a non-zero exit, never a hang: through the real CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDir, buildPlain } from '../../helpers/build';
import { repoRoot } from '../../helpers/paths';

const fuzzwb = join(repoRoot, 'bin', 'fuzzwb');

function runCli(args: string[], timeoutMs = 30_000) {
  const input = join(buildDir(), 'input-ok');
  writeFileSync(input, 'o');
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [fuzzwb, 'run', ...args, input], {
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { ...r, ms: Date.now() - t0 };
}

function oneErrorLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line, got:\n${stderr}`);
  return lines[0] ?? '';
}

test('a missing file', () => {
  const r = runCli([join(buildDir(), 'does-not-exist')]);
  assert.equal(r.status, 1);
  assert.match(oneErrorLine(r.stderr), /^fuzzwb: target not found: /);
});

test('a binary built without the runtime', () => {
  // A libFuzzer binary is the usual mistake: a real fuzz target, but not linked with our runtime.
  const r = runCli([buildPlain('behaviours.c', ['-g', '-fsanitize=fuzzer'])]);
  assert.equal(r.status, 1);
  assert.match(oneErrorLine(r.stderr), /not linked with the fuzzwb runtime/);
});

test('a binary with the runtime but no coverage instrumentation', () => {
  const target = buildPlain(
    'behaviours.c',
    [],
    [join(repoRoot, 'out', 'native', 'libfuzzwb_rt.a')],
  );
  const r = runCli([target]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(oneErrorLine(r.stderr), /no coverage instrumentation/);
});

test('a broken handshake: the target never says hello', () => {
  const target = buildPlain('no_hello.c');
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [fuzzwb, 'fuzz', target, '-runs=1', '-startup_timeout_ms=1500'],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[lines.length - 1] ?? '', /^fuzzwb: .*fork server/);
  assert.ok(Date.now() - t0 < 15_000, 'gave up at the start-up timeout');
});

test('a target that exits before the handshake', () => {
  const target = buildPlain('exits_early.c');
  const r = runCli([target]);
  assert.equal(r.status, 1, r.stderr);
  const line = oneErrorLine(r.stderr);
  assert.match(line, /exit/);
  assert.ok(r.ms < 20_000);
});
