// The corpus folder: each input once, a full disk a warning, a reduction removes only its own.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CorpusWriter } from '../../../src/engine/corpus/corpusWriter';
import { sha1 } from '../../../src/engine/fuzz/artifacts';

const b = (s: string): Buffer => Buffer.from(s);
const names = (dir: string): string[] => readdirSync(dir).sort();

function writer(): { dir: string; w: CorpusWriter; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-cw-'));
  const warnings: string[] = [];
  return { dir, w: new CorpusWriter(dir, (m) => warnings.push(m)), warnings };
}

test('an input is one file named by its content, however often it is added', () => {
  const { dir, w } = writer();
  assert.ok(w.add(b('abc')));
  assert.ok(w.add(b('abc')));
  assert.deepEqual(names(dir), [sha1(b('abc'))]);
});

test('a reduction writes the shorter input and removes the longer one this run wrote', () => {
  const { dir, w, warnings } = writer();
  w.add(b('long input'));
  w.add(b('other'));
  assert.ok(w.replace(b('short'), b('long input')));
  assert.deepEqual(names(dir), [sha1(b('other')), sha1(b('short'))].sort());
  // Replacing it again (another worker's entry held it too) finds nothing left to remove.
  assert.ok(w.replace(b('shorter'), b('long input')));
  assert.deepEqual(names(dir), [sha1(b('other')), sha1(b('short')), sha1(b('shorter'))].sort());
  assert.deepEqual(warnings, []);
});

test('files that were in the folder before the run stay when they are reduced', () => {
  const { dir, w } = writer();
  writeFileSync(join(dir, sha1(b('a seed'))), 'a seed');
  w.add(b('a seed'));
  w.replace(b('seed'), b('a seed'));
  assert.deepEqual(names(dir), [sha1(b('a seed')), sha1(b('seed'))].sort());
});

test('a reduction to bytes already on disk removes the longer file and keeps the shorter', () => {
  const { dir, w } = writer();
  w.add(b('xy'));
  w.add(b('xyz'));
  w.replace(b('xy'), b('xyz'));
  assert.deepEqual(names(dir), [sha1(b('xy'))]);
});

test('a corpus that cannot be written warns once, counts the failures and removes nothing', () => {
  const { dir, warnings } = writer();
  const blocked = join(dir, 'not-a-dir');
  writeFileSync(blocked, '');
  const w = new CorpusWriter(blocked, (m) => warnings.push(m));
  assert.equal(w.add(b('one')), false);
  assert.equal(w.replace(b('two'), b('one')), false);
  assert.equal(w.failures, 2);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? '', /cannot write new inputs to the corpus .*not-a-dir/);
  assert.deepEqual(names(dir), ['not-a-dir']);
});
