// Findings on disk: stored relative to their folder, reloaded from anywhere, never naming files elsewhere.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import {
  loadFindings,
  removeFinding,
  sha1,
  writeFinding,
  type FindingRecord,
} from '../../../src/engine/fuzz/artifacts';
import { FindingPathError } from '../../../src/engine/fuzz/findingPaths';
import type { ExecResult } from '../../../src/engine/native/types';
import { FindingStore } from '../../../src/engine/triage/findingStore';
import { Triager } from '../../../src/engine/triage/triager';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'fwb-findings-'));

function record(artifact: string, size = 10): FindingRecord {
  return {
    artifact,
    kind: 'crash',
    signal: 11,
    exitCode: 0,
    type: 'SIGSEGV',
    crashState: ['f'],
    frames: [],
    stacks: [],
    firstSeen: '2026-01-01T00:00:00.000Z',
    lastSeen: '2026-01-01T00:00:00.000Z',
    hitCount: 1,
    size,
    verification: { status: 'unverified', runs: 0, reproduced: 0 },
    reproduce: ['/t/target', artifact],
  };
}

/** A folder with one finding written by the store, and a victim file beside the folder. */
function setup() {
  const root = tmp();
  const folder = join(root, 'findings');
  const input = Buffer.from('crashing input');
  const name = `crash-${sha1(input)}`;
  writeFinding(`${folder}/`, input, record(join(folder, name)));
  const victim = join(root, 'victim');
  writeFileSync(victim, 'precious');
  return { root, folder, name, victim, json: join(folder, `${name}.json`) };
}

test('the JSON stores the input by name; any spelling of the folder reloads it there', () => {
  const { root, folder, name, json } = setup();
  assert.equal((JSON.parse(readFileSync(json, 'utf8')) as FindingRecord).artifact, name);
  const abs = loadFindings(`${folder}/`);
  assert.deepEqual(abs.warnings, []);
  assert.equal(abs.records[0]?.artifact, join(folder, name));
  assert.deepEqual(abs.records[0]?.reproduce, ['/t/target', join(folder, name)]);
  const rel = `${relative(process.cwd(), folder)}/`;
  const again = loadFindings(rel);
  assert.deepEqual(again.warnings, []);
  assert.equal(again.records[0]?.artifact, `${rel}${name}`);
  const dotted = loadFindings(`${root}/./findings/../findings/`);
  assert.equal(dotted.records.length, 1);
});

test('an old JSON with an absolute path into its folder still loads', () => {
  const { folder, name, json } = setup();
  writeFileSync(json, JSON.stringify(record(join(folder, name))));
  const loaded = loadFindings(`${folder}/`);
  assert.deepEqual(loaded.warnings, []);
  assert.equal(loaded.records[0]?.artifact, join(folder, name));
});

test('a JSON whose artifact names a file elsewhere is skipped with a warning', () => {
  const { folder, name, victim, json } = setup();
  for (const artifact of [victim, '../victim', `${folder}/../victim`, '/old/clone/' + name]) {
    writeFileSync(json, JSON.stringify(record(artifact)));
    const loaded = loadFindings(`${folder}/`);
    assert.deepEqual(loaded.records, [], artifact);
    assert.equal(loaded.warnings.length, 1);
    assert.match(
      loaded.warnings[0] ?? '',
      /skipping .*: its artifact .* may only name its own input/,
    );
  }
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
});

test('inputs and JSONs that are links out of the folder are skipped', () => {
  const { root, folder, victim } = setup();
  const linked = `crash-${'1'.repeat(40)}`;
  symlinkSync(victim, join(folder, linked));
  writeFileSync(join(folder, `${linked}.json`), JSON.stringify(record(linked)));
  const outsideJson = join(root, 'outside.json');
  writeFileSync(outsideJson, JSON.stringify(record(`crash-${'2'.repeat(40)}`)));
  writeFileSync(join(folder, `crash-${'2'.repeat(40)}`), 'x');
  symlinkSync(outsideJson, join(folder, `crash-${'2'.repeat(40)}.json`));
  const loaded = loadFindings(`${folder}/`);
  assert.equal(loaded.records.length, 1);
  assert.equal(loaded.warnings.length, 2);
  assert.ok(loaded.warnings.some((w) => /input .* is a link to .*victim, outside/.test(w)));
  assert.ok(loaded.warnings.some((w) => /a link to .*outside\.json, outside/.test(w)));
});

test('the store refuses to remove or rewrite anything but its own files', async () => {
  const { folder, victim } = setup();
  assert.throws(() => removeFinding(`${folder}/`, victim), FindingPathError);
  assert.throws(
    () => writeFinding(`${folder}/`, Buffer.from('x'), record(victim)),
    FindingPathError,
  );
  // A record that bypassed loading: a smaller input of its state arrives, and the kept input's
  // path is not the store's, so the triager fails loudly instead of deleting it.
  const store = new FindingStore();
  const triager = new Triager({ run: () => Promise.reject(new Error('no runs')) }, store, {
    target: '/t/target',
    prefix: `${folder}/`,
    verifyRuns: 0,
  });
  const crash: ExecResult = {
    kind: 'crash',
    signal: 11,
    exitCode: -1,
    output: Buffer.alloc(0),
    outputTruncated: false,
    durationUs: 1,
    ret: 0,
    newCoverage: false,
    pid: 1,
  };
  const { state } = await triager.analyze(crash);
  store.add({ ...record(victim, 1000), type: state.type, crashState: state.state });
  await assert.rejects(triager.handle(Buffer.from('s'), crash), FindingPathError);
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  assert.ok(!existsSync(`${victim}.json`));
});
