// schemas/fuzzwb.schema.json and the loader agree: what one accepts the other accepts.
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hardErrors, parseFuzzConfig } from '../../../src/engine/config/loadConfig';
import { repoRoot } from '../../helpers/paths';

const schema = JSON.parse(
  readFileSync(join(repoRoot, 'schemas', 'fuzzwb.schema.json'), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true }).compile(schema);

const VALID: object[] = [
  JSON.parse(readFileSync(join(repoRoot, 'examples', 'device', 'fuzzwb.json'), 'utf8')) as object,
  { targets: [] },
  {
    targets: [
      {
        name: 'full.target-1',
        harness: 'h.c',
        sources: ['a.c'],
        binary: 'out/b',
        corpus: 'c',
        artifacts: 'f/',
        dictionary: 'd.dict',
        sanitizers: ['memory'],
        cflags: ['-I.'],
        ldflags: ['-lm'],
        options: {
          max_len: 1,
          timeout: 2,
          rss_limit_mb: 3,
          workers: 2,
          mode: 'persistent',
          persistent: 10,
          max_total_time: 60,
        },
      },
      {
        name: 'own',
        build: { command: ['make'], configure: ['./configure'], cwd: 'lib' },
        binary: 'lib/fuzz',
      },
    ],
  },
];

const INVALID: object[] = [
  {},
  { targets: {} },
  { targets: [{ harness: 'h.c' }] },
  { targets: [{ name: 'no harness' }] },
  { targets: [{ name: 'x' }] },
  { targets: [{ name: 'x', build: { command: ['make'] } }] },
  { targets: [{ name: 'x', build: { command: 'make fuzz' }, binary: 'b' }] },
  { targets: [{ name: 'x', harness: 'h.c', sanitizers: ['thread'] }] },
  { targets: [{ name: 'x', harness: 'h.c', options: { mode: 'fast' } }] },
  { targets: [{ name: 'x', harness: 'h.c', options: { max_len: -1 } }] },
  { targets: [{ name: 'x', harness: 'h.c', cflags: '-O2' }] },
];

test('configs the schema accepts load without errors', () => {
  for (const doc of VALID) {
    assert.equal(validate(doc), true, JSON.stringify(validate.errors));
    assert.deepEqual(
      hardErrors(parseFuzzConfig(JSON.stringify(doc), '/ws/fuzzwb.json').errors),
      [],
    );
  }
});

test('configs the schema rejects give load errors', () => {
  for (const doc of INVALID) {
    assert.equal(validate(doc), false, `schema accepted ${JSON.stringify(doc)}`);
    const errors = hardErrors(parseFuzzConfig(JSON.stringify(doc), '/ws/fuzzwb.json').errors);
    assert.ok(errors.length > 0, `loader accepted ${JSON.stringify(doc)}`);
  }
});
