// The after-fork hook: a worker thread started in LLVMFuzzerInitialize is gone in every child,
// and fuzzwb_after_fork brings it back before the input runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startExecutor } from '../../../src/engine/exec/executor';
import { buildFixtureTarget } from '../../helpers/build';

for (const sanitizers of ['address', 'none']) {
  test(`the hook restarts the worker in each child (sanitizers=${sanitizers})`, async () => {
    const target = buildFixtureTarget(['after_fork.c'], { sanitizers, flags: ['-pthread'] });
    const { executor } = await startExecutor({ target, timeoutMs: 5000 });
    try {
      const pids = new Set<number>();
      for (let i = 0; i < 20; i++) {
        const r = await executor.run(Buffer.from([i]));
        assert.equal(r.kind, 'ok', r.output.toString().slice(-500));
        pids.add(r.pid);
      }
      assert.equal(pids.size, 20, 'a fresh child for every input');
    } finally {
      await executor.stop();
    }
  });
}

test('without the hook the child has no worker (the hook is what makes it work)', async () => {
  const target = buildFixtureTarget(['after_fork.c'], { sanitizers: 'none', flags: ['-pthread'] });
  const { executor } = await startExecutor({
    target,
    timeoutMs: 5000,
    baseEnv: { ...process.env, AFTER_FORK_TEST_SKIP_HOOK: '1' },
  });
  try {
    const r = await executor.run(Buffer.from('x'));
    assert.notEqual(r.kind, 'ok');
  } finally {
    await executor.stop();
  }
});
