// The server's session host with a fake fuzzing run: what reaches the client, and when.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NotificationType } from 'vscode-languageserver-protocol';
import type { FuzzSessionEvents } from '../../../src/engine/session/fuzzSession';
import { SessionHost, SessionRequestError } from '../../../src/engine/server/sessionHost';
import type { FuzzRun, FuzzRunOptions } from '../../../src/engine/workers/startRun';
import type { LoopStats } from '../../../src/engine/fuzz/loop';
import type { StartParams } from '../../../src/protocol/messages';
import type { BatchFinding } from '../../../src/engine/native/types';
import type { TriageOutcome } from '../../../src/engine/triage/triager';

interface Sent {
  method: string;
  params: unknown;
}

const stats = (execs: number): LoopStats => ({
  execs,
  corpus: 1,
  cov: 10,
  elapsedMs: execs,
  execsPerSec: 1000,
});

const PARAMS: StartParams = {
  target: {
    name: 't',
    binary: '/bin/t',
    corpusDir: '/c',
    seedDirs: ['/seeds'],
    artifactPrefix: '/a/',
    sourceRoots: ['/src'],
  },
  options: {
    maxLen: 64,
    timeoutMs: 500,
    rssLimitMb: 100,
    mode: 'fork',
    persistent: 0,
    workers: 1,
    maxTotalTimeSec: 0,
    useCmp: true,
  },
};

/** A run that ends when stopped, and the events and options it was started with. */
function fakeRun() {
  let events: FuzzSessionEvents | undefined;
  let options: FuzzRunOptions | undefined;
  let finish: (end: 'stopped') => void = () => undefined;
  const run = {
    usedSeed: 1,
    findings: { size: 2 },
    coverage: undefined,
    liveStats: stats(5000),
    stop: () => finish('stopped'),
    run: () =>
      new Promise((resolve) => {
        finish = (end) =>
          resolve({
            end,
            stats: stats(9),
            uniqueFindings: 0,
            firstFinding: undefined,
            hybrid: false,
          });
      }),
    close: () => Promise.resolve(),
  } as unknown as FuzzRun;
  const start = (o: FuzzRunOptions, e: FuzzSessionEvents): Promise<FuzzRun> => {
    options = o;
    events = e;
    return Promise.resolve(run);
  };
  return { start, events: () => events, options: () => options };
}

function recorder(): {
  sent: Sent[];
  client: { sendNotification: <P>(t: NotificationType<P>, p: P) => Promise<void> };
} {
  const sent: Sent[] = [];
  return {
    sent,
    client: {
      sendNotification: (type, params) => {
        sent.push({ method: type.method, params });
        return Promise.resolve();
      },
    },
  };
}

test("starts with keep-going, coverage and the target's directories; refuses a second start", async () => {
  const fake = fakeRun();
  const { client } = recorder();
  const host = new SessionHost(client, { startupTimeoutMs: 1, verifyRuns: 3 }, fake.start);
  const r = await host.start(PARAMS);
  assert.deepEqual(r, { sessionId: 1, knownFindings: 2 });
  const o = fake.options();
  assert.equal(o?.keepGoing, true);
  assert.equal(o?.coverage, true);
  assert.deepEqual(o?.corpusDirs, ['/c', '/seeds']);
  assert.equal(o?.artifactPrefix, '/a/');
  assert.equal(o?.timeoutMs, 500);
  assert.equal(o?.verifyRuns, 3);
  await assert.rejects(host.start(PARAMS), SessionRequestError);
  assert.deepEqual(await host.stop(), { stopped: true });
  assert.deepEqual(await host.stop(), { stopped: false });
});

test('events become notifications: statuses rate-limited, findings and the end at once', async () => {
  const fake = fakeRun();
  const { sent, client } = recorder();
  const host = new SessionHost(client, { startupTimeoutMs: 1, verifyRuns: 0 }, fake.start);
  await host.start(PARAMS);
  const ev = fake.events();
  assert.ok(ev !== undefined);
  for (let i = 1; i <= 50; i++) ev.status('NEW', stats(i), 0);
  ev.status('UNIQUE', stats(51), 1);
  ev.info('hello');
  const record = { artifact: '/a/crash-1', type: 'heap-buffer-overflow READ' };
  ev.newFinding({} as BatchFinding, { record } as unknown as TriageOutcome);
  ev.smallerFinding({ record } as unknown as TriageOutcome);
  assert.deepEqual(
    sent.filter((s) => s.method === 'fuzzwb/finding').map((s) => s.params),
    [
      { sessionId: 1, record, isNew: true },
      { sessionId: 1, record, isNew: false },
    ],
  );
  const statuses = sent.filter((s) => s.method === 'fuzzwb/status');
  assert.ok(statuses.length <= 3, `50 NEW in a burst are not 50 notifications: ${statuses.length}`);
  assert.equal((statuses.at(-1)?.params as { tag: string }).tag, 'UNIQUE');
  assert.ok(sent.some((s) => s.method === 'fuzzwb/log'));
  await host.stop();
  const ended = sent.filter((s) => s.method === 'fuzzwb/sessionEnded');
  assert.deepEqual(
    ended.map((s) => s.params),
    [{ sessionId: 1, end: 'stopped' }],
  );
  // A new session gets a new id.
  assert.equal((await host.start(PARAMS)).sessionId, 2);
  await host.stop();
});

test('a failed run ends the session with its error, logged', async () => {
  const { sent, client } = recorder();
  const failing = (): Promise<FuzzRun> =>
    Promise.resolve({
      findings: { size: 0 },
      coverage: undefined,
      liveStats: undefined,
      stop: () => undefined,
      run: () => Promise.reject(new Error('fork server died')),
      close: () => Promise.resolve(),
    } as unknown as FuzzRun);
  const host = new SessionHost(client, { startupTimeoutMs: 1, verifyRuns: 0 }, failing);
  await host.start(PARAMS);
  await new Promise((r) => setImmediate(r));
  const ended = sent.find((s) => s.method === 'fuzzwb/sessionEnded');
  assert.deepEqual(ended?.params, { sessionId: 1, end: 'error', error: 'fork server died' });
  assert.ok(
    sent.some(
      (s) => s.method === 'fuzzwb/log' && /fork server died/.test(JSON.stringify(s.params)),
    ),
  );
  assert.deepEqual(host.snapshot({}), { files: [], totals: undefined });
});
