// Unit tests of the target environment composition.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/paths';
import {
  PROTOCOL_VERSION,
  SANITIZER_EXITCODE,
  targetEnv,
} from '../../../src/engine/exec/targetEnv';

test('fork-server switch and our sanitizer options are set', () => {
  const env = targetEnv({ base: { PATH: '/bin' }, mallocLimitMb: 512, forkServer: true });
  assert.equal(env.FUZZWB_FORKSERVER, String(PROTOCOL_VERSION));
  assert.equal(env.PATH, '/bin');
  assert.match(env.ASAN_OPTIONS ?? '', new RegExp(`exitcode=${SANITIZER_EXITCODE}`));
  assert.match(env.ASAN_OPTIONS ?? '', /max_allocation_size_mb=512/);
  assert.match(env.UBSAN_OPTIONS ?? '', /halt_on_error=1/);
});

test("the user's own options come last so they win", () => {
  const env = targetEnv({
    base: { ASAN_OPTIONS: 'detect_leaks=1' },
    mallocLimitMb: 0,
    forkServer: true,
  });
  const opts = env.ASAN_OPTIONS ?? '';
  assert.ok(opts.endsWith(':detect_leaks=1'));
  assert.ok(opts.indexOf('detect_leaks=0') < opts.indexOf('detect_leaks=1'));
  assert.doesNotMatch(opts, /max_allocation_size_mb/);
});

test('reproduce mode drops the fork-server switch; symbolizer is set unless the user set one', () => {
  const env = targetEnv({
    base: { FUZZWB_FORKSERVER: '1' },
    symbolizer: '/usr/bin/llvm-symbolizer-19',
    mallocLimitMb: 0,
    forkServer: false,
  });
  assert.equal(env.FUZZWB_FORKSERVER, undefined);
  assert.equal(env.ASAN_SYMBOLIZER_PATH, '/usr/bin/llvm-symbolizer-19');
  const mine = targetEnv({
    base: { ASAN_SYMBOLIZER_PATH: '/opt/sym' },
    symbolizer: '/usr/bin/x',
    mallocLimitMb: 0,
    forkServer: true,
  });
  assert.equal(mine.ASAN_SYMBOLIZER_PATH, '/opt/sym');
});

test('the constants match native/include/fuzzwb_shm.h, the protocol source of truth', () => {
  const header = readFileSync(join(repoRoot, 'native', 'include', 'fuzzwb_shm.h'), 'utf8');
  const define = (name: string): number =>
    Number(new RegExp(`#define ${name} (\\d+)u?`).exec(header)?.[1]);
  assert.equal(PROTOCOL_VERSION, define('FWB_PROTOCOL_VERSION'));
  assert.equal(SANITIZER_EXITCODE, define('FWB_SANITIZER_EXITCODE'));
});

test('sanitizer self-symbolization is on by default and can be turned off for fuzzing', () => {
  const on = targetEnv({ base: {}, mallocLimitMb: 0, forkServer: true });
  assert.match(on.ASAN_OPTIONS ?? '', /(^|:)symbolize=1(:|$)/);
  const off = targetEnv({ base: {}, mallocLimitMb: 0, forkServer: true, symbolize: false });
  for (const name of ['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'MSAN_OPTIONS']) {
    assert.match(off[name] ?? '', /(^|:)symbolize=0(:|$)/, name);
  }
});

test('LeakSanitizer is on only when asked, and checks at exit only outside the fork server', () => {
  const opt = (env: Record<string, string>, name: string): string[] =>
    (env[name] ?? '').split(':').filter((o) => /^(detect_leaks|leak_check_at_exit)=/.test(o));
  const off = targetEnv({ base: {}, mallocLimitMb: 0, forkServer: true });
  assert.deepEqual(opt(off, 'ASAN_OPTIONS'), ['detect_leaks=0', 'leak_check_at_exit=0']);
  const fuzzing = targetEnv({ base: {}, mallocLimitMb: 0, forkServer: true, detectLeaks: true });
  for (const name of ['ASAN_OPTIONS', 'LSAN_OPTIONS']) {
    assert.deepEqual(opt(fuzzing, name), ['detect_leaks=1', 'leak_check_at_exit=0'], name);
  }
  const plain = targetEnv({ base: {}, mallocLimitMb: 0, forkServer: false, detectLeaks: true });
  assert.deepEqual(opt(plain, 'ASAN_OPTIONS'), ['detect_leaks=1', 'leak_check_at_exit=1']);
});
