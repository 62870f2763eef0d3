// Finding importable inputs: file names of libFuzzer, AFL++ and ClusterFuzzLite; zips; bad paths.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import {
  classifyPath,
  findInputs,
  ImportSourceError,
} from '../../../src/engine/import/inputSources';
import { readZip, ZipError } from '../../../src/engine/import/zipReader';

const SHA = '721249cdd93e46034093a43d3961fb8d8c6ce8df';

/** A zip archive (no CRCs: the reader does not check them) with stored or deflated entries. */
function makeZip(entries: { name: string; data: Buffer; deflate?: boolean }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const body = e.deflate === true ? deflateRawSync(e.data) : e.data;
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(e.deflate === true ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.deflate === true ? 8 : 0, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(e.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

test('file names say which tool wrote an input and how it ended', () => {
  const cases: [string, unknown][] = [
    [`crash-${SHA}`, { tool: 'libFuzzer', expected: 'crash' }],
    [`leak-${SHA}`, { tool: 'libFuzzer', expected: 'leak' }],
    [`timeout-${SHA}`, { tool: 'libFuzzer', expected: 'timeout' }],
    [`oom-${SHA}`, { tool: 'libFuzzer', expected: 'oom' }],
    [`slow-unit-${SHA}`, { tool: 'libFuzzer', expected: 'slow-unit' }],
    [`device-address-crash-${SHA}`, { tool: 'ClusterFuzzLite', expected: 'crash' }],
    [`other-undefined-crash-${SHA}`, { skip: 'an input of target other, not device' }],
    [
      'default/crashes/id:000000,sig:06,src:000001,time:12,execs:34,op:havoc,rep:2',
      {
        tool: 'AFL++',
        expected: 'crash',
      },
    ],
    ['main/hangs/id:000003,src:000000', { tool: 'AFL++', expected: 'timeout' }],
    ['crashes/id_000001', { tool: 'AFL++', expected: 'crash' }],
    ['default/queue/id:000000,time:0,execs:0,orig:seed', undefined],
    ['crash-notahash', undefined],
    ['notes.md', undefined],
  ];
  for (const [path, want] of cases) assert.deepEqual(classifyPath(path, 'device'), want, path);
});

test('an AFL++ output folder gives its crashes and hangs, not its queue, stats or README', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-afl-'));
  for (const sub of ['default/crashes', 'default/hangs', 'default/queue']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  writeFileSync(join(dir, 'default/crashes/README.txt'), 'Command line used to find this crash');
  writeFileSync(join(dir, 'default/crashes/id:000000,sig:06,src:000000,op:havoc,rep:4'), 'A1');
  writeFileSync(join(dir, 'default/crashes/id:000001,sig:06,src:000000,op:havoc,rep:2'), 'A2');
  writeFileSync(join(dir, 'default/hangs/id:000000,src:000000,op:havoc,rep:8'), 'H');
  writeFileSync(join(dir, 'default/queue/id:000000,time:0,execs:0,orig:seed'), 'Q');
  writeFileSync(join(dir, 'default/fuzzer_stats'), 'execs_done : 1\n');
  const found = findInputs(dir, 'device');
  assert.deepEqual(
    found.inputs.map((i) => [i.data.toString(), i.tool, i.expected]),
    [
      ['A1', 'AFL++', 'crash'],
      ['A2', 'AFL++', 'crash'],
      ['H', 'AFL++', 'timeout'],
    ],
  );
  assert.equal(found.ignored, 2);
  assert.deepEqual(found.sarif, []);
});

test('a libFuzzer artifact folder: inputs, not the JSON beside them; a .sarif inside is read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-lf-'));
  writeFileSync(join(dir, `crash-${SHA}`), 'C');
  writeFileSync(join(dir, `crash-${SHA}.json`), '{}');
  writeFileSync(join(dir, 'results.sarif'), '{"version":"2.1.0","runs":[]}');
  const found = findInputs(dir, 'device');
  assert.deepEqual(
    found.inputs.map((i) => [i.path, i.tool]),
    [[join(dir, `crash-${SHA}`), 'libFuzzer']],
  );
  assert.equal(found.sarif.length, 1);
});

test('a ClusterFuzzLite zip: stored and deflated crashes of this target; others are skipped', () => {
  const big = Buffer.alloc(5000, 0x41);
  const zip = makeZip([
    { name: 'artifacts/', data: Buffer.alloc(0) },
    { name: `artifacts/device-address-crash-${SHA}`, data: Buffer.from('S') },
    { name: `artifacts/crash-${SHA}`, data: big, deflate: true },
    { name: `artifacts/parser-address-crash-${SHA}`, data: Buffer.from('P') },
    { name: 'artifacts/device-address-crash.summary', data: Buffer.from('stack') },
  ]);
  assert.deepEqual(
    readZip(zip).map((e) => [e.name, e.data.length]),
    [
      [`artifacts/device-address-crash-${SHA}`, 1],
      [`artifacts/crash-${SHA}`, 5000],
      [`artifacts/parser-address-crash-${SHA}`, 1],
      ['artifacts/device-address-crash.summary', 5],
    ],
  );
  const dir = mkdtempSync(join(tmpdir(), 'fwb-zip-'));
  const path = join(dir, 'address-artifacts.zip');
  writeFileSync(path, zip);
  const found = findInputs(path, 'device');
  assert.deepEqual(
    found.inputs.map((i) => [i.path, i.tool, i.data.length]),
    [
      [`${path}:artifacts/device-address-crash-${SHA}`, 'ClusterFuzzLite', 1],
      [`${path}:artifacts/crash-${SHA}`, 'ClusterFuzzLite', 5000],
    ],
  );
  assert.equal(found.skipped.length, 1);
  assert.match(found.skipped[0] ?? '', /parser-address-crash.*target parser, not device/);
});

test('broken zips and paths with nothing to import are clear errors', () => {
  assert.throws(() => readZip(Buffer.from('PK not really a zip at all, sorry')), ZipError);
  const good = makeZip([{ name: `crash-${SHA}`, data: Buffer.from('x') }]);
  assert.throws(() => readZip(good.subarray(0, good.length - 30)), ZipError);
  const dir = mkdtempSync(join(tmpdir(), 'fwb-bad-'));
  const zipPath = join(dir, 'cut.zip');
  writeFileSync(zipPath, good.subarray(10));
  assert.throws(
    () => findInputs(zipPath, 'device'),
    (e: Error) => {
      assert.ok(e instanceof ImportSourceError);
      assert.match(e.message, /cut\.zip: .*zip/);
      return true;
    },
  );
  assert.throws(() => findInputs(join(dir, 'missing'), 'device'), /cannot read .*missing/);
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'empty', 'notes.md'), 'nothing');
  assert.throws(() => findInputs(join(dir, 'empty'), 'device'), /no crashes, hangs or SARIF/);
  writeFileSync(join(dir, 'input.bin'), 'x');
  assert.throws(() => findInputs(join(dir, 'input.bin'), 'device'), /not a SARIF log, zip/);
});
