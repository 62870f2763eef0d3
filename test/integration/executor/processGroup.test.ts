// The target runs in a process group of its own: a harness that kills its group cannot take the
// engine (here: this test process) along, and stopping the executor leaves none of it behind.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startExecutor, type StartedExecutor } from '../../../src/engine/exec/executor';
import { buildFixtureTarget } from '../../helpers/build';
import { groupMembers, procInfo, untilNone } from '../../helpers/procs';

let target: string | undefined;
const hostile = (): string =>
  (target ??= buildFixtureTarget(['hostile.c'], { sanitizers: 'none' }));

/**
 * Fails unless the fork server leads a group this process is not in. Every test that makes the
 * harness signal its group checks this first: on a target sharing our group the signal would
 * kill the test runner itself instead of failing a test.
 */
function assertOwnGroup(started: StartedExecutor): void {
  const server = started.handshake.serverPid;
  assert.equal(procInfo(server)?.pgrp, server, 'the fork server leads its own process group');
  assert.notEqual(procInfo(process.pid)?.pgrp, server, 'the engine is not in that group');
}

for (const persistent of [1, 100]) {
  describe(`persistent=${persistent}`, () => {
    test('the fork server leads a process group of its own, apart from the engine', async () => {
      const started = await startExecutor({ target: hostile(), timeoutMs: 2000, persistent });
      try {
        assertOwnGroup(started);
      } finally {
        await started.executor.stop();
      }
    });

    test('kill(0, SIGKILL) in the harness ends as server-died; the engine lives on', async () => {
      const started = await startExecutor({ target: hostile(), timeoutMs: 2000, persistent });
      const exec = started.executor;
      try {
        assertOwnGroup(started);
        const r = await exec.run(Buffer.from('K'));
        assert.equal(r.kind, 'server-died');
        const next = await exec.run(Buffer.from('o'));
        assert.equal(next.kind, 'ok', 'a new server runs the next input');
      } finally {
        await exec.stop();
      }
    });

    test("stop() kills the harness's own children with the group", async () => {
      const started = await startExecutor({ target: hostile(), timeoutMs: 2000, persistent });
      const server = started.handshake.serverPid;
      const r = await started.executor.run(Buffer.from('G'));
      assert.equal(r.kind, 'ok');
      const grandchildren = (): ReturnType<typeof groupMembers> =>
        groupMembers(server).filter((p) => p.pid !== server && p.ppid !== server);
      const left = grandchildren();
      await started.executor.stop();
      assert.ok(left.length >= 1, 'the harness left a grandchild in the group');
      assert.deepEqual(await untilNone(() => groupMembers(server), 3000), [], 'the group is gone');
    });
  });
}
