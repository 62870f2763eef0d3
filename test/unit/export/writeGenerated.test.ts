// Generated files are written whole, and a file the user changed is never overwritten unasked.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { GeneratedFile } from '../../../src/engine/export/clusterFuzzLite';
import {
  ConflictError,
  planWrites,
  sha1Text,
  writeGenerated,
} from '../../../src/engine/export/writeGenerated';

const files: GeneratedFile[] = [
  { path: 'a/x.sh', content: 'echo x\n', executable: true },
  { path: 'b.yml', content: 'b: 1\n' },
];

test('the plan writes new and untouched files, keeps equal ones, and flags hand edits', () => {
  const disk: Record<string, string> = { 'a/x.sh': 'echo old\n', 'b.yml': 'b: 1\n' };
  const current = (p: string): string | undefined => disk[p];
  const ours = planWrites(files, current, { 'a/x.sh': sha1Text('echo old\n') }, false);
  assert.deepEqual(
    ours.write.map((f) => f.path),
    ['a/x.sh'],
  );
  assert.deepEqual(ours.unchanged, ['b.yml']);
  assert.deepEqual(ours.conflicts, []);
  const edited = planWrites(files, current, { 'a/x.sh': sha1Text('echo older\n') }, false);
  assert.deepEqual(edited.conflicts, ['a/x.sh']);
  const forced = planWrites(files, current, {}, true);
  assert.deepEqual(
    forced.write.map((f) => f.path),
    ['a/x.sh'],
  );
  assert.deepEqual(planWrites(files, () => undefined, {}, false).write.length, 2);
});

test('writing: first export, re-export, hand edit refused (nothing written), -force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-export-'));
  const first = writeGenerated(dir, files, false);
  assert.equal(first.write.length, 2);
  assert.equal(readFileSync(join(dir, 'a/x.sh'), 'utf8'), 'echo x\n');
  assert.equal(statSync(join(dir, 'a/x.sh')).mode & 0o111, 0o111);
  assert.equal(writeGenerated(dir, files, false).unchanged.length, 2);

  const next: GeneratedFile[] = files.map((f) => ({ ...f, content: `${f.content}# v2\n` }));
  writeFileSync(join(dir, 'b.yml'), 'b: 2 # mine\n');
  assert.throws(
    () => writeGenerated(dir, next, false),
    (e: Error) => e instanceof ConflictError && /b\.yml.*-force=1/.test(e.message),
  );
  // All or nothing: the untouched file was not rewritten either.
  assert.equal(readFileSync(join(dir, 'a/x.sh'), 'utf8'), 'echo x\n');
  assert.equal(readFileSync(join(dir, 'b.yml'), 'utf8'), 'b: 2 # mine\n');

  assert.equal(writeGenerated(dir, next, true).write.length, 2);
  assert.equal(readFileSync(join(dir, 'b.yml'), 'utf8'), 'b: 1\n# v2\n');
  // After a forced export the files are ours again.
  assert.equal(writeGenerated(dir, files, false).write.length, 2);
});

test("a file that existed before any export counts as the user's", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-export-'));
  writeFileSync(join(dir, 'b.yml'), 'hand written\n');
  assert.throws(() => writeGenerated(dir, files, false), ConflictError);
});
