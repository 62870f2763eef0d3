// Adding a target to fuzzwb.json keeps the user's text, refuses broken configs and taken names.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addTargetToConfigText, ConfigEditError } from '../../../src/engine/config/addTarget';
import { parseFuzzConfig } from '../../../src/engine/config/loadConfig';

const entry = { name: 'parser', harness: 'src/parser_fuzz.c', sources: ['src/parser.c'] };

test('no file yet: a new config with the one target', () => {
  const text = addTargetToConfigText(undefined, entry);
  assert.deepEqual(JSON.parse(text), { targets: [entry] });
  assert.ok(text.endsWith('\n'));
});

test('appends after the last target, keeping the rest of the text byte for byte', () => {
  const before = [
    '{',
    '    "$schema": "./schemas/fuzzwb.schema.json",',
    '    "targets": [',
    '        { "name": "device",   "harness": "d_fuzz.c",',
    '          "options": {"max_len": 64} }',
    '    ]',
    '}',
    '',
  ].join('\n');
  const after = addTargetToConfigText(before, entry);
  const cut = after.indexOf(',\n        {\n');
  assert.ok(cut > 0, after);
  assert.equal(after.slice(0, cut), before.slice(0, cut), 'the text before is unchanged');
  assert.ok(after.endsWith('\n    ]\n}\n'));
  const r = parseFuzzConfig(after, '/ws/fuzzwb.json');
  assert.deepEqual(r.errors, []);
  assert.deepEqual(
    r.config?.targets.map((t) => t.name),
    ['device', 'parser'],
  );
});

test('an empty targets array gets an indented entry', () => {
  const after = addTargetToConfigText('{\n  "targets": []\n}\n', entry);
  assert.deepEqual(JSON.parse(after), { targets: [entry] });
  assert.match(after, /"targets": \[\n {4}\{\n {6}"name": "parser"/);
});

test('refuses a config with errors, saying where they are', () => {
  assert.throws(
    () => addTargetToConfigText('{\n  "targets": [\n    {"name": 3}\n  ]\n}', entry, 'fuzzwb.json'),
    (err: unknown) =>
      err instanceof ConfigEditError &&
      /fix them/.test(err.message) &&
      /fuzzwb\.json:3:14: error: name must be a string/.test(err.message),
  );
  assert.throws(() => addTargetToConfigText('{"targets": [', entry), ConfigEditError);
});

test('refuses a name that is already taken', () => {
  assert.throws(
    () => addTargetToConfigText(JSON.stringify({ targets: [{ ...entry }] }), entry),
    /already has a target named "parser"/,
  );
});
