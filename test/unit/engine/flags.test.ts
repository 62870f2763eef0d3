// Unit tests of the libFuzzer-style flag parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FLAGS,
  flagsHelp,
  parseArgs,
  timeoutMsOf,
  UsageError,
} from '../../../src/engine/cli/flags';

test('defaults come from the table and positionals keep their order', () => {
  const p = parseArgs(['target', 'corpusA', 'corpusB']);
  assert.deepEqual(p.positional, ['target', 'corpusA', 'corpusB']);
  const values = p.flags as Record<string, number | string>;
  for (const f of FLAGS) assert.equal(values[f.name], f.default);
});

test('-name=value sets int and string flags, -name alone means 1', () => {
  const p = parseArgs(['-runs=100', 't', '-artifact_prefix=out/', '--seed=7', '-help']);
  assert.equal(p.flags.runs, 100);
  assert.equal(p.flags.seed, 7);
  assert.equal(p.flags.artifact_prefix, 'out/');
  assert.equal(p.flags.help, 1);
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

/** The one line a bad command line gets (the CLI prints it and exits 2). */
function usageLine(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (e) {
    assert.ok(e instanceof UsageError, `not a UsageError: ${String(e)}`);
    assert.doesNotMatch(e.message, /\n/);
    return e.message;
  }
  assert.fail(`accepted: ${argv.join(' ')}`);
}

test('out-of-range numbers are one line naming the flag and its range', () => {
  assert.match(
    usageLine(['-timeout=-1']),
    /^-timeout takes a whole number from 0 to \d+, not -1 \(see -help=1\)$/,
  );
  assert.match(usageLine(['-rss_limit_mb=-1']), /-rss_limit_mb takes a whole number from 0/);
  assert.match(usageLine(['-workers=-1']), /-workers takes a whole number from 0 to 1024/);
  assert.match(usageLine(['-runs=-2']), /-runs takes a whole number from -1/);
  assert.match(usageLine(['-max_len=99999999999999']), /-max_len takes .* not 99999999999999/);
  assert.match(usageLine(['-seed=1e3']), /-seed takes .* not "1e3"/);
  assert.match(usageLine(['-keep_going=2']), /-keep_going takes 0 or 1, not 2/);
  assert.match(usageLine(['-runs=99999999999999999999']), /-runs takes/);
  assert.match(
    usageLine(['-mode=turbo']),
    /-mode takes one of hybrid, fork, persistent, not "turbo"/,
  );
});

test("libFuzzer's meanings of 0 and -1 are accepted", () => {
  const p = parseArgs([
    '-timeout=0',
    '-rss_limit_mb=0',
    '-max_len=0',
    '-runs=-1',
    '-malloc_limit_mb=64',
  ]);
  assert.equal(timeoutMsOf(p.flags), 0);
  assert.equal(p.flags.rss_limit_mb, 0);
  assert.equal(p.flags.max_len, 0);
  assert.equal(p.flags.runs, -1);
  assert.equal(p.flags.malloc_limit_mb, 64);
  assert.equal(timeoutMsOf(parseArgs(['-timeout=3']).flags), 3000);
  assert.equal(timeoutMsOf(parseArgs(['-timeout=3', '-timeout_ms=250']).flags), 250);
});

test('a lone dash is a positional (stdin), not a flag', () => {
  assert.deepEqual(parseArgs(['-']).positional, ['-']);
});

test('help lists every flag', () => {
  const h = flagsHelp();
  for (const f of FLAGS) assert.match(h, new RegExp(`-${f.name}\\b`));
  assert.match(h, /-persistent\s+0\s+.*0 = 10000 in fuzz hybrid and persistent modes/);
});
