// The pieces of an engine crash report: the exit cause and the last stderr lines.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeExit, LineTail } from '../../../../src/extension/engine/engineProcess';

test('describes a signal, an exit code and a closed connection', () => {
  assert.equal(
    describeExit({ code: null, signal: 'SIGKILL' }),
    'the engine was killed by SIGKILL (killed, or out of memory)',
  );
  assert.equal(describeExit({ code: null, signal: 'SIGSEGV' }), 'the engine was killed by SIGSEGV');
  assert.equal(describeExit({ code: 3, signal: null }), 'the engine exited with code 3');
  assert.equal(describeExit(undefined), 'the engine closed its connection');
});

test('LineTail keeps the last complete lines and the partial one, across chunk boundaries', () => {
  const t = new LineTail(2);
  assert.deepEqual(t.push('one\ntw'), ['one']);
  assert.deepEqual(t.push('o\n\nthree\nfou'), ['two', 'three']);
  assert.equal(t.text, 'two\nthree\nfou');
});
