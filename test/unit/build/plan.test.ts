// Build plans: compile steps with compile_commands.json flags, temp output, the user's build env.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseCompileCommands,
  relevantFlags,
  splitCommand,
} from '../../../src/engine/build/compileCommands';
import { planBuild } from '../../../src/engine/build/plan';
import { parseFuzzConfig } from '../../../src/engine/config/loadConfig';
import type { FuzzTarget } from '../../../src/engine/config/types';

const W = { cc: '/fwb/bin/fuzzwb-cc', cxx: '/fwb/bin/fuzzwb-c++' };

function target(json: object): FuzzTarget {
  const r = parseFuzzConfig(JSON.stringify({ targets: [json] }), '/ws/fuzzwb.json');
  assert.deepEqual(r.errors, []);
  return r.config?.targets[0] as FuzzTarget;
}

test('shell-style command strings split like a shell (quotes, escapes)', () => {
  assert.deepEqual(splitCommand(`cc -DNAME="a b" -I'x y' a\\ b.c ""`), [
    'cc',
    '-DNAME=a b',
    '-Ix y',
    'a b.c',
    '',
  ]);
});

test('compile_commands.json: includes made absolute, defines and -std kept, the rest dropped', () => {
  const [cmd] = parseCompileCommands(
    JSON.stringify([
      {
        directory: '/ws/build',
        file: '../src/a.c',
        command:
          'cc -I../include -isystem /opt/inc -DX=1 -D Y -std=gnu11 -O2 -Werror -fPIC -MD -MF a.d -fsanitize=address -o a.o -c ../src/a.c',
      },
    ]),
  );
  assert.equal(cmd?.file, '/ws/src/a.c');
  assert.deepEqual(relevantFlags(cmd), [
    '-I/ws/include',
    '-isystem',
    '/opt/inc',
    '-DX=1',
    '-D',
    'Y',
    '-std=gnu11',
    '-fPIC',
  ]);
});

test('direct plan: each file compiled with its flags, linked to a temp name by the C++ driver if needed', () => {
  const t = target({
    name: 'p',
    harness: 'src/p_fuzz.cc',
    sources: ['src/a.c'],
    cflags: ['-Iinc'],
    sanitizers: ['address'],
  });
  const db = parseCompileCommands(
    JSON.stringify([
      { directory: '/ws', file: 'src/a.c', arguments: ['cc', '-DFROM_DB', '-c', 'src/a.c'] },
    ]),
  );
  const plan = planBuild(t, W, db, 'u1');
  assert.equal(plan.kind, 'direct');
  assert.deepEqual(plan.env, { FUZZWB_SANITIZERS: 'address' });
  const obj = '/ws/.fuzzwb/build/p/.p.obj-u1';
  assert.deepEqual(
    plan.steps.map((s) => s.argv),
    [
      [W.cxx, '-O1', '-I/ws/inc', '-c', '/ws/src/p_fuzz.cc', '-o', `${obj}/0-p_fuzz.o`],
      [W.cc, '-O1', '-DFROM_DB', '-I/ws/inc', '-c', '/ws/src/a.c', '-o', `${obj}/1-a.o`],
      [W.cxx, `${obj}/0-p_fuzz.o`, `${obj}/1-a.o`, '-o', '/ws/.fuzzwb/build/p/.p.tmp-u1'],
    ],
  );
  assert.equal(plan.tmpBinary, '/ws/.fuzzwb/build/p/.p.tmp-u1');
  assert.equal(plan.binary, '/ws/.fuzzwb/build/p/p');
});

test('command plan: configure then build, our wrappers as CC/CXX, flags in the environment', () => {
  const t = target({
    name: 'lib',
    build: {
      configure: ['cmake', '-S', '.', '-B', 'b'],
      command: ['cmake', '--build', 'b'],
      cwd: 'lib',
    },
    binary: 'lib/b/fuzz',
    sanitizers: ['none'],
    cflags: ['-DFUZZ', '-O2'],
  });
  const plan = planBuild(t, W);
  assert.equal(plan.kind, 'command');
  assert.deepEqual(plan.steps, [
    { argv: ['cmake', '-S', '.', '-B', 'b'], cwd: '/ws/lib' },
    { argv: ['cmake', '--build', 'b'], cwd: '/ws/lib' },
  ]);
  assert.deepEqual(plan.env, {
    CC: W.cc,
    CXX: W.cxx,
    FUZZWB_SANITIZERS: 'none',
    LIB_FUZZING_ENGINE: '-fsanitize=fuzzer',
    CFLAGS: '-DFUZZ -O2',
    CXXFLAGS: '-DFUZZ -O2',
  });
  assert.equal(plan.tmpBinary, undefined);
});
