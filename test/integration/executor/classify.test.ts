// Every way an execution can end, on real targets built with fuzzwb-cc: classified right, report
// captured whole, and the executor keeps going afterwards.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startExecutor, type StartedExecutor } from '../../../src/engine/exec/executor';
import type { ExecResult, NativeExecutor } from '../../../src/engine/native/types';
import { buildFixtureTarget } from '../../helpers/build';

const NO_UBSAN_SIGNALS =
  'handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigfpe=0:handle_sigill=0';

const input = (s: string | Buffer): Buffer => (typeof s === 'string' ? Buffer.from(s) : s);

async function expectOkAfter(exec: NativeExecutor): Promise<void> {
  const r = await exec.run(input('ok'));
  assert.equal(
    r.kind,
    'ok',
    `the executor keeps going: ${r.kind} ${r.output.toString().slice(-300)}`,
  );
}

function outputOf(r: ExecResult): string {
  return r.output.toString('utf8');
}

for (const sanitizers of ['address', 'none']) {
  describe(`fork mode, sanitizers=${sanitizers}`, () => {
    let started: StartedExecutor;
    let exec: NativeExecutor;
    const asan = sanitizers === 'address';

    before(async () => {
      const target = buildFixtureTarget(['behaviours.c'], { sanitizers });
      started = await startExecutor({
        target,
        timeoutMs: 2000,
        rssLimitMb: 200,
        outputLimit: 256 * 1024,
        // Without a sanitizer, clang still links UBSan's standalone runtime for coverage builds;
        // keep its signal handlers out so a crash stays a plain signal and our runtime reports it.
        // Not under ASan: its runtime reads UBSAN_OPTIONS too, and the last word would win.
        baseEnv: asan ? process.env : { ...process.env, UBSAN_OPTIONS: NO_UBSAN_SIGNALS },
      });
      exec = started.executor;
    });
    after(async () => {
      await exec.stop();
    });

    test('handshake names the executable module and its counters', () => {
      assert.ok(started.handshake.countersUsed > 0);
      assert.ok(started.handshake.modules.some((m) => m.path.endsWith(`behaviours-${sanitizers}`)));
      assert.equal((started.handshake.runtimeFlags & 1) !== 0, asan, 'FWB_RT_ASAN flag');
    });

    test('ok inputs end ok and the counters show what ran', async () => {
      const a = await exec.run(input('o'));
      assert.equal(a.kind, 'ok');
      const hitA = Buffer.from(exec.counters());
      const b = await exec.run(input('ox'));
      assert.equal(b.kind, 'ok');
      const hitB = Buffer.from(exec.counters());
      assert.notDeepEqual(hitA, hitB, 'a different path hits different counters');
      assert.ok(hitB.some((c) => c !== 0));
    });

    test('a write through a null pointer is a crash (or an ASan SEGV report)', async () => {
      const r = await exec.run(input('s'));
      if (asan) {
        assert.equal(r.kind, 'sanitizer');
        assert.match(outputOf(r), /ERROR: AddressSanitizer: SEGV/);
      } else {
        assert.equal(r.kind, 'crash');
        assert.equal(r.signal, 11);
        assert.match(outputOf(r), /deadly signal/);
      }
      await expectOkAfter(exec);
    });

    test('abort() is classified and reported', async () => {
      const r = await exec.run(input('a'));
      if (asan) {
        assert.equal(r.kind, 'sanitizer');
        assert.match(outputOf(r), /AddressSanitizer: ABRT/);
      } else {
        assert.equal(r.kind, 'crash');
        assert.equal(r.signal, 6);
      }
      await expectOkAfter(exec);
    });

    test('a hang is killed at the timeout', async () => {
      const r = await exec.run(input('t'));
      assert.equal(r.kind, 'timeout');
      assert.ok(r.durationUs >= 1_900_000 && r.durationUs < 8_000_000, `took ${r.durationUs} us`);
      await expectOkAfter(exec);
    });

    test('unbounded allocation ends as out-of-memory', async () => {
      const r = await exec.run(input('m'));
      assert.equal(r.kind, 'oom', outputOf(r).slice(-400));
      await expectOkAfter(exec);
    });

    test('exit(3) is an exit with code 3', async () => {
      const r = await exec.run(input('e'));
      assert.equal(r.kind, 'exit');
      assert.equal(r.exitCode, 3);
      await expectOkAfter(exec);
    });

    test('killing the fork server is server-died, and the next input runs on a new server', async () => {
      const r = await exec.run(input('k'));
      assert.equal(r.kind, 'server-died');
      await expectOkAfter(exec);
      const again = await exec.run(input('ox'));
      assert.equal(again.kind, 'ok');
    });

    test('megabytes of stderr before the crash: the report is captured whole, memory bounded', async () => {
      const r = await exec.run(Buffer.from([0x6e, 8])); // 'n', 8 MiB of noise
      assert.ok(r.outputTruncated, 'the noise was cut');
      assert.ok(r.output.length <= 256 * 1024);
      if (asan) {
        assert.equal(r.kind, 'sanitizer');
        const text = outputOf(r);
        assert.match(text, /==\d+==ERROR: AddressSanitizer: heap-buffer-overflow/);
        assert.match(text, /SUMMARY: AddressSanitizer: heap-buffer-overflow/);
      } else {
        assert.equal(r.kind, 'crash');
        assert.match(outputOf(r), /deadly signal/);
      }
      await expectOkAfter(exec);
    });
  });
}

describe('ASan reports', () => {
  test('a heap overflow is a sanitizer end with the report and source frames', async () => {
    const target = buildFixtureTarget(['behaviours.c'], { sanitizers: 'address' });
    const { executor } = await startExecutor({ target, timeoutMs: 2000 });
    try {
      const r = await executor.run(input('h'));
      assert.equal(r.kind, 'sanitizer');
      assert.equal(r.exitCode, 76);
      const text = outputOf(r);
      assert.match(text, /ERROR: AddressSanitizer: heap-buffer-overflow/);
      assert.match(text, /#0 0x[0-9a-f]+ in LLVMFuzzerTestOneInput .*behaviours\.c:\d+/);
      await expectOkAfter(executor);
    } finally {
      await executor.stop();
    }
  });
});

describe('persistent mode', () => {
  test('many inputs per child, coverage reset between inputs, crashes still classified', async () => {
    const target = buildFixtureTarget(['behaviours.c'], { sanitizers: 'address' });
    const { executor } = await startExecutor({ target, timeoutMs: 2000, persistent: 100 });
    try {
      const pids = new Set<number>();
      for (let i = 0; i < 50; i++) {
        const r = await executor.run(input(i % 2 === 0 ? 'o' : 'ox'));
        assert.equal(r.kind, 'ok');
        pids.add(r.pid);
      }
      assert.equal(pids.size, 1, 'one child ran all 50');
      await executor.run(input('ox'));
      const withX = Buffer.from(executor.counters());
      await executor.run(input('o'));
      const withoutX = Buffer.from(executor.counters());
      assert.notDeepEqual(withX, withoutX, 'counters were reset between inputs');
      const crash = await executor.run(input('h'));
      assert.equal(crash.kind, 'sanitizer');
      const next = await executor.run(input('o'));
      assert.equal(next.kind, 'ok');
      assert.ok(!pids.has(next.pid), 'a new child after the crash');
    } finally {
      await executor.stop();
    }
  });
});
