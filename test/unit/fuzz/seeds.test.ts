// Seed loading: libFuzzer and AFL++ corpus layouts, and corpus files that cannot be used.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadSeeds } from '../../../src/engine/fuzz/seeds';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'fwb-seeds-'));
const texts = (seeds: Buffer[]): string[] => seeds.map((s) => s.toString()).sort();

/** An AFL++ instance directory as `afl-fuzz -o out` leaves it (names as AFL++ 4 writes them). */
function aflInstance(dir: string, inputs: string[]): void {
  mkdirSync(join(dir, 'queue', '.state', 'auto_extras'), { recursive: true });
  mkdirSync(join(dir, 'crashes'));
  mkdirSync(join(dir, 'hangs'));
  for (const [i, text] of inputs.entries()) {
    const id = String(i).padStart(6, '0');
    writeFileSync(join(dir, 'queue', `id:${id},time:0,execs:${i},orig:seed${i}`), text);
  }
  writeFileSync(join(dir, 'queue', '.state', 'auto_extras', 'auto_0000'), 'TOKEN');
  writeFileSync(join(dir, 'crashes', 'README.txt'), 'Command line used to find this crash');
  writeFileSync(join(dir, 'crashes', 'id:000000,sig:11,src:000000,op:havoc'), 'CRASH');
  writeFileSync(join(dir, '.cur_input'), 'CURRENT');
  writeFileSync(join(dir, 'fuzzer_stats'), 'start_time : 1\n');
  writeFileSync(join(dir, 'fuzzer_setup'), 'AFL_NO_UI=1\n');
  writeFileSync(join(dir, 'plot_data'), '# relative_time\n');
  writeFileSync(join(dir, 'cmdline'), './target\n@@\n');
  writeFileSync(join(dir, 'fuzz_bitmap'), Buffer.alloc(1024, 0xff));
  writeFileSync(join(dir, 'target_hash'), '0x1234\n');
}

test('a libFuzzer corpus: every file, dot files skipped, each content once across dirs', () => {
  const a = tmp();
  const b = tmp();
  writeFileSync(join(a, '0123456789abcdef0123456789abcdef01234567'), 'one');
  writeFileSync(join(a, 'two'), 'two');
  writeFileSync(join(a, '.0123.tmp-42-0'), 'half-written');
  writeFileSync(join(a, 'empty'), '');
  writeFileSync(join(b, 'same-as-one'), 'one');
  const got = loadSeeds([a, b], 100);
  assert.deepEqual(texts(got.seeds), ['', 'one', 'two']);
  assert.equal(got.duplicates, 1);
  assert.deepEqual(got.warnings, []);
});

test('an AFL++ output directory: only the queue of each instance, no state files', () => {
  const out = tmp();
  aflInstance(join(out, 'default'), ['seedA', 'seedB']);
  const got = loadSeeds([out], 100);
  assert.deepEqual(texts(got.seeds), ['seedA', 'seedB']);
  assert.deepEqual(got.warnings, []);
});

test('an AFL++ instance directory given directly, and several instances (main, secondary)', () => {
  const out = tmp();
  aflInstance(join(out, 'main'), ['m1', 'shared']);
  aflInstance(join(out, 'secondary1'), ['s1', 'shared']);
  const one = loadSeeds([join(out, 'main')], 100);
  assert.deepEqual(texts(one.seeds), ['m1', 'shared']);
  const all = loadSeeds([out], 100);
  assert.deepEqual(texts(all.seeds), ['m1', 's1', 'shared']);
  assert.equal(all.duplicates, 1);
  assert.deepEqual(all.warnings, []);
});

test('a bare queue/ folder next to loose files: both are read', () => {
  const d = tmp();
  writeFileSync(join(d, 'loose'), 'loose');
  mkdirSync(join(d, 'queue'));
  writeFileSync(join(d, 'queue', 'id:000000,orig:x'), 'queued');
  assert.deepEqual(texts(loadSeeds([d], 100).seeds), ['loose', 'queued']);
});

test('unusable corpus entries are skipped with a warning naming each; the rest loads', () => {
  const d = tmp();
  writeFileSync(join(d, 'good'), 'good');
  symlinkSync(join(d, 'gone'), join(d, 'dangling'));
  mkdirSync(join(d, 'subdir'));
  execFileSync('mkfifo', [join(d, 'fifo')]);
  writeFileSync(join(d, 'locked'), 'locked');
  chmodSync(join(d, 'locked'), 0);
  const got = loadSeeds([d, join(d, 'missing-dir')], 100);
  const warned = (what: string, why: RegExp): void => {
    const line = got.warnings.find((w) => w.includes(join(d, what)));
    assert.ok(line !== undefined, `no warning for ${what}: ${got.warnings.join(' | ')}`);
    assert.match(line, why);
  };
  warned('dangling', /dangling symbolic link/);
  warned('subdir', /a directory, not a file/);
  warned('fifo', /not a regular file/);
  warned('missing-dir', /cannot read corpus directory.*ENOENT/);
  // root reads a mode-000 file anyway; anyone else cannot.
  if (process.getuid?.() === 0) assert.ok(texts(got.seeds).includes('locked'));
  else warned('locked', /unreadable corpus file.*EACCES/);
  assert.ok(texts(got.seeds).includes('good'));
});

test('an over-long file is cut to maxLen (only that much is read) with one warning', () => {
  const d = tmp();
  writeFileSync(join(d, 'big1'), Buffer.alloc(1 << 20, 0x41));
  writeFileSync(join(d, 'big2'), Buffer.alloc(1 << 20, 0x42));
  writeFileSync(join(d, 'small'), 'ok');
  const got = loadSeeds([d], 16);
  assert.deepEqual(
    got.seeds.map((s) => s.length),
    [16, 16, 2],
  );
  assert.equal(got.truncated, 2);
  assert.equal(got.warnings.length, 1);
  assert.match(got.warnings[0] ?? '', /2 corpus file\(s\) longer than -max_len=16/);
});
