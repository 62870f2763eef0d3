// The engine server's workspace requests: targets found, built (errors placed), harnesses created.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import {
  createProtocolConnection,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import {
  BuildOutputNotification,
  BuildRequest,
  CreateHarnessRequest,
  ListTargetsRequest,
  PROTOCOL_VERSION,
} from '../../../src/protocol/messages';
import { repoRoot } from '../../helpers/paths';

const LIB = `#include <stddef.h>
#include <stdint.h>
int checksum(const uint8_t *data, size_t len) {
  int sum = 0;
  for (size_t i = 0; i < len; i++)
    sum += data[i];
  return sum;
}
`;
const HARNESS = `#include <stddef.h>
#include <stdint.h>
int checksum(const uint8_t *data, size_t len);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return checksum(data, size) == 7 ? 0 : 0;
}
`;
const BROKEN = `#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return undeclared_thing(data, size);
}
`;

const child = spawn(process.execPath, [join(repoRoot, 'out', 'engine.js'), 'serve', '--stdio']);
after(() => child.kill('SIGKILL'));
const rpc = createProtocolConnection(
  new StreamMessageReader(child.stdout),
  new StreamMessageWriter(child.stdin),
);
rpc.listen();

/** A library with a harness beside it (or not), and a harness that does not compile. */
function workspace(withHarness = true): string {
  const root = mkdtempSync(join(tmpdir(), 'fwb-ws-'));
  mkdirSync(join(root, 'lib'));
  writeFileSync(join(root, 'lib', 'checksum.c'), LIB);
  if (withHarness) writeFileSync(join(root, 'lib', 'checksum_fuzz.c'), HARNESS);
  mkdirSync(join(root, 'bad'));
  writeFileSync(join(root, 'bad', 'broken_fuzz.c'), BROKEN);
  return root;
}

test('lists harness files, builds one with its folder, and places compiler errors', async () => {
  const root = workspace();
  await rpc.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: { protocolVersion: PROTOCOL_VERSION, workspaceRoot: root },
  });
  let output = '';
  rpc.onNotification(BuildOutputNotification, ({ text }) => (output += text));

  const listed = await rpc.sendRequest(ListTargetsRequest, { workspaceRoot: root });
  assert.deepEqual(
    listed.targets.map((t) => [t.name, t.origin, t.harness]),
    [
      ['broken_fuzz', 'harness', join(root, 'bad', 'broken_fuzz.c')],
      ['checksum_fuzz', 'harness', join(root, 'lib', 'checksum_fuzz.c')],
    ],
  );
  assert.deepEqual(listed.problems, []);

  const ok = await rpc.sendRequest(BuildRequest, {
    workspaceRoot: root,
    target: 'checksum_fuzz',
    sanitizers: ['address'],
  });
  assert.equal(ok.ok, true, ok.error);
  assert.equal(ok.binary, join(root, '.fuzzwb', 'build', 'checksum_fuzz', 'checksum_fuzz'));
  assert.ok(existsSync(ok.binary));

  const bad = await rpc.sendRequest(BuildRequest, {
    workspaceRoot: root,
    target: 'broken_fuzz',
    sanitizers: ['address'],
  });
  assert.equal(bad.ok, false);
  assert.match(bad.error ?? '', /broken_fuzz/);
  const err = bad.diagnostics.find((d) => d.severity === 'error');
  assert.ok(err, JSON.stringify(bad.diagnostics));
  assert.equal(err.file, join(root, 'bad', 'broken_fuzz.c'));
  assert.equal(err.line, 4);
  assert.match(err.message, /undeclared_thing/);
  assert.match(output, /undeclared_thing/, 'compiler output streams to the client');

  await assert.rejects(
    rpc.sendRequest(BuildRequest, { workspaceRoot: root, target: 'nope', sanitizers: [] }),
    /no target named nope/,
  );
});

test('creates a harness for a function: the file, a fuzzwb.json entry, a config target that builds', async () => {
  const root = workspace(false);
  const created = await rpc.sendRequest(CreateHarnessRequest, {
    workspaceRoot: root,
    sourceFile: join(root, 'lib', 'checksum.c'),
    functionName: 'checksum',
    template: 'bytes',
  });
  assert.ok(existsSync(created.harnessFile));
  assert.match(readFileSync(created.harnessFile, 'utf8'), /LLVMFuzzerTestOneInput/);
  const config = JSON.parse(readFileSync(join(root, 'fuzzwb.json'), 'utf8')) as {
    targets: { name: string }[];
  };
  assert.ok(config.targets.some((t) => t.name === created.targetName));
  const listed = await rpc.sendRequest(ListTargetsRequest, { workspaceRoot: root });
  const t = listed.targets.find((x) => x.name === created.targetName);
  assert.equal(t?.origin, 'config');
  const built = await rpc.sendRequest(BuildRequest, {
    workspaceRoot: root,
    target: created.targetName,
    sanitizers: [],
  });
  assert.equal(built.ok, true, built.error);
  assert.ok(existsSync(built.binary));
  // A second request for the same function is refused and changes nothing.
  await assert.rejects(
    rpc.sendRequest(CreateHarnessRequest, {
      workspaceRoot: root,
      sourceFile: join(root, 'lib', 'checksum.c'),
      functionName: 'checksum',
      template: 'bytes',
    }),
    /already exists/,
  );
});
