// The engine server's last words: the client hears why, then the process exits non-zero.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXIT_ENGINE_ERROR, fatalHandler } from '../../../src/engine/server/fatalErrors';

test('logs the stack to the client and stderr, then exits non-zero once', async () => {
  const logs: string[] = [];
  const exits: number[] = [];
  const errs: string[] = [];
  const die = fatalHandler(
    (m) => {
      logs.push(m);
      return Promise.resolve();
    },
    (code) => exits.push(code),
    (t) => errs.push(t),
  );
  die('crashed', new Error('boom'));
  die('crashed', new Error('second'));
  await new Promise((r) => setImmediate(r));
  assert.equal(logs.length, 1);
  assert.match(logs[0] ?? '', /^engine crashed: Error: boom\n\s+at /);
  assert.equal(errs.length, 2, 'every error reaches stderr');
  assert.deepEqual(exits, [EXIT_ENGINE_ERROR]);
  assert.notEqual(EXIT_ENGINE_ERROR, 0);
});

test('exits after the grace time when the client never takes the log', async () => {
  const exits: number[] = [];
  const die = fatalHandler(
    () => new Promise<void>(() => undefined),
    (code) => exits.push(code),
    () => undefined,
    20,
  );
  die('crashed (unhandled rejection)', 'not an Error');
  assert.deepEqual(exits, []);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(exits, [EXIT_ENGINE_ERROR]);
});
