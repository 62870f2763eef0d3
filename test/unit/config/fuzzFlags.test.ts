// A config target turned into fuzzwb fuzz arguments, parsed back by the CLI's own flag parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseArgs } from '../../../src/engine/cli/flags';
import { configPathIn, fuzzArgsFor } from '../../../src/engine/config/fuzzFlags';
import { parseFuzzConfig } from '../../../src/engine/config/loadConfig';

test('options, dictionary and artifacts become flags the CLI accepts; extra flags win', () => {
  const { config } = parseFuzzConfig(
    JSON.stringify({
      targets: [
        {
          name: 'd',
          harness: 'd.c',
          dictionary: 'd.dict',
          options: { max_len: 64, timeout: 5, mode: 'fork', workers: 2 },
        },
      ],
    }),
    '/ws/fuzzwb.json',
  );
  const t = config?.targets[0];
  assert.ok(t !== undefined);
  const args = fuzzArgsFor(t, ['-max_len=128']);
  assert.deepEqual(args, [
    '/ws/.fuzzwb/build/d/d',
    '/ws/.fuzzwb/corpus/d',
    '-max_len=64',
    '-timeout=5',
    '-mode=fork',
    '-workers=2',
    '-dict=/ws/d.dict',
    '-artifact_prefix=/ws/.fuzzwb/findings/d/',
    '-max_len=128',
  ]);
  const parsed = parseArgs(args);
  assert.deepEqual(parsed.positional, ['/ws/.fuzzwb/build/d/d', '/ws/.fuzzwb/corpus/d']);
  assert.equal(parsed.flags.max_len, 128);
  assert.equal(parsed.flags.mode, 'fork');
  assert.equal(parsed.flags.workers, 2);
  assert.equal(configPathIn('/ws/'), '/ws/fuzzwb.json');
});
