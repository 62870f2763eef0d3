// Tests of finding the real compiler: preference order, overrides, clang/gcc detection.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WrapperError } from '../../../src/engine/cc/options';
import { kindFromName, resolveToolchain } from '../../../src/engine/cc/toolchain';

describe('kindFromName', () => {
  const table: [string, 'clang' | 'gcc' | null][] = [
    ['/usr/bin/clang-19', 'clang'],
    ['clang++', 'clang'],
    ['/usr/lib/llvm-19/bin/clang', 'clang'],
    ['gcc', 'gcc'],
    ['g++-12', 'gcc'],
    ['x86_64-linux-gnu-gcc-12', 'gcc'],
    ['/usr/bin/cc', null],
    ['c++', null],
  ];
  for (const [name, kind] of table) {
    test(`${name} -> ${String(kind)}`, () => assert.equal(kindFromName(name), kind));
  }
});

describe('resolveToolchain', () => {
  let root = '';
  /** A directory holding fake compilers that print `version` for --version. */
  function fakeDir(name: string, compilers: Record<string, string>): string {
    const dir = join(root, name);
    mkdirSync(dir);
    for (const [file, version] of Object.entries(compilers)) {
      writeFileSync(join(dir, file), `#!/bin/sh\necho '${version}'\n`);
      chmodSync(join(dir, file), 0o755);
    }
    return dir;
  }
  let all = '';
  let gccOnly = '';
  let plainCc = '';

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'fwb-cc-toolchain-'));
    all = fakeDir('all', {
      'clang-19': 'clang version 19',
      clang: 'clang',
      gcc: 'gcc',
      'clang++': 'clang',
      'g++': 'g++',
    });
    gccOnly = fakeDir('gcc-only', { gcc: 'gcc (Debian 12.2.0)', 'g++': 'g++ (Debian 12.2.0)' });
    plainCc = fakeDir('plain-cc', {
      cc: 'Debian clang version 19.1.7',
      'c++': 'g++ (Debian 12.2.0)',
    });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('C prefers clang-19', () => {
    assert.deepEqual(resolveToolchain({ language: 'c', clangOnly: false }, { PATH: all }), {
      path: join(all, 'clang-19'),
      kind: 'clang',
    });
  });

  test('C++ falls back from clang++-19 to clang++', () => {
    const found = resolveToolchain({ language: 'c++', clangOnly: false }, { PATH: all });
    assert.deepEqual(found, { path: join(all, 'clang++'), kind: 'clang' });
  });

  test('gcc and g++ when no clang is on PATH', () => {
    const env = { PATH: `/nonexistent:${gccOnly}` };
    assert.deepEqual(resolveToolchain({ language: 'c', clangOnly: false }, env), {
      path: join(gccOnly, 'gcc'),
      kind: 'gcc',
    });
    assert.equal(resolveToolchain({ language: 'c++', clangOnly: false }, env).kind, 'gcc');
  });

  test('clangOnly refuses gcc and names clang-19', () => {
    assert.throws(
      () => resolveToolchain({ language: 'c', clangOnly: true }, { PATH: gccOnly }),
      (err: unknown) =>
        err instanceof WrapperError &&
        err.message.includes('memory sanitizer needs clang') &&
        err.message.includes('apt-get install clang-19'),
    );
  });

  test('no compiler at all: one line naming the Debian package', () => {
    assert.throws(
      () => resolveToolchain({ language: 'c++', clangOnly: false }, { PATH: '/nonexistent' }),
      {
        message:
          'no C++ compiler on PATH, tried clang++-19, clang++, g++; install clang-19 (apt-get install clang-19)',
      },
    );
  });

  test('FUZZWB_CC overrides, an ambiguous name is probed with --version', () => {
    const env = { PATH: `${all}:${plainCc}`, FUZZWB_CC: 'cc', FUZZWB_CXX: join(plainCc, 'c++') };
    assert.deepEqual(resolveToolchain({ language: 'c', clangOnly: false }, env), {
      path: join(plainCc, 'cc'),
      kind: 'clang',
    });
    assert.deepEqual(resolveToolchain({ language: 'c++', clangOnly: false }, env), {
      path: join(plainCc, 'c++'),
      kind: 'gcc',
    });
  });

  test('FUZZWB_CC=gcc with the memory sanitizer is refused', () => {
    assert.throws(
      () => resolveToolchain({ language: 'c', clangOnly: true }, { PATH: all, FUZZWB_CC: 'gcc' }),
      { message: 'the memory sanitizer needs clang, but FUZZWB_CC=gcc is gcc' },
    );
  });

  test('an override that is not there is one clear line', () => {
    assert.throws(
      () =>
        resolveToolchain({ language: 'c', clangOnly: false }, { PATH: all, FUZZWB_CC: 'nosuchcc' }),
      { message: 'FUZZWB_CC=nosuchcc is not an executable file or a command on PATH' },
    );
  });
});
