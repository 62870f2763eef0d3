// The ClusterFuzzLite export: the config model, build.sh, project.yaml, Dockerfile and workflow.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildScript, shellWord } from '../../../src/engine/export/buildScript';
import {
  clusterFuzzLiteFiles,
  dockerfile,
  prWorkflow,
  projectLanguage,
  projectYaml,
  sanitizerMatrix,
} from '../../../src/engine/export/clusterFuzzLite';
import { hardErrors, parseFuzzConfig } from '../../../src/engine/config/loadConfig';
import {
  ExportConfigError,
  exportModel,
  projectName,
  readExportModel,
  relativeFlagPaths,
  type ExportProject,
} from '../../../src/engine/export/exportModel';

const CONFIG = '/ws/My Project/fuzzwb.json';

/** The export model of a config file's JSON, loaded by the shared loader. */
function model(raw: unknown): ExportProject {
  const loaded = parseFuzzConfig(JSON.stringify(raw), CONFIG);
  assert.deepEqual(hardErrors(loaded.errors), []);
  assert.ok(loaded.config !== undefined);
  return exportModel(loaded.config);
}

const device = {
  name: 'device',
  harness: 'examples/device/device_fuzz.c',
  sources: ['examples/device/device.c', '/ws/My Project/lib/dev ice.c'],
  dictionary: 'examples/device/device.dict',
  corpus: 'corpus/device',
  cflags: ['-Iinclude', '-DNAME=a b'],
  options: { max_len: 4096, timeout: 5, workers: 2 },
};

const own = {
  name: 'parser',
  build: { command: ['make', 'fuzz', 'V=1'], cwd: 'parser' },
  binary: 'parser/build/parser_fuzz',
  sanitizers: ['memory'],
};

test('the model keeps paths relative to the config folder and fills defaults', () => {
  const p = model({ targets: [device, own] });
  assert.equal(p.name, 'my-project');
  assert.equal(p.root, '/ws/My Project');
  const [d, o] = p.targets;
  assert.ok(d !== undefined && o !== undefined);
  assert.deepEqual(d.sources, ['examples/device/device.c', 'lib/dev ice.c']);
  assert.deepEqual(d.sanitizers, ['address', 'undefined']);
  assert.deepEqual(d.options, { maxLen: 4096, timeout: 5 });
  assert.equal(o.harness, '');
  assert.deepEqual(o.build, { command: ['make', 'fuzz', 'V=1'], cwd: 'parser' });
  assert.equal(o.corpus, '.fuzzwb/corpus/parser');
  assert.equal(o.binary, 'parser/build/parser_fuzz');
});

test('configs the build image could not build are clear errors', () => {
  assert.throws(
    () => model({ targets: [{ ...device, harness: '../outside.c' }] }),
    (e: Error) =>
      e instanceof ExportConfigError &&
      /target device: harness .*outside.c is outside/.test(e.message),
  );
  const dir = mkdtempSync(join(tmpdir(), 'fwb-export-config-'));
  const path = join(dir, 'fuzzwb.json');
  writeFileSync(path, '{\n  "targets": [\n    { "name": "x y", "harness": "a.c" }\n  ]\n}\n');
  assert.throws(
    () => readExportModel(path),
    (e: Error) => e instanceof ExportConfigError && /fuzzwb\.json:3:\d+: error: /.test(e.message),
  );
  assert.throws(() => readExportModel(join(dir, 'missing.json')), /does not exist/);
});

test('-I/-L paths inside the project become relative again; system ones stay', () => {
  const root = '/ws/p';
  assert.deepEqual(
    relativeFlagPaths(root, [
      '-I/ws/p/include',
      '-isystem',
      '/ws/p/third party',
      '-I/usr/include/libxml2',
      '-L/ws/p',
      '-DX=/ws/p/y',
      '-include',
    ]),
    [
      '-Iinclude',
      '-isystem',
      'third party',
      '-I/usr/include/libxml2',
      '-L.',
      '-DX=/ws/p/y',
      '-include',
    ],
  );
});

test('project names follow OSS-Fuzz: lower case, dashes', () => {
  assert.equal(projectName('/a/Fuzz_Work.bench'), 'fuzz-work-bench');
  assert.equal(projectName('/'), 'project');
});

test('shell words are quoted only when they need it, and quotes survive', () => {
  assert.equal(shellWord('examples/device/device.c'), 'examples/device/device.c');
  assert.equal(shellWord('-DNAME=a b'), `'-DNAME=a b'`);
  assert.equal(shellWord(`it's`), `'it'\\''s'`);
  assert.equal(shellWord('$HOME'), `'$HOME'`);
});

test('build.sh compiles each source with OSS-Fuzz variables and links with the engine', () => {
  const p = model({ targets: [device] });
  const lines = buildScript(p).split('\n');
  assert.equal(lines[0], '#!/bin/bash -eu');
  assert.ok(lines.includes('cd "$SRC/my-project"'));
  const compiles = lines.filter((l) => l.startsWith('$CC $CFLAGS '));
  assert.equal(compiles.length, 3);
  assert.ok(compiles.every((l) => l.includes(`-Iinclude '-DNAME=a b' -c `)));
  assert.ok(compiles.some((l) => l.includes(`-c 'lib/dev ice.c' -o "$WORK/fuzzwb/device/1.o"`)));
  assert.ok(compiles[2]?.includes('-c examples/device/device_fuzz.c'));
  const link = lines.find((l) => l.startsWith('$CXX $CXXFLAGS '));
  assert.ok(link?.endsWith('$LIB_FUZZING_ENGINE -o "$OUT/device"') === true);
  assert.ok(link.includes('"$WORK/fuzzwb/device/2.o"'));
  assert.ok(lines.some((l) => l.includes('"$OUT/device.dict"')));
  assert.ok(lines.some((l) => l.includes('zip -q -j -@ "$OUT/device_seed_corpus.zip"')));
  assert.ok(
    lines.some((l) => l.includes(`'max_len = 4096' 'timeout = 5' > "$OUT/device.options"`)),
  );
  assert.ok(!lines.some((l) => l.includes('fwb_wrapper')), 'no wrappers without an own build');
});

test('C++ sources use $CXX, and an own build runs with wrapped compilers', () => {
  const p = model({ targets: [{ name: 'x', harness: 'x_fuzz.cc', sources: ['lib.c'] }, own] });
  const text = buildScript(p);
  assert.match(text, /^\$CC \$CFLAGS -c lib\.c /m);
  assert.match(text, /^\$CXX \$CXXFLAGS -c x_fuzz\.cc /m);
  assert.match(text, /^fwb_wrapper cc "\$CC" "\$CFLAGS"$/m);
  assert.match(text, /export CC="\$WORK\/fuzzwb\/bin\/cc" CXX="\$WORK\/fuzzwb\/bin\/c\+\+"/);
  assert.match(
    text,
    /^ {2}cd parser\n {2}make fuzz V=1\n\)\ncp parser\/build\/parser_fuzz "\$OUT\/parser"$/m,
  );
  // The wrapper adds the engine only when linking.
  assert.match(text, /-c\|-S\|-E\|-M\|-MM\|-shared/);
});

test('project.yaml, Dockerfile and workflow follow the config', () => {
  const c = model({ targets: [device] });
  const cxx = model({ targets: [device, own] });
  assert.equal(projectLanguage(c), 'c');
  assert.equal(projectLanguage(cxx), 'c++');
  assert.equal(projectYaml(c), 'language: c\n');
  assert.deepEqual(sanitizerMatrix(c), ['address', 'undefined']);
  assert.deepEqual(sanitizerMatrix(cxx), ['address', 'undefined', 'memory']);
  assert.deepEqual(sanitizerMatrix(model({ targets: [{ ...device, sanitizers: ['none'] }] })), [
    'address',
  ]);
  const docker = dockerfile(cxx).split('\n');
  assert.equal(
    docker.find((l) => l.startsWith('FROM ')),
    'FROM gcr.io/oss-fuzz-base/base-builder',
  );
  assert.ok(docker.includes('COPY . $SRC/my-project'));
  assert.ok(docker.includes('COPY .clusterfuzzlite/build.sh $SRC/'));
  assert.match(docker.find((l) => l.startsWith('RUN ')) ?? '', /install -y make zip$/);
  const wf = prWorkflow(cxx);
  assert.match(wf, /uses: google\/clusterfuzzlite\/actions\/build_fuzzers@v1/);
  assert.match(wf, /uses: google\/clusterfuzzlite\/actions\/run_fuzzers@v1/);
  assert.match(wf, /sanitizer: \[address, undefined, memory\]/);
  assert.match(wf, /language: c\+\+/);
  assert.equal((wf.match(/sanitizer: \$\{\{ matrix\.sanitizer \}\}/g) ?? []).length, 2);
  assert.ok(!wf.includes('\t'), 'YAML has no tabs');
  const files = clusterFuzzLiteFiles(c);
  assert.deepEqual(
    files.map((f) => [f.path, f.executable === true]),
    [
      ['.clusterfuzzlite/project.yaml', false],
      ['.clusterfuzzlite/Dockerfile', false],
      ['.clusterfuzzlite/build.sh', true],
      ['.github/workflows/cflite_pr.yml', false],
    ],
  );
});
