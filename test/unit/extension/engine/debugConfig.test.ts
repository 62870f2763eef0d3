// Debug Crash's launch configuration and gdb command line: the input as an argument, aborting sanitizers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  cppdbgConfiguration,
  DEBUG_ENV,
  gdbArgs,
} from '../../../../src/extension/commands/debugConfig';

const target = {
  binary: '/w/.fuzzwb/build/dev/dev',
  artifact: '/w/.fuzzwb/findings/dev/crash-1 with space',
  cwd: '/w',
  name: 'Fuzz: heap-use-after-free READ (crash-1)',
};

test('a cppdbg launch runs the binary on the artifact under gdb, sanitizers set to abort', () => {
  const c = cppdbgConfiguration(target);
  assert.equal(c.type, 'cppdbg');
  assert.equal(c.request, 'launch');
  assert.equal(c.MIMode, 'gdb');
  assert.equal(c.program, target.binary);
  assert.deepEqual(c.args, [target.artifact], 'one argument, spaces and all');
  const env = c.environment as { name: string; value: string }[];
  assert.match(env.find((e) => e.name === 'ASAN_OPTIONS')?.value ?? '', /abort_on_error=1/);
  assert.match(env.find((e) => e.name === 'UBSAN_OPTIONS')?.value ?? '', /abort_on_error=1/);
});

test('plain gdb gets an argument array that runs at once and keeps the path whole', () => {
  assert.deepEqual(gdbArgs(target), ['-q', '-ex', 'run', '--args', target.binary, target.artifact]);
  assert.match(DEBUG_ENV.ASAN_OPTIONS ?? '', /detect_leaks=0/);
});
