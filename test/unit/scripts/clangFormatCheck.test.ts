// Unit tests of scripts/clang-format-check.mjs: which files the native-format lint looks at.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../helpers/paths';

/** The helpers the script exports (it is plain JavaScript, so its shape is declared here). */
interface ClangFormatCheck {
  selectFormatTargets: (paths: string[]) => string[];
  parseArgs: (argv: string[]) => { fix: boolean };
}

const scriptUrl = pathToFileURL(join(repoRoot, 'scripts', 'clang-format-check.mjs'));

function load(): Promise<ClangFormatCheck> {
  return import(scriptUrl.href) as Promise<ClangFormatCheck>;
}

test('selects C and C++ sources under the formatted folders', async () => {
  const { selectFormatTargets } = await load();
  const cases: [string, boolean][] = [
    ['native/runtime/forkserver.c', true],
    ['native/addon/executor.cc', true],
    ['native/include/fuzzwb_shm.h', true],
    ['bench/exec/fork_loops.c', true],
    ['test/fixtures/overflow_fuzz.cpp', true],
    ['examples/device/device.h', true],
    ['examples/device/device.hpp', true],
    ['src/engine/main.ts', false],
    ['native/README.md', false],
    ['native/addon/binding.gyp', false],
    ['vendor/zlib/inflate.c', false],
    ['testdata/sample.c', false],
    ['node_modules/node-addon-api/napi.h', false],
  ];
  for (const [path, expected] of cases) {
    assert.equal(selectFormatTargets([path]).length === 1, expected, path);
  }
});

test('lists each file once, sorted', async () => {
  const { selectFormatTargets } = await load();
  const listed = ['native/b.c', 'examples/a.c', 'native/b.c', 'bench/z.h', 'src/x.c'];
  assert.deepEqual(selectFormatTargets(listed), ['bench/z.h', 'examples/a.c', 'native/b.c']);
});

test('accepts only --fix on the command line', async () => {
  const { parseArgs } = await load();
  assert.deepEqual(parseArgs([]), { fix: false });
  assert.deepEqual(parseArgs(['--fix']), { fix: true });
  assert.throws(() => parseArgs(['--check']), /unknown argument: --check/);
});
