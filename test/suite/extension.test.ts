// Activation, output channel and manifest of Fuzz Workbench as a real VS Code sees them.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'fuzzwb.fuzz-workbench';
const CHANNEL = 'Fuzz Workbench';

/** Set by scripts/vscode/run-suite.mjs; the extension host inherits the server's environment. */
function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the suite with run-suite.mjs`);
  return value;
}

/** The fields of package.json these tests read; VS Code types packageJSON as `any`. */
interface Manifest {
  main?: string;
  version?: string;
  capabilities?: {
    untrustedWorkspaces?: { supported?: boolean | string; description?: string };
    virtualWorkspaces?: boolean;
  };
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded in the extension host`);
  return ext;
}

function manifest(): Manifest {
  return extension().packageJSON as Manifest;
}

/** Polls until `check` returns true; activation and trust arrive asynchronously. */
async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every file under `dir` whose path ends with `suffix` (the logs folder is a few levels deep). */
function findFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((rel) => join(dir, rel))
    .filter((path) => path.endsWith(suffix));
}

suite('Fuzz Workbench in VS Code', () => {
  test('the extension under test is this repository', () => {
    const ext = extension();
    assert.equal(ext.extensionUri.fsPath, env('FUZZWB_EXTENSION_DIR'));
    assert.equal(manifest().main, './out/extension.js');
    // A workspace extension runs next to the code it builds, on the server's Node.
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
  });

  test('the fixture workspace with a *_fuzz.c file is open and trusted', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.deepEqual(
      folders.map((f) => f.uri.fsPath),
      [env('FUZZWB_FIXTURE_DIR')],
    );
    const harnesses = await vscode.workspace.findFiles('**/*_fuzz.c');
    assert.deepEqual(
      harnesses.map((uri) => uri.path.split('/').pop()),
      ['device_fuzz.c'],
    );
    await waitFor('the workspace is trusted', () => vscode.workspace.isTrusted);
  });

  test('activates on its own from workspaceContains in a trusted workspace', async () => {
    const ext = extension();
    // No ext.activate() here: that would hide a broken activation event.
    await waitFor(`${EXTENSION_ID} is active`, () => ext.isActive);
  });

  test(`opens the "${CHANNEL}" log channel and logs that it is active`, async () => {
    const commands = await vscode.commands.getCommands(false);
    const shows = commands.filter(
      (c) => c.startsWith('workbench.action.output.show.') && c.includes(EXTENSION_ID),
    );
    assert.equal(shows.length, 1, `one output channel of ${EXTENSION_ID}, got ${shows.join()}`);

    const suffix = join(EXTENSION_ID, `${CHANNEL}.log`);
    const logsDir = env('FUZZWB_LOGS_DIR');
    let logs: string[] = [];
    await waitFor(`${suffix} exists under ${logsDir}`, () => {
      logs = findFiles(logsDir, suffix);
      return logs.length > 0;
    });
    // The version goes into a pattern: its dots must match only dots.
    const version = (manifest().version ?? '').replaceAll('.', '\\.');
    const text = readFileSync(logs[0] ?? '', 'utf8');
    assert.match(text, new RegExp(`Fuzz Workbench ${version} is active \\(1 workspace folder\\)`));
  });

  test('the manifest refuses untrusted and virtual workspaces', () => {
    const capabilities = manifest().capabilities;
    assert.equal(capabilities?.untrustedWorkspaces?.supported, false);
    assert.ok((capabilities?.untrustedWorkspaces?.description ?? '').length > 0);
    assert.equal(capabilities?.virtualWorkspaces, false);
  });

  test('the host starts with telemetry off, as run-suite.mjs configures it', () => {
    assert.equal(vscode.env.isTelemetryEnabled, false);
    assert.equal(vscode.workspace.getConfiguration('telemetry').get('telemetryLevel'), 'off');
    assert.equal(vscode.workspace.getConfiguration('chat').get('disableAIFeatures'), true);
  });
});
