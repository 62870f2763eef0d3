// The worker's side before it fuzzes: setup errors come back as typed messages, stop before run.
import assert from 'node:assert/strict';
import { STAGE_NAMES } from '../../../src/engine/fuzz/stage';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { FromWorker, ToWorker, WorkerSetup } from '../../../src/engine/workers/protocol';
import { runWorker, type ParentChannel } from '../../../src/engine/workers/worker';

function fakeParent(): ParentChannel & {
  sent: FromWorker[];
  deliver(msg: ToWorker): void;
  disconnect(): void;
} {
  const handlers: ((m: ToWorker) => void)[] = [];
  const gone: (() => void)[] = [];
  const sent: FromWorker[] = [];
  return {
    sent,
    send: (m) => sent.push(m),
    onMessage: (h) => handlers.push(h),
    onDisconnect: (h) => gone.push(h),
    deliver: (m) => handlers.forEach((h) => h(m)),
    disconnect: () => gone.forEach((h) => h()),
  };
}

function setup(over: Partial<WorkerSetup['options']>): WorkerSetup {
  return {
    index: 1,
    seed: 3,
    seeds: [],
    maxInputSize: 64,
    options: {
      target: '/nonexistent/fuzz-target',
      corpusDirs: [],
      maxLen: 64,
      seed: 3,
      timeoutMs: 1000,
      rssLimitMb: 0,
      startupTimeoutMs: 1000,
      dictPath: '',
      useCmp: true,
      stages: new Set(STAGE_NAMES),
      mode: 'hybrid',
      persistent: 0,
      artifactPrefix: '',
      verifyRuns: 0,
      triageSkip: '',
      sarifPath: '',
      keepGoing: false,
      detectLeaks: false,
      maxTotalTimeMs: 0,
      maxRuns: 0,
      sourceRoots: [],
      coverage: false,
      ...over,
    },
  };
}

test('a target that cannot be used is a startError of kind target', async () => {
  const parent = fakeParent();
  const done = runWorker(parent);
  parent.deliver({ t: 'setup', setup: setup({}) });
  assert.equal(await done, 1);
  assert.equal(parent.sent.length, 1);
  const [msg] = parent.sent;
  assert.equal(msg?.t, 'startError');
  assert.equal(msg?.t === 'startError' ? msg.kind : '', 'target');
});

test('a malformed dictionary is a startError of kind options', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwb-worker-'));
  const dict = join(dir, 'bad.dict');
  writeFileSync(dict, 'this is not a dictionary line\n');
  const parent = fakeParent();
  const done = runWorker(parent);
  parent.deliver({ t: 'setup', setup: setup({ dictPath: dict }) });
  assert.equal(await done, 1);
  const [msg] = parent.sent;
  assert.equal(msg?.t === 'startError' ? msg.kind : msg?.t, 'options');
});

test('a parent that goes away before the setup ends the worker', async () => {
  const parent = fakeParent();
  const done = runWorker(parent);
  parent.disconnect();
  assert.equal(await done, 1);
  assert.deepEqual(parent.sent, []);
});
