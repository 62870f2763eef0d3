// Runs the runtime's own protocol checks (a fake engine in C, test/native/runtime-smoke/).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../helpers/paths';

test('the runtime passes its protocol checks against a fake engine', () => {
  const r = spawnSync('bash', [join(repoRoot, 'test', 'native', 'runtime-smoke', 'run.sh')], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 240_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out.slice(-3000));
  const passed = out.split('\n').filter((l) => l.startsWith('ok ')).length;
  assert.ok(passed >= 30, `only ${passed} checks passed:\n${out.slice(-3000)}`);
  assert.doesNotMatch(out, /^FAIL/m);
});
