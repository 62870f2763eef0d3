// The targets the IDE offers: fuzzwb.json entries first, then harness files no entry names.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { siblingSources, toProblems } from '../../../src/engine/server/harnessBuild';
import {
  findHarnessFiles,
  resolveWorkspaceTargets,
  toWorkspaceTarget,
} from '../../../src/engine/server/workspaceTargets';

const ENTRY = 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n';

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'fwb-targets-'));
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
  }
  return root;
}

test('finds entry points in C and C++ files, skipping generated and dependency folders', () => {
  const root = tree({
    'a/parser_fuzz.c': ENTRY,
    'a/parser.c': 'int parse(void) { return 0; }\n',
    'b/x.cc': ENTRY,
    'b/notes.txt': ENTRY,
    'node_modules/m/m_fuzz.c': ENTRY,
    '.fuzzwb/build/t/t_fuzz.c': ENTRY,
    '.git/hooks/h.c': ENTRY,
  });
  assert.deepEqual(findHarnessFiles(root), [join(root, 'a/parser_fuzz.c'), join(root, 'b/x.cc')]);
});

test('config entries come first; a harness they name is not listed twice; names stay unique', () => {
  const root = tree({
    'fuzzwb.json': JSON.stringify({
      targets: [{ name: 'parser', harness: 'a/parser_fuzz.c', sources: ['a/parser.c'] }],
    }),
    'a/parser_fuzz.c': ENTRY,
    'a/parser.c': 'int parse(void) { return 0; }\n',
    'b/parser.c': ENTRY,
    'c/parser.c': ENTRY,
  });
  const { targets, origins, problems } = resolveWorkspaceTargets(root);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    targets.map((t) => [t.name, origins.get(t.name)]),
    [
      ['parser', 'config'],
      ['parser-2', 'harness'],
      ['parser-3', 'harness'],
    ],
  );
  const scanned = targets[1];
  assert.equal(scanned?.binary, join(root, '.fuzzwb/build/parser-2/parser-2'));
  assert.equal(scanned?.artifacts, join(root, '.fuzzwb/findings/parser-2') + '/');
});

test("a config entry's options reach the client under the protocol's names", () => {
  const root = tree({
    'fuzzwb.json': JSON.stringify({
      targets: [
        {
          name: 'p',
          harness: 'p_fuzz.c',
          options: { max_len: 64, timeout: 5, mode: 'fork', max_total_time: 30 },
        },
        { name: 'q', harness: 'p_fuzz.c' },
      ],
    }),
    'p_fuzz.c': ENTRY,
  });
  const [p, q] = resolveWorkspaceTargets(root).targets;
  assert.ok(p !== undefined && q !== undefined);
  assert.deepEqual(toWorkspaceTarget(p, 'config').options, {
    maxLen: 64,
    timeoutMs: 5000,
    mode: 'fork',
    maxTotalTimeSec: 30,
  });
  assert.equal(toWorkspaceTarget(q, 'config').options, undefined);
});

test('config problems carry their file, line and column', () => {
  const root = tree({ 'fuzzwb.json': '{\n  "targets": [\n    { "name": 7 }\n  ]\n}\n' });
  const { problems } = resolveWorkspaceTargets(root);
  assert.ok(problems.length > 0);
  assert.equal(problems[0]?.file, join(root, 'fuzzwb.json'));
  assert.equal(problems[0]?.line, 3);
});

test('a scanned harness builds with the sources of its folder that are not programs', () => {
  const root = tree({
    'd/dev_fuzz.c': ENTRY,
    'd/dev.c': 'int dev(void) { return 1; }\n',
    'd/other_fuzz.c': ENTRY,
    'd/tool.c': 'int main(void) { return 0; }\n',
    'd/helper.cc': 'int h() { return 2; }\n',
  });
  assert.deepEqual(siblingSources(join(root, 'd/dev_fuzz.c')), [join(root, 'd/dev.c')]);
});

test('build diagnostics are flattened with their notes; unlocated ones are left out', () => {
  const flat = toProblems([
    {
      file: '/w/a.c',
      line: 3,
      column: 5,
      severity: 'error',
      message: 'use of undeclared identifier',
      notes: [
        {
          file: '/w/a.h',
          line: 1,
          column: 1,
          severity: 'note',
          message: 'declared here',
          notes: [],
        },
      ],
    },
    { file: undefined, line: 0, column: 0, severity: 'error', message: 'linker failed', notes: [] },
    {
      file: '/w/b.c',
      line: 9,
      column: 2,
      severity: 'warning',
      message: 'unused variable',
      option: '-Wunused-variable',
      notes: [],
    },
  ]);
  assert.deepEqual(
    flat.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.message}`),
    [
      '/w/a.c:3:5 error use of undeclared identifier',
      '/w/a.h:1:1 note declared here',
      '/w/b.c:9:2 warning unused variable [-Wunused-variable]',
    ],
  );
});
