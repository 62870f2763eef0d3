// Path resolution against roots: absolute, relative, moved trees, symlinks, unresolved names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PathResolver, type PathFs } from '../../../src/engine/coverage/pathResolver';

/** A fake file system: existing files, and symlinks mapped to their targets. */
function fakeFs(files: string[], links: Record<string, string> = {}): PathFs {
  const all = new Set([...files, ...Object.keys(links)]);
  return {
    isFile: (p) => all.has(p),
    realpath: (p) => {
      const t = links[p];
      if (t !== undefined && !files.includes(t)) throw new Error('dangling');
      return t ?? p;
    },
  };
}

test('table of names and what they resolve to', () => {
  const fs = fakeFs(['/ws/src/a.c', '/ws/lib/b.h', '/real/c.c', '/ws/x/inflate.c'], {
    '/ws/link/c.c': '/real/c.c',
    '/ws/dangling.c': '/nowhere.c',
  });
  const r = new PathResolver(['/ws', '/ws/lib'], fs);
  const cases: [string, string, boolean][] = [
    ['/ws/src/a.c', '/ws/src/a.c', true],
    ['src/a.c', '/ws/src/a.c', true],
    ['./src/../src/a.c', '/ws/src/a.c', true],
    ['b.h', '/ws/lib/b.h', true],
    ['/ws/link/c.c', '/real/c.c', true],
    ['/build/pkg-1.0/src/a.c', '/ws/src/a.c', true],
    ['/ws/build/../x/inflate.c', '/ws/x/inflate.c', true],
    ['/usr/include/stdio.h', '/usr/include/stdio.h', false],
    ['gen/parser.c', 'gen/parser.c', false],
    ['/ws/dangling.c', '/ws/dangling.c', false],
  ];
  for (const [name, path, resolved] of cases) {
    assert.deepEqual(r.resolve(name), { path, resolved }, name);
  }
  assert.deepEqual(r.unresolved(), ['/usr/include/stdio.h', '/ws/dangling.c', 'gen/parser.c']);
});

test('answers are memoized', () => {
  let asked = 0;
  const fs: PathFs = {
    isFile: (p) => {
      asked++;
      return p === '/ws/a.c';
    },
    realpath: (p) => p,
  };
  const r = new PathResolver(['/ws'], fs);
  r.resolve('a.c');
  const before = asked;
  assert.equal(r.resolve('a.c').path, '/ws/a.c');
  assert.equal(asked, before);
});
