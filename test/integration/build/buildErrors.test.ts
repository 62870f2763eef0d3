// fuzzwb build on real compilers: errors at the right line, a failing build command explained,
// a broken config placed, compile_commands.json used, and never a half-written binary.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fuzzwbBin } from '../../helpers/fuzzCli';

interface Line {
  type: string;
  [k: string]: unknown;
}

function build(
  ws: string,
  args: string[],
): { status: number | null; lines: Line[]; stderr: string } {
  const r = spawnSync(fuzzwbBin, ['build', '-json=1', ...args], { cwd: ws, encoding: 'utf8' });
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
  return { status: r.status, lines, stderr: r.stderr };
}

function workspace(config: object | string, files: Record<string, string>): string {
  const ws = mkdtempSync(join(tmpdir(), 'fwb-build-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(ws, name, '..'), { recursive: true });
    writeFileSync(join(ws, name), text);
  }
  writeFileSync(
    join(ws, 'fuzzwb.json'),
    typeof config === 'string' ? config : JSON.stringify(config, null, 2),
  );
  return ws;
}

const GOOD = `#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return size > 0 && data[0] == 1 ? 0 : 0;
}
`;

test('a harness that does not compile: the error at its line, the old binary kept whole', () => {
  const ws = workspace(
    { targets: [{ name: 't', harness: 't_fuzz.c', binary: 'out/t', sanitizers: ['none'] }] },
    { 't_fuzz.c': GOOD },
  );
  const ok = build(ws, []);
  assert.equal(ok.status, 0, ok.stderr);
  const before = readFileSync(join(ws, 'out', 't'));
  writeFileSync(join(ws, 't_fuzz.c'), GOOD.replace('return size', 'return undeclared + size'));
  const r = build(ws, ['t']);
  assert.equal(r.status, 1);
  const d = r.lines.find((l) => l.type === 'diagnostic');
  assert.equal(d?.file, join(ws, 't_fuzz.c'));
  assert.equal(d?.line, 4);
  assert.equal(d?.severity, 'error');
  assert.match(String(d?.message), /undeclared/);
  const res = r.lines.find((l) => l.type === 'result');
  assert.equal(res?.ok, false);
  assert.match(String(res?.message), /compiling .*t_fuzz\.c failed with exit code 1/);
  assert.match(r.stderr, /t_fuzz\.c:4:\d+: error: use of undeclared identifier/);
  assert.deepEqual(readFileSync(join(ws, 'out', 't')), before, 'the previous binary is unchanged');
  assert.deepEqual(readdirSync(join(ws, 'out')), ['t'], 'no temp files or objects left behind');
});

test('a build command that fails: its exit code and the tail of its output', () => {
  const ws = workspace(
    {
      targets: [
        {
          name: 'mk',
          build: { command: ['make', '-f', 'Fuzz.mk', 'fuzz'] },
          binary: 'fuzz_bin',
        },
      ],
    },
    {
      'Fuzz.mk':
        'fuzz:\n\t@echo "building the thing"\n\t@echo "the linker is unhappy" >&2\n\t@exit 3\n',
    },
  );
  const r = build(ws, []);
  assert.equal(r.status, 1);
  const res = r.lines.find((l) => l.type === 'result');
  assert.equal(res?.ok, false);
  assert.equal(res?.exitCode, 2, "make's own exit code");
  assert.match(
    String(res?.message),
    /build of mk failed: make -f Fuzz\.mk fuzz failed with exit code 2/,
  );
  assert.match(String(res?.outputTail), /the linker is unhappy/);
  assert.match(r.stderr, /the linker is unhappy[\s\S]*build of mk failed/);
});

test('a build command that does not exist, and one that makes no binary', () => {
  const ws = workspace(
    {
      targets: [
        { name: 'nope', build: { command: ['no-such-build-tool-xyz'] }, binary: 'b' },
        { name: 'empty', build: { command: ['true'] }, binary: 'never-made' },
      ],
    },
    {},
  );
  const r = build(ws, []);
  assert.equal(r.status, 1);
  const results = r.lines.filter((l) => l.type === 'result');
  assert.match(String(results[0]?.message), /cannot run no-such-build-tool-xyz: .*ENOENT/);
  assert.match(String(results[1]?.message), /succeeded but made no .*never-made/);
});

test('the user build runs with our wrappers as CC and the config sanitizers', () => {
  const ws = workspace(
    {
      targets: [
        {
          name: 'mk',
          build: { command: ['make', '-f', 'Fuzz.mk'] },
          binary: 'out/mk_fuzz',
          sanitizers: ['none'],
          cflags: ['-DFROM_CONFIG=1'],
        },
      ],
    },
    {
      'Fuzz.mk':
        'out/mk_fuzz: h.c\n\tmkdir -p out\n\t$(CC) $(CFLAGS) h.c $(LIB_FUZZING_ENGINE) -o $@\n',
      'h.c': `#if FROM_CONFIG != 1\n#error no cflags\n#endif\n${GOOD}`,
    },
  );
  const r = build(ws, []);
  assert.equal(r.status, 0, r.stderr);
  const run = spawnSync(join(ws, 'out', 'mk_fuzz'), ['-help=1'], { encoding: 'utf8' });
  assert.match(run.stdout + run.stderr, /fuzzwb|usage/i, 'linked with our runtime');
});

test('compile_commands.json supplies flags for the listed sources', () => {
  const files = {
    'src/lib.c':
      '#ifndef LIB_OK\n#error needs LIB_OK from compile_commands\n#endif\nint lib(int x) { return x; }\n',
    'src/h_fuzz.c': `int lib(int x);\n${GOOD.replace('return size', 'return lib(0) + size')}`,
  };
  const ws = workspace(
    {
      targets: [
        { name: 'h', harness: 'src/h_fuzz.c', sources: ['src/lib.c'], sanitizers: ['none'] },
      ],
    },
    files,
  );
  const without = build(ws, []);
  assert.equal(without.status, 1);
  assert.ok(
    without.lines.some((l) => l.type === 'diagnostic' && /needs LIB_OK/.test(String(l.message))),
  );
  mkdirSync(join(ws, 'build'));
  writeFileSync(
    join(ws, 'build', 'compile_commands.json'),
    JSON.stringify([
      { directory: ws, file: 'src/lib.c', command: 'cc -DLIB_OK -c src/lib.c -o lib.o' },
    ]),
  );
  const withDb = build(ws, []);
  assert.equal(withDb.status, 0, withDb.stderr);
  const res = withDb.lines.find((l) => l.type === 'result');
  assert.equal(res?.compileCommands, join(ws, 'build', 'compile_commands.json'));
});

test('a config file with errors: every error with its line and column', () => {
  const ws = workspace(
    '{\n  "targets": [\n    {"name": "a", "harness": "a.c", "sanitizers": "address"},\n    {"name": "a"}\n  ]\n}\n',
    {},
  );
  const r = build(ws, []);
  assert.equal(r.status, 1);
  const errs = r.lines.filter((l) => l.type === 'config-error');
  assert.deepEqual(
    errs.map((e) => [e.line, e.column, e.pointer]),
    [
      [3, 51, '/targets/0/sanitizers'],
      [4, 5, '/targets/1'],
      [4, 5, '/targets/1/name'],
    ],
  );
  assert.match(r.stderr, /fuzzwb\.json:3:51: error: sanitizers must be an array/);
  const bad = build(workspace('{"targets": [', {}), []);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /fuzzwb\.json:1:14: error: unexpected end of file/);
});
