// The runtime's channel descriptors and a harness that closes descriptors: a loop up to 1024 does
// not reach them, and one that closes them all ends the run with one clear error, not a timeout.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startExecutor, TargetError } from '../../../src/engine/exec/executor';
import { TARGET_FAULT_CODE } from '../../../src/engine/native/types';
import { buildFixtureTarget } from '../../helpers/build';

let target: string | undefined;
const hostile = (): string =>
  (target ??= buildFixtureTarget(['hostile.c'], { sanitizers: 'none', name: 'hostile-fds' }));

const CHANNEL_LOST = /^the target closed the fuzzer's channel \(fd \d+\)$/;
const TIMEOUT_MS = 5000;

for (const persistent of [1, 100]) {
  describe(`persistent=${persistent}`, () => {
    test('a harness that closes fds 0..1023 runs on: the channel is out of its reach', async () => {
      const { executor } = await startExecutor({
        target: hostile(),
        timeoutMs: TIMEOUT_MS,
        persistent,
      });
      try {
        for (let i = 0; i < 3; i++) {
          const r = await executor.run(Buffer.from('C'));
          assert.equal(r.kind, 'ok', `run ${i}: ${r.kind} after ${r.durationUs} us`);
        }
        assert.equal((await executor.run(Buffer.from('o'))).kind, 'ok');
      } finally {
        await executor.stop();
      }
    });

    test('a harness that closes every fd fails the run with one clear line, at once', async () => {
      const { executor } = await startExecutor({
        target: hostile(),
        timeoutMs: TIMEOUT_MS,
        persistent,
      });
      try {
        const t0 = Date.now();
        await assert.rejects(executor.run(Buffer.from('X')), (err: Error & { code?: string }) => {
          assert.match(err.message, CHANNEL_LOST);
          assert.equal(err.code, TARGET_FAULT_CODE);
          return true;
        });
        assert.ok(Date.now() - t0 < TIMEOUT_MS / 2, `not the timeout: ${Date.now() - t0} ms`);
      } finally {
        await executor.stop();
      }
    });
  });
}

test('an LLVMFuzzerInitialize that closes every fd fails the start with one clear line', async () => {
  await assert.rejects(
    startExecutor({
      target: hostile(),
      baseEnv: { ...process.env, HOSTILE_INIT_CLOSE: '1' },
    }),
    (err: Error) => {
      assert.ok(err instanceof TargetError);
      assert.match(
        err.message,
        /^the target closed the fuzzer's channel \(fd \d+\) before the fork server started$/,
      );
      return true;
    },
  );
});
