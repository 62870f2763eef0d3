// A real library in a real VS Code: fuzzing Debian's expat shows coverage in its own sources.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { FuzzWorkbenchApi } from '../../src/extension/extension';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: start the suite with run-suite.mjs`);
  return value;
}

async function waitFor(what: string, check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

suite('A real library (expat) in VS Code', () => {
  const workspace = env('FUZZWB_FIXTURE_DIR');
  const binary = env('FUZZWB_REAL_PROJECT_BINARY');
  const xmlparse = join(env('FUZZWB_REAL_PROJECT_SOURCE'), 'lib', 'xmlparse.c');
  const configPath = join(workspace, 'fuzzwb.json');
  let original: string | undefined;

  suiteSetup(() => {
    // The library was built by its own CMake through fuzzwb-cc (run-suite prepared it); the
    // config names that binary, with a build step that has nothing left to do.
    original = existsSync(configPath) ? readFileSync(configPath, 'utf8') : undefined;
    const config = original !== undefined ? (JSON.parse(original) as { targets?: object[] }) : {};
    const targets = [...(config.targets ?? [])];
    targets.push({
      name: 'expat_suite',
      build: { command: ['true'] },
      binary,
      options: { max_len: 4096 },
    });
    writeFileSync(configPath, `${JSON.stringify({ ...config, targets }, null, 2)}\n`);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('fuzzwb.stopFuzzing');
    if (original !== undefined) writeFileSync(configPath, original);
    else rmSync(configPath, { force: true });
  });

  test("Start Fuzzing on the library's own harness: its sources show coverage in the gutter", async function () {
    this.timeout(150_000);
    const ext = vscode.extensions.getExtension<FuzzWorkbenchApi>('fuzzwb.fuzz-workbench');
    assert.ok(ext);
    await waitFor('the extension is active', () => ext.isActive, 20_000);
    const api = ext.exports;
    await waitFor('the engine runs', () => api.enginePid() !== undefined, 30_000);
    await vscode.commands.executeCommand('fuzzwb.stopFuzzing');
    const session = await vscode.commands.executeCommand<number | undefined>(
      'fuzzwb.startFuzzing',
      'expat_suite',
    );
    assert.equal(typeof session, 'number', 'a session on the expat target started');
    await waitFor(
      'lines of expat/lib/xmlparse.c covered in the state',
      () => (api.state.coverage.counts(xmlparse)?.linesHit ?? 0) > 50,
      90_000,
    );
    await vscode.window.showTextDocument(vscode.Uri.file(xmlparse));
    const gutter = api.coverage.gutter;
    await waitFor('xmlparse.c is drawn', () => gutter.drawnRuns(xmlparse) !== undefined, 20_000);
    const runs = gutter.drawnRuns(xmlparse);
    assert.ok(runs && runs.covered.length > 0, 'covered lines in the gutter of xmlparse.c');
    assert.ok(runs.uncovered.length > 0, 'and lines the fuzzer has not reached yet');
    await vscode.commands.executeCommand('fuzzwb.stopFuzzing');
  });
});
