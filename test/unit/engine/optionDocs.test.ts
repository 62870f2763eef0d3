// The options table against everything generated from it: package.json settings, the config
// schema, the README list, the help, the config validator and the extension's defaults.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { flagsHelp } from '../../../src/engine/cli/flags';
import {
  applyOptionDocs,
  packageSettings,
  readmeOptions,
  schemaOptions,
} from '../../../src/engine/cli/optionDocs';
import { parseFuzzConfig } from '../../../src/engine/config/loadConfig';
import { DEFAULT_PERSISTENT } from '../../../src/engine/fuzz/hybridModes';
import { FLAGS, configOptionFlags, settingFlags } from '../../../src/protocol/options';
import { repoRoot } from '../../helpers/paths';

const read = (...p: string[]): string => readFileSync(join(repoRoot, ...p), 'utf8');
const files = () => ({
  packageJson: read('package.json'),
  schema: read('schemas', 'fuzzwb.schema.json'),
  readme: read('README.md'),
});
const HINT = 'out of date with src/protocol/options.ts: run `npm run gen:options`';

test('package.json declares every setting as the table generates it', () => {
  const pkg = JSON.parse(files().packageJson) as {
    contributes: { configuration: { properties: Record<string, unknown> } };
  };
  const props = pkg.contributes.configuration.properties;
  for (const [key, want] of Object.entries(packageSettings())) {
    assert.deepEqual(props[key], want, `package.json ${key} ${HINT}`);
  }
});

test("the schema's target options are exactly the table's config options", () => {
  const schema = JSON.parse(files().schema) as {
    definitions: { target: { properties: { options: { properties: unknown } } } };
  };
  assert.deepEqual(schema.definitions.target.properties.options.properties, schemaOptions(), HINT);
});

test("the README's flag list is the generated one, a row per flag", () => {
  const current = files();
  assert.equal(applyOptionDocs(current).readme, current.readme, `README.md ${HINT}`);
  const list = readmeOptions();
  for (const f of FLAGS) assert.match(list, new RegExp(`\\| \`-${f.name}\` \\| ${f.default} \\|`));
});

test('-persistent means the same everywhere: code, help, schema, settings, README', () => {
  const row = FLAGS.find((f) => f.name === 'persistent');
  assert.ok(row !== undefined);
  const help = flagsHelp()
    .split('\n')
    .find((l) => l.startsWith(' -persistent '));
  assert.match(help ?? '', new RegExp(`0 = ${DEFAULT_PERSISTENT} in fuzz hybrid`));
  const schema = schemaOptions().persistent as { description: string };
  assert.match(schema.description, new RegExp(`0 = ${DEFAULT_PERSISTENT} `));
  const setting = packageSettings()['fuzzwb.persistent'] as { description: string };
  assert.match(setting.description, new RegExp(`engine default, ${DEFAULT_PERSISTENT}\\)`));
  assert.match(
    files().readme,
    new RegExp(`\`-persistent=N\` inputs each, ${DEFAULT_PERSISTENT} by default`),
  );
  // No other count of inputs per child may be claimed as the default anywhere.
  for (const [name, text] of Object.entries(files())) {
    for (const m of text.matchAll(/(\d[\d,]*) (?:inputs per|by default)[^.\n]*persistent/gi)) {
      assert.equal(m[1]?.replace(/,/g, ''), String(DEFAULT_PERSISTENT), `${name}: ${m[0]}`);
    }
  }
});

test('fuzzwb.json accepts each config option within its range and rejects it outside', () => {
  const errorsFor = (options: Record<string, unknown>): string[] =>
    parseFuzzConfig(
      JSON.stringify({ targets: [{ name: 't', harness: 't.c', options }] }),
      '/ws/fuzzwb.json',
    )
      .errors.filter((p) => p.severity === 'error')
      .map((p) => p.message);
  for (const f of configOptionFlags()) {
    if (f.kind === 'int') {
      assert.deepEqual(errorsFor({ [f.name]: f.default }), [], f.name);
      assert.equal(errorsFor({ [f.name]: f.max + 1 }).length, 1, `${f.name} above max`);
      assert.equal(errorsFor({ [f.name]: f.min - 1 }).length, 1, `${f.name} below min`);
    } else {
      assert.deepEqual(errorsFor({ [f.name]: f.default }), [], f.name);
      if (f.choices !== undefined) assert.equal(errorsFor({ [f.name]: 'x-no' }).length, 1);
    }
  }
});

test('every setting row names a flag the settings reader can read as declared', () => {
  for (const f of settingFlags()) {
    const declared = packageSettings()[`fuzzwb.${f.setting.key}`] as { default: unknown };
    assert.equal(declared.default, f.setting.default ?? f.default, f.setting.key);
  }
});
