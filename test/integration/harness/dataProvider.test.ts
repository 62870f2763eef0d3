// <fuzzwb/data_provider.h>: its C checks pass under ASan+UBSan (clang) and gcc, and as C++.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildDir } from '../../helpers/build';
import { fixture, repoRoot } from '../../helpers/paths';

const include = join(repoRoot, 'native', 'include');
const checks = fixture('harness', 'data_provider_test.c');

const compilers: [string, string[]][] = [
  ['clang-19', ['-std=c99', '-fsanitize=address,undefined', '-fno-sanitize-recover=all']],
  ['gcc', ['-std=c99']],
  ['clang++-19', ['-x', 'c++', '-std=c++17', '-fsanitize=address,undefined']],
];

for (const [cc, flags] of compilers) {
  test(`data provider checks pass (${cc})`, () => {
    const out = join(buildDir(), `dp-${cc}`);
    execFileSync(cc, ['-Wall', '-Wextra', '-Werror', ...flags, `-I${include}`, checks, '-o', out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const r = spawnSync(out, [], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /all checks passed/);
  });
}
