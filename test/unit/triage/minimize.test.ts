// Crash minimization against a fake target: shrinks to the bytes the crash needs, within limits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { minimizeCrash } from '../../../src/engine/triage/minimize';

/** Crashes when the input holds "BUG" followed, anywhere later, by a byte >= 0x80. */
const crashes = (b: Buffer): Promise<boolean> => {
  const at = b.indexOf('BUG');
  return Promise.resolve(at >= 0 && b.subarray(at + 3).some((x) => x >= 0x80));
};

test('chunks, then bytes are removed and the rest simplified while it still crashes', async () => {
  const input = Buffer.concat([
    Buffer.from('lots of leading junk '.repeat(20)),
    Buffer.from('BUG'),
    Buffer.from('zz'),
    Buffer.from([0xff]),
    Buffer.from(' trailing'.repeat(10)),
  ]);
  const r = await minimizeCrash(input, crashes, { maxRuns: 0, maxTimeMs: 0 });
  assert.deepEqual(r.input, Buffer.concat([Buffer.from('BUG'), Buffer.from([0xff])]));
  assert.equal(r.limited, false);
  assert.ok(await crashes(r.input));
});

test('-runs bounds the work, and the result still crashes', async () => {
  const input = Buffer.concat([Buffer.alloc(500, 0x41), Buffer.from('BUG'), Buffer.from([0x90])]);
  let calls = 0;
  const counted = (b: Buffer): Promise<boolean> => {
    calls++;
    return crashes(b);
  };
  const r = await minimizeCrash(input, counted, { maxRuns: 20, maxTimeMs: 0 });
  assert.equal(r.limited, true);
  assert.equal(calls, 20);
  assert.ok(r.input.length < input.length);
  assert.ok(await crashes(r.input));
});

test('the time budget stops the search', async () => {
  let t = 0;
  const r = await minimizeCrash(Buffer.from('xxBUG\x90xx'), crashes, {
    maxRuns: 0,
    maxTimeMs: 5,
    now: () => (t += 1),
  });
  assert.equal(r.limited, true);
  assert.ok(r.runs <= 5);
});
