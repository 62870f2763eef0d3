// Tests of the wrappers' environment options: FUZZWB_SANITIZERS, FUZZWB_RUNTIME, verbosity.
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import {
  missingRuntimeMessage,
  parseSanitizers,
  readOptions,
  WrapperError,
} from '../../../src/engine/cc/options';

describe('parseSanitizers', () => {
  const valid: [string | undefined, string[]][] = [
    [undefined, ['address']],
    ['', ['address']],
    ['address', ['address']],
    ['address,undefined', ['address', 'undefined']],
    ['undefined, address', ['address', 'undefined']],
    ['undefined', ['undefined']],
    ['memory', ['memory']],
    ['none', []],
  ];
  for (const [value, expected] of valid) {
    test(`FUZZWB_SANITIZERS=${String(value)}`, () => {
      assert.deepEqual(parseSanitizers(value), expected);
    });
  }

  const invalid: [string, RegExp][] = [
    ['thread', /FUZZWB_SANITIZERS=thread is not one of address \| address,undefined/],
    ['address,fuzzer', /is not one of/],
    ['memory,address', /memory cannot be combined/],
  ];
  for (const [value, message] of invalid) {
    test(`FUZZWB_SANITIZERS=${value} is refused in one line`, () => {
      assert.throws(
        () => parseSanitizers(value),
        (err: unknown) =>
          err instanceof WrapperError && message.test(err.message) && !err.message.includes('\n'),
      );
    });
  }
});

describe('readOptions', () => {
  test('defaults: address, quiet, the archive next to the bundle', () => {
    const options = readOptions({}, '/repo/out');
    assert.deepEqual(options, {
      sanitizers: ['address'],
      verbose: false,
      runtime: join('/repo/out', 'native', 'libfuzzwb_rt.a'),
      runtimeFromEnv: false,
      includeDir: join('/repo', 'native', 'include'),
    });
    assert.equal(
      missingRuntimeMessage(options),
      'the runtime archive /repo/out/native/libfuzzwb_rt.a is missing; run npm run build',
    );
  });

  test('FUZZWB_RUNTIME overrides the archive, relative paths made absolute', () => {
    const options = readOptions({ FUZZWB_RUNTIME: 'rt/librt.a' }, '/repo/out');
    assert.equal(options.runtime, resolve('rt/librt.a'));
    assert.equal(options.runtimeFromEnv, true);
    assert.match(
      missingRuntimeMessage(options),
      /^the runtime archive FUZZWB_RUNTIME=.* does not exist$/,
    );
  });

  for (const [value, expected] of [
    ['1', true],
    ['yes', true],
    ['0', false],
    ['', false],
  ] as const) {
    test(`FUZZWB_CC_VERBOSE=${value} -> ${String(expected)}`, () => {
      assert.equal(readOptions({ FUZZWB_CC_VERBOSE: value }, '/o').verbose, expected);
    });
  }
});
