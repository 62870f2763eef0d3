// The findings store's path guard: which artifact fields load, and which paths it may write or remove.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkedFindingPath,
  FindingPathError,
  isFindingName,
  isInside,
  splitPrefix,
  storedArtifactProblem,
  type RealPath,
} from '../../../src/engine/fuzz/findingPaths';

const SHA = 'a'.repeat(40);
const NAME = `crash-${SHA}`;

/** A file system of real paths: `/ws/f` is the findings folder; `/link` is a link into it. */
const table: Record<string, string> = {
  '/ws/f': '/ws/f',
  [`/ws/f/${NAME}`]: `/ws/f/${NAME}`,
  [`/ws/f/../f/${NAME}`]: `/ws/f/${NAME}`,
  '/home/u/victim': '/home/u/victim',
  '/ws/victim': '/ws/victim',
  [`/old/clone/f/${NAME}`]: `/old/clone/f/${NAME}`,
};
const real: RealPath = (p) => table[p];

test('the artifact field loads as the bare name, or as an older absolute path to that same input', () => {
  assert.equal(storedArtifactProblem(NAME, '/ws/f', NAME, real), undefined);
  assert.equal(storedArtifactProblem(`/ws/f/${NAME}`, '/ws/f', NAME, real), undefined);
  assert.equal(storedArtifactProblem(`/ws/f/../f/${NAME}`, '/ws/f', NAME, real), undefined);
});

test('an artifact field that names any other file is refused', () => {
  for (const stored of [
    '/home/u/victim',
    '../victim',
    `../f/${NAME}-other`,
    `crash-${'b'.repeat(40)}`,
    `/old/clone/f/${NAME}`,
    '',
    'x\0y',
  ]) {
    const problem = storedArtifactProblem(stored, '/ws/f', NAME, real);
    assert.ok(problem !== undefined, stored);
    assert.match(problem, /may only name its own input/);
  }
});

test('an input that is missing, or a link out of the folder, is refused whatever the field says', () => {
  assert.match(
    storedArtifactProblem(NAME, '/ws/f', `timeout-${SHA}`, real) ?? '',
    /input \/ws\/f\/timeout-a+ is missing/,
  );
  const linked: RealPath = (p) => (p === `/ws/f/${NAME}` ? '/home/u/victim' : real(p));
  assert.match(
    storedArtifactProblem(NAME, '/ws/f', NAME, linked) ?? '',
    /a link to \/home\/u\/victim, outside \/ws\/f/,
  );
  assert.match(storedArtifactProblem(NAME, '/gone', NAME, real) ?? '', /folder \/gone is gone/);
});

test('store names: the prefix stem, then crash-, leak-, timeout- or oom- and a sha1', () => {
  assert.deepEqual(splitPrefix('out/x-'), { head: 'out/', stem: 'x-' });
  assert.deepEqual(splitPrefix('out/'), { head: 'out/', stem: '' });
  assert.deepEqual(splitPrefix(''), { head: '', stem: '' });
  assert.ok(isFindingName(NAME, ''));
  assert.ok(isFindingName(`x-oom-${SHA}`, 'x-'));
  assert.ok(!isFindingName(`oom-${SHA}`, 'x-'));
  assert.ok(isFindingName(`leak-${SHA}`, ''));
  assert.ok(!isFindingName(`slow-unit-${SHA}`, ''));
  assert.ok(!isFindingName(`${NAME}.json`, ''));
  assert.ok(!isFindingName('victim', ''));
});

test('writes and removals only reach store names in the prefix folder', () => {
  assert.equal(checkedFindingPath('/ws/f/', `/ws/f/${NAME}`), `/ws/f/${NAME}`);
  assert.equal(checkedFindingPath('', NAME), NAME);
  assert.equal(checkedFindingPath('out/x-', `out/x-${NAME}`), `out/x-${NAME}`);
  for (const [prefix, path] of [
    ['/ws/f/', '/home/u/victim'],
    ['/ws/f/', `/ws/${NAME}`],
    ['/ws/f/', `/ws/f/sub/${NAME}`],
    ['/ws/f/', `/ws/f/../g/${NAME}`],
    ['out/x-', `out/${NAME}`],
    ['', '../victim'],
  ] as const) {
    assert.throws(() => checkedFindingPath(prefix, path), FindingPathError, path);
  }
});

test('inside means strictly below the folder', () => {
  assert.ok(isInside('/ws/f', '/ws/f/a'));
  assert.ok(isInside('/ws/f', '/ws/f/..a'));
  assert.ok(!isInside('/ws/f', '/ws/f'));
  assert.ok(!isInside('/ws/f', '/ws/fa'));
  assert.ok(!isInside('/ws/f', '/ws/victim'));
});
