// `fuzzwb serve`'s fuzzwb/import: crashes re-run on a real target, findings announced as a session's are.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  createProtocolConnection,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import {
  FindingNotification,
  IMPORT_SESSION_ID,
  ImportRequest,
  PROTOCOL_VERSION,
  type FindingParams,
  type FuzzTargetSpec,
} from '../../../src/protocol/messages';
import { buildFixtureTarget } from '../../helpers/build';
import { findings } from '../../helpers/fuzzCli';
import { fixture, repoRoot } from '../../helpers/paths';

let binary = '';
let rpc: ProtocolConnection;
let kill: () => void = () => undefined;
const notes: FindingParams[] = [];

before(async () => {
  binary = buildFixtureTarget(['../import/two_bugs.c'], { flags: ['-g'] });
  const child = spawn(process.execPath, [join(repoRoot, 'out', 'engine.js'), 'serve', '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  kill = () => child.kill('SIGKILL');
  rpc = createProtocolConnection(
    new StreamMessageReader(child.stdout),
    new StreamMessageWriter(child.stdin),
  );
  rpc.onNotification(FindingNotification, (f) => notes.push(f));
  rpc.listen();
  await rpc.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: { protocolVersion: PROTOCOL_VERSION, workspaceRoot: tmpdir() },
  });
});

after(() => kill());

/** A libFuzzer artifact folder: three crashes of the overflow ('A'), one use after free, one dud. */
function crashDir(work: string): string {
  const dir = join(work, 'artifacts');
  mkdirSync(dir);
  const inputs = ['A\x10', 'A\x50xx', 'A\xf0yyy', 'B0', 'Z0'];
  inputs.forEach((text, i) =>
    writeFileSync(join(dir, `crash-${String(i).repeat(40)}`), text, 'latin1'),
  );
  return dir;
}

function spec(work: string, bin = binary): FuzzTargetSpec {
  return {
    name: 'two_bugs',
    binary: bin,
    corpusDir: join(work, 'corpus'),
    artifactPrefix: join(work, 'findings') + '/',
    sourceRoots: [fixture('import')],
  };
}

test(
  'an import re-runs the crashes, answers with counts and announces each finding once',
  { timeout: 60_000 },
  async () => {
    const work = mkdtempSync(join(tmpdir(), 'fwb-serve-import-'));
    const dir = crashDir(work);
    notes.length = 0;
    const first = await rpc.sendRequest(ImportRequest, { target: spec(work), paths: [dir] });
    assert.equal(first.inputsRun, 5);
    assert.deepEqual([first.newFindings, first.knownFindings, first.duplicates], [2, 0, 2]);
    assert.equal(first.totalFindings, 2);
    assert.equal(first.skipped.length, 1, JSON.stringify(first.skipped));
    assert.equal(first.skipped[0]?.path, join(dir, `crash-${'4'.repeat(40)}`));
    assert.match(first.skipped[0]?.reason ?? '', /ran without a crash here/);
    assert.equal(findings(join(work, 'findings')).length, 2);
    // One notification per finding, not per input, with the final hit counts.
    assert.equal(notes.length, 2);
    assert.ok(
      notes.every((n) => n.sessionId === IMPORT_SESSION_ID && n.isNew && n.target === 'two_bugs'),
    );
    const hits = (ns: FindingParams[]): [string, number][] =>
      ns.map((n): [string, number] => [n.record.crashState.join('/'), n.record.hitCount]).sort();
    assert.deepEqual(hits(notes), [
      ['overflow', 3],
      ['use_after_free', 1],
    ]);

    notes.length = 0;
    const again = await rpc.sendRequest(ImportRequest, { target: spec(work), paths: [dir] });
    assert.deepEqual([again.newFindings, again.knownFindings, again.duplicates], [0, 2, 4]);
    assert.equal(again.totalFindings, 2);
    assert.equal(notes.length, 2);
    assert.ok(notes.every((n) => !n.isNew));
    assert.deepEqual(hits(notes), [
      ['overflow', 6],
      ['use_after_free', 2],
    ]);
  },
);

test('a missing path or an unbuilt target is a clear error, and nothing is written', async () => {
  const work = mkdtempSync(join(tmpdir(), 'fwb-serve-import-'));
  const dir = crashDir(work);
  notes.length = 0;
  await assert.rejects(
    rpc.sendRequest(ImportRequest, { target: spec(work), paths: [dir, join(work, 'nope')] }),
    /cannot read .*nope/,
  );
  await assert.rejects(
    rpc.sendRequest(ImportRequest, { target: spec(work, join(work, 'unbuilt')), paths: [dir] }),
    /two_bugs is not built/,
  );
  await assert.rejects(
    rpc.sendRequest(ImportRequest, { target: spec(work), paths: [join(work, 'corpus')] }),
    /cannot read/,
  );
  assert.ok(!existsSync(join(work, 'findings')), 'no findings folder');
  assert.equal(notes.length, 0);
});
