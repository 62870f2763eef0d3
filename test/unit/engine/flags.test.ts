// Unit tests of the libFuzzer-style flag parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FLAGS,
  flagsHelp,
  intFlag,
  parseArgs,
  stringFlag,
  UsageError,
} from '../../../src/engine/cli/flags';

test('defaults come from the table and positionals keep their order', () => {
  const p = parseArgs(['target', 'corpusA', 'corpusB']);
  assert.deepEqual(p.positional, ['target', 'corpusA', 'corpusB']);
  for (const f of FLAGS) assert.equal(p.flags[f.name], f.default);
});

test('-name=value sets int and string flags, -name alone means 1', () => {
  const p = parseArgs(['-runs=100', 't', '-artifact_prefix=out/', '--seed=7', '-help']);
  assert.equal(intFlag(p.flags, 'runs'), 100);
  assert.equal(intFlag(p.flags, 'seed'), 7);
  assert.equal(stringFlag(p.flags, 'artifact_prefix'), 'out/');
  assert.equal(intFlag(p.flags, 'help'), 1);
  assert.deepEqual(p.positional, ['t']);
});

test('unknown flags and non-numbers are one-line usage errors', () => {
  assert.throws(
    () => parseArgs(['-no_such_flag=1']),
    (e: unknown) => e instanceof UsageError && /no_such_flag/.test(e.message),
  );
  assert.throws(
    () => parseArgs(['-runs=ten']),
    (e: unknown) => e instanceof UsageError && /whole number/.test(e.message),
  );
});

test('a lone dash is a positional (stdin), not a flag', () => {
  assert.deepEqual(parseArgs(['-']).positional, ['-']);
});

test('help lists every flag', () => {
  const h = flagsHelp();
  for (const f of FLAGS) assert.match(h, new RegExp(`-${f.name}\\b`));
});
