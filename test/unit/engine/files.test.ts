// Unit tests of atomic writes, corpus/seed files and the target binary pre-check.
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkTargetBinary, RUNTIME_MARKER } from '../../../src/engine/exec/binaryCheck';
import {
  addToCorpus,
  artifactPath,
  loadFindings,
  sha1,
  writeFinding,
} from '../../../src/engine/fuzz/artifacts';
import { loadSeeds } from '../../../src/engine/fuzz/seeds';
import { writeFileAtomic } from '../../../src/engine/io/atomicWrite';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'fwb-unit-'));

test('atomic writes replace whole files and leave no temp files', () => {
  const d = tmp();
  const p = join(d, 'f');
  writeFileAtomic(p, 'one');
  writeFileAtomic(p, Buffer.from('two'));
  assert.equal(readFileSync(p, 'utf8'), 'two');
  assert.deepEqual(readdirSync(d), ['f']);
  assert.throws(() => writeFileAtomic(join(d, 'missing-dir', 'f'), 'x'));
  assert.deepEqual(readdirSync(d), ['f']);
});

test('corpus entries and findings are named by content hash', () => {
  const d = tmp();
  const input = Buffer.from('crashing input');
  const p = addToCorpus(d, input);
  assert.equal(p, join(d, sha1(input)));
  assert.equal(addToCorpus(d, input), p);
  const art = artifactPath(join(d, 'out') + '/', 'sanitizer', input);
  assert.equal(art, join(d, 'out', `crash-${sha1(input)}`));
  assert.match(artifactPath('', 'timeout', input), /^timeout-/);
  assert.match(artifactPath('', 'oom', input), /^oom-/);
  assert.match(artifactPath('', 'sanitizer', input, 'memory-leak'), /^leak-[0-9a-f]{40}$/);
  writeFinding(join(d, 'out') + '/', input, {
    artifact: art,
    kind: 'sanitizer',
    signal: 0,
    exitCode: 76,
    type: 'heap-buffer-overflow READ',
    crashState: ['f'],
    frames: [],
    stacks: [],
    reproduce: ['t', art],
    firstSeen: 'now',
    lastSeen: 'now',
    hitCount: 1,
    verification: { status: 'unverified', runs: 0, reproduced: 0 },
    size: input.length,
  });
  assert.deepEqual(readFileSync(art), input);
  assert.equal(
    (JSON.parse(readFileSync(`${art}.json`, 'utf8')) as { exitCode: number }).exitCode,
    76,
  );
});

test('leak findings are written as leak-<sha1> and loaded again, so their dedup resumes', () => {
  const d = tmp();
  const input = Buffer.from('LAB');
  const art = artifactPath(`${d}/`, 'sanitizer', input, 'memory-leak');
  writeFinding(`${d}/`, input, {
    artifact: art,
    kind: 'sanitizer',
    signal: 0,
    exitCode: 76,
    sanitizer: 'LeakSanitizer',
    type: 'memory-leak',
    crashState: ['leaky_copy'],
    frames: [],
    stacks: [],
    reproduce: ['t', art],
    firstSeen: 'now',
    lastSeen: 'now',
    hitCount: 1,
    verification: { status: 'reproducible', runs: 3, reproduced: 3 },
    size: input.length,
  });
  const { records, warnings } = loadFindings(`${d}/`);
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    records.map((r) => [r.artifact, r.type]),
    [[art, 'memory-leak']],
  );
});

test('seeds load from libFuzzer and AFL++ layouts; unreadable files are warned about, not fatal', () => {
  const d = tmp();
  writeFileSync(join(d, 'a'), 'AAAA');
  mkdirSync(join(d, 'queue'));
  writeFileSync(join(d, 'queue', 'id:000000'), 'BBBBBBBB');
  writeFileSync(join(d, '.hidden'), 'x');
  writeFileSync(join(d, 'locked'), 'C');
  chmodSync(join(d, 'locked'), 0);
  const { seeds, warnings } = loadSeeds([d, join(d, 'nope')], 6);
  const got = seeds.map((s) => s.toString()).sort();
  if (process.getuid?.() === 0) assert.deepEqual(got, ['AAAA', 'BBBBBB', 'C']);
  else {
    assert.deepEqual(got, ['AAAA', 'BBBBBB']);
    assert.ok(warnings.some((w) => w.includes('locked')));
  }
  assert.ok(warnings.some((w) => w.includes('nope')));
});

test('binary check: missing, not executable, not ELF, no runtime, and a good one', () => {
  const d = tmp();
  assert.match(checkTargetBinary(join(d, 'none')) ?? '', /^target not found/);
  const text = join(d, 'script');
  writeFileSync(text, '#!/bin/sh\n');
  assert.match(checkTargetBinary(text) ?? '', /not executable/);
  chmodSync(text, 0o755);
  assert.match(checkTargetBinary(text) ?? '', /not an ELF/);
  const plain = join(d, 'plain');
  writeFileSync(plain, Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.alloc(3 << 20)]));
  chmodSync(plain, 0o755);
  assert.match(checkTargetBinary(plain) ?? '', /not linked with the fuzzwb runtime/);
  const good = join(d, 'good');
  // The marker straddles the 1 MiB read boundary to exercise the carry between chunks.
  const body = Buffer.alloc(2 << 20);
  body.write(RUNTIME_MARKER, (1 << 20) - 10, 'latin1');
  writeFileSync(good, Buffer.concat([Buffer.from('\x7fELF', 'latin1'), body]));
  chmodSync(good, 0o755);
  assert.equal(checkTargetBinary(good), null);
});
