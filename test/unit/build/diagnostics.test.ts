// Compiler and linker output (captured from clang-19, gcc 12 and GNU ld) parsed into diagnostics.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDiagnostic, parseCompilerOutput } from '../../../src/engine/build/diagnostics';

const CLANG = `bad.c:5:13: error: too few arguments to function call, expected 2, have 1
    5 |   return f(1);
      |          ~  ^
bad.c:2:5: note: 'f' declared here
    2 | int f(int a, int b);
      |     ^ ~~~~~~~~~~~~
In file included from main.c:3:
inc/x.h:7:1: warning: type specifier missing [-Wimplicit-int]
1 error generated.
`;

const GCC = `bad.c: In function \u2018g\u2019:
bad.c:5:10: error: too few arguments to function \u2018f\u2019
bad.c:2:5: note: declared here
bad.c:4:7: warning: unused variable \u2018unused\u2019 [-Wunused-variable]
`;

const LINK = `/usr/bin/ld: /tmp/link-2f12df.o: in function \`main':
/src/link.c:2: undefined reference to \`missing'
link.c:(.text+0x15): undefined reference to \`other'
/usr/bin/ld: cannot find -lnope: No such file or directory
clang-19: error: linker command failed with exit code 1 (use -v to see invocation)
`;

test('clang: errors with their notes, warnings with their option, paths made absolute', () => {
  const d = parseCompilerOutput(CLANG, '/w');
  assert.equal(d.length, 2);
  assert.deepEqual(
    { ...d[0], notes: d[0]?.notes.map((n) => [n.file, n.line, n.column, n.severity, n.message]) },
    {
      file: '/w/bad.c',
      line: 5,
      column: 13,
      severity: 'error',
      message: 'too few arguments to function call, expected 2, have 1',
      notes: [['/w/bad.c', 2, 5, 'note', "'f' declared here"]],
    },
  );
  assert.equal(d[1]?.file, '/w/inc/x.h');
  assert.equal(d[1]?.severity, 'warning');
  assert.equal(d[1]?.option, '-Wimplicit-int');
});

test('gcc: the same shapes; "In function" context lines are not diagnostics', () => {
  const d = parseCompilerOutput(GCC, '/w');
  assert.deepEqual(
    d.map((x) => [x.line, x.column, x.severity, x.notes.length, x.option]),
    [
      [5, 10, 'error', 1, undefined],
      [4, 7, 'warning', 0, '-Wunused-variable'],
    ],
  );
});

test('linker: undefined references with and without a line, missing libraries, driver errors', () => {
  const d = parseCompilerOutput(LINK, '/w');
  assert.deepEqual(
    d.map((x) => [x.file, x.line, x.severity, x.message]),
    [
      ['/src/link.c', 2, 'error', "undefined reference to `missing'"],
      ['/w/link.c', 0, 'error', "undefined reference to `other'"],
      [undefined, 0, 'error', 'cannot find -lnope: No such file or directory'],
      [undefined, 0, 'error', 'linker command failed with exit code 1 (use -v to see invocation)'],
    ],
  );
});

test('colour escapes are ignored; the compiler format round-trips', () => {
  const d = parseCompilerOutput('\x1b[1ma.c:1:2: \x1b[31merror: \x1b[0mboom\x1b[0m\n', '/w');
  assert.equal(d.length, 1);
  assert.equal(formatDiagnostic(d[0]!), '/w/a.c:1:2: error: boom');
});
