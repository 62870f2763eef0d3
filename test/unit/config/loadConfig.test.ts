// fuzzwb.json loading: syntax and shape errors land at the right line and column; paths resolve.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFuzzConfig } from '../../../src/engine/config/loadConfig';
import { parseJsonTree, positionAt, toValue } from '../../../src/engine/config/jsonTree';

const PATH = '/ws/fuzzwb.json';

function errorsOf(text: string): string[] {
  return parseFuzzConfig(text, PATH).errors.map(
    (e) => `${e.line}:${e.column} ${e.severity} ${e.pointer} ${e.message}`,
  );
}

test('the JSON tree agrees with JSON.parse on valid documents', () => {
  const docs = [
    '{"a": [1, -2.5e3, true, false, null, "x\\n\\u00e9\\"/"], "b": {}}',
    '[]',
    '"plain"',
    '  {"nested": {"deep": [[], [{}]]}}  ',
  ];
  for (const d of docs) assert.deepEqual(toValue(parseJsonTree(d)), JSON.parse(d));
});

test('positions are 1-based lines and columns', () => {
  assert.deepEqual(positionAt('ab\ncd', 0), { line: 1, column: 1 });
  assert.deepEqual(positionAt('ab\ncd', 4), { line: 2, column: 2 });
});

test('bad JSON: one error at the offending character, no config', () => {
  const text = '{\n  "targets": [\n    {"name": "a",}\n  ]\n}\n';
  const r = parseFuzzConfig(text, PATH);
  assert.equal(r.config, undefined);
  assert.equal(r.errors.length, 1);
  assert.deepEqual([r.errors[0]?.line, r.errors[0]?.column], [3, 18]);
  assert.match(r.errors[0]?.message ?? '', /trailing comma/);
});

test('bad JSON: unterminated string, comments, single quotes, missing bracket', () => {
  assert.match(errorsOf('{"targets": ["abc]}')[0] ?? '', /^1:14 error {2}unterminated string/);
  assert.match(errorsOf('{\n// hi\n"targets": []}')[0] ?? '', /^2:1 .*comments are not allowed/);
  assert.match(errorsOf("{'targets': []}")[0] ?? '', /expected a property name/);
  assert.match(errorsOf('{"targets": [')[0] ?? '', /end of file/);
});

test('wrong types are reported at the value, with its pointer', () => {
  const text = [
    '{',
    '  "targets": [',
    '    {',
    '      "name": "dev",',
    '      "harness": 12,',
    '      "sources": "a.c",',
    '      "options": {"max_len": -1, "mode": "fast", "timeout": 2}',
    '    }',
    '  ]',
    '}',
  ].join('\n');
  const errs = errorsOf(text);
  assert.ok(errs.includes('5:18 error /targets/0/harness harness must be a string, not a number'));
  assert.ok(
    errs.some((e) => e.startsWith('6:18 error /targets/0/sources sources must be an array')),
  );
  assert.ok(errs.some((e) => e.startsWith('7:30 error /targets/0/options/max_len')));
  assert.ok(errs.some((e) => e.startsWith('7:42 error /targets/0/options/mode')));
  assert.equal(
    parseFuzzConfig(text, PATH).config?.targets.length,
    0,
    'the broken target is dropped',
  );
});

test('duplicate target names and duplicate keys', () => {
  const text =
    '{"targets": [\n{"name": "a", "harness": "a.c"},\n{"name": "a", "harness": "b.c", "harness": "c.c"}\n]}';
  const errs = errorsOf(text);
  assert.ok(
    errs.some((e) => /^3:1 error \/targets\/1\/name duplicate target name "a"/.test(e)),
    errs.join('\n'),
  );
  assert.ok(
    errs.some((e) => /^3:33 error \/targets\/1\/harness duplicate key "harness"/.test(e)),
    errs.join('\n'),
  );
  const r = parseFuzzConfig(text, PATH);
  assert.deepEqual(
    r.config?.targets.map((t) => t.name),
    ['a'],
  );
});

test('a target with neither harness nor build, a build without binary, a shell-string build', () => {
  const text = [
    '{"targets": [',
    '  {"name": "nothing"},',
    '  {"name": "nobin", "build": {"command": ["make"]}},',
    '  {"name": "shell", "build": {"command": "make fuzz"}, "binary": "x"},',
    '  {"name": "bad name!", "harness": "h.c"}',
    ']}',
  ].join('\n');
  const errs = errorsOf(text);
  assert.ok(errs.some((e) => /^2:3 error \/targets\/0 .*needs a "harness".*or a "build"/.test(e)));
  assert.ok(errs.some((e) => /^3:3 error \/targets\/1 .*needs "binary"/.test(e)));
  assert.ok(errs.some((e) => /^4:42 error \/targets\/2\/build\/command .*argv array/.test(e)));
  assert.ok(errs.some((e) => /^5:12 error \/targets\/3\/name .*may only use/.test(e)));
  assert.equal(parseFuzzConfig(text, PATH).config?.targets.length, 0);
});

test('missing or wrong targets, unknown properties are warnings', () => {
  assert.match(errorsOf('{}')[0] ?? '', /^1:1 error {2}the config needs "targets"/);
  assert.match(errorsOf('[]')[0] ?? '', /must be an object/);
  assert.match(
    errorsOf('{"targets": {}}')[0] ?? '',
    /^1:13 error \/targets "targets" must be an array/,
  );
  const r = parseFuzzConfig('{"targets": [{"name": "a", "harness": "a.c", "colour": 1}]}', PATH);
  assert.equal(r.errors[0]?.severity, 'warning');
  assert.equal(r.config?.targets.length, 1, 'a warning leaves the target usable');
});

test('sanitizer lists: unknown names, none and memory alone', () => {
  const errs = errorsOf(
    '{"targets": [{"name": "a", "harness": "a.c", "sanitizers": ["address", "thread"]},' +
      '{"name": "b", "harness": "b.c", "sanitizers": ["none", "address"]},' +
      '{"name": "c", "harness": "c.c", "sanitizers": ["memory", "undefined"]}]}',
  );
  assert.ok(errs.some((e) => /sanitizers\/1 unknown sanitizer "thread"/.test(e)));
  assert.ok(errs.some((e) => /"none" cannot be combined/.test(e)));
  assert.ok(errs.some((e) => /"memory" cannot be combined/.test(e)));
});

test('defaults and paths resolved against the config folder', () => {
  const r = parseFuzzConfig(
    JSON.stringify({
      targets: [
        {
          name: 'device',
          harness: 'examples/device/device_fuzz.c',
          sources: ['examples/device/device.c', '/abs/x.c'],
          sanitizers: ['none'],
          cflags: ['-Iinclude', '-I', 'sub', '-DX', '-include', '/abs/pre.h'],
          ldflags: ['-Llib', '-lz'],
          options: { max_len: 128, mode: 'fork' },
        },
        {
          name: 'lib',
          build: { command: ['make', 'fuzz'], cwd: 'sub' },
          binary: 'out/lib_fuzz',
          artifacts: 'found',
        },
      ],
    }),
    PATH,
  );
  assert.deepEqual(r.errors, []);
  const [dev, lib] = r.config?.targets ?? [];
  assert.equal(dev?.harness, '/ws/examples/device/device_fuzz.c');
  assert.deepEqual(dev?.sources, ['/ws/examples/device/device.c', '/abs/x.c']);
  assert.equal(dev?.binary, '/ws/.fuzzwb/build/device/device');
  assert.equal(dev?.corpus, '/ws/.fuzzwb/corpus/device');
  assert.equal(dev?.artifacts, '/ws/.fuzzwb/findings/device/');
  assert.deepEqual(dev?.sanitizers, []);
  assert.deepEqual(dev?.cflags, [
    '-I/ws/include',
    '-I',
    '/ws/sub',
    '-DX',
    '-include',
    '/abs/pre.h',
  ]);
  assert.deepEqual(dev?.ldflags, ['-L/ws/lib', '-lz']);
  assert.deepEqual(dev?.options, { max_len: 128, mode: 'fork' });
  assert.deepEqual(lib?.build, { command: ['make', 'fuzz'], cwd: '/ws/sub' });
  assert.equal(lib?.binary, '/ws/out/lib_fuzz');
  assert.equal(lib?.artifacts, '/ws/found/');
  assert.deepEqual(lib?.sanitizers, ['address', 'undefined']);
});
