// Import Findings in a real VS Code: a real AFL++ crash folder becomes one Problem per unique crash.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { FuzzWorkbenchApi } from '../../src/extension/extension';
import type { ImportResult } from '../../src/protocol/messages';

const EXTENSION_ID = 'fuzzwb.fuzz-workbench';

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

function tooltipText(t: string | vscode.MarkdownString | undefined): string {
  return typeof t === 'string' ? t : (t?.value ?? '');
}

suite('Import Findings from AFL++', () => {
  const workspace = env('FUZZWB_FIXTURE_DIR');
  /** run-suite ran Debian's afl-fuzz on the fixture: A crashes of the overflow, B of the UAF. */
  const aflOut = env('FUZZWB_IMPORT_AFL_OUT');
  const [a = 0, b = 0] = env('FUZZWB_IMPORT_AFL_CRASHES').split(',').map(Number);
  const folder = join(workspace, 'import');
  const source = join(folder, 'two_bugs.c');
  const uri = vscode.Uri.file(source);
  const ours = (): vscode.Diagnostic[] =>
    vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'fuzzwb');
  let bugLines: number[] = [];
  let api: FuzzWorkbenchApi;

  suiteSetup(async function () {
    this.timeout(60_000);
    // The harness in the workspace (found by the harness scan as target two_bugs), the same
    // source AFL++ built: the imported crashes re-run on our build of it.
    mkdirSync(folder, { recursive: true });
    cpSync(join(env('FUZZWB_EXTENSION_DIR'), 'test', 'fixtures', 'import', 'two_bugs.c'), source);
    const text = readFileSync(source, 'utf8').split('\n');
    bugLines = ['BUG(heap-buffer-overflow)', 'BUG(heap-use-after-free)'].map(
      (tag) => text.findIndex((l) => l.includes(tag)) + 1,
    );
    const ext = vscode.extensions.getExtension<FuzzWorkbenchApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await waitFor('the extension is active', () => ext.isActive, 20_000);
    api = ext.exports;
    await waitFor('the engine runs', () => api.enginePid() !== undefined, 30_000);
    // Import asks before it stops a session; no session may be left from an earlier suite.
    await vscode.commands.executeCommand('fuzzwb.stopFuzzing');
  });

  suiteTeardown(() => {
    // Later suites expect the workspace as it was; the target's build and findings go too.
    for (const dir of [
      folder,
      ...['build', 'findings', 'corpus'].map((d) => join(workspace, '.fuzzwb', d, 'two_bugs')),
    ]) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the command is registered, and enabled only in trusted workspaces', async () => {
    assert.ok((await vscode.commands.getCommands(true)).includes('fuzzwb.importFindings'));
    const contributed = (
      vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as {
        contributes: { commands: { command: string; enablement?: string }[] };
      }
    ).contributes.commands.find((c) => c.command === 'fuzzwb.importFindings');
    assert.equal(contributed?.enablement, 'isWorkspaceTrusted');
  });

  test('a real AFL++ crash folder: one Problem per unique crash, at its line', async function () {
    this.timeout(90_000);
    assert.ok(a >= 2 && b >= 1, `AFL++ saved ${a} crashes of bug A and ${b} of bug B`);
    const result = await vscode.commands.executeCommand<ImportResult | undefined>(
      'fuzzwb.importFindings',
      'two_bugs',
      [vscode.Uri.file(aflOut)],
    );
    assert.ok(result !== undefined, 'the import ran (see the Fuzz Workbench output)');
    assert.equal(result.inputsRun, a + b, 'every AFL++ crash re-ran, README.txt left out');
    assert.deepEqual([result.newFindings, result.knownFindings], [2, 0]);
    assert.equal(result.duplicates, a + b - 2);
    await waitFor('two diagnostics in two_bugs.c', () => ours().length === 2, 10_000);
    const lines = ours()
      .map((d) => d.range.start.line + 1)
      .sort((x, y) => x - y);
    assert.deepEqual(lines, bugLines, 'at the overflow and the use after free');
    assert.deepEqual(
      ours()
        .map((d) => d.message.split(' ')[0])
        .sort(),
      ['heap-buffer-overflow', 'heap-use-after-free'],
    );
    // The status bar redraws at most every 250 ms.
    await waitFor(
      `"2 crashes" in the status bar (${api.views.statusBar.item.text})`,
      () => /\b2 crashes\b/.test(api.views.statusBar.item.text),
      5_000,
    );
  });

  test('importing the same folder again adds no Problem; the hits show in the findings view', async function () {
    this.timeout(60_000);
    const result = await vscode.commands.executeCommand<ImportResult | undefined>(
      'fuzzwb.importFindings',
      'two_bugs',
      [vscode.Uri.file(aflOut)],
    );
    assert.ok(result !== undefined);
    assert.deepEqual([result.newFindings, result.knownFindings], [0, 2]);
    assert.equal(result.totalFindings, 2);
    assert.equal(ours().length, 2, 'still one diagnostic per unique crash');
    const hits = api.state
      .findings()
      .filter((f) => f.target === 'two_bugs')
      .map((f) => [f.record.crashState[0], f.record.hitCount])
      .sort();
    assert.deepEqual(hits, [
      ['overflow', 2 * a],
      ['use_after_free', 2 * b],
    ]);
    const tree = api.views.tree;
    const target = tree.getChildren().find((n) => n.label === 'two_bugs');
    assert.ok(target !== undefined, 'a two_bugs node in the findings view');
    const tooltips = tree.getChildren(target).map((n) => tooltipText(tree.getTreeItem(n).tooltip));
    assert.equal(tooltips.length, 2);
    // The tooltip's second line: `N hits · reproducible (…)`.
    for (const n of [2 * a, 2 * b]) {
      assert.ok(
        tooltips.some((t) => t.includes(`\n${n} hits · `)),
        `${n} hits in\n${tooltips.join('\n---\n')}`,
      );
    }
  });

  test('a path that holds no crashes: a clear error, and the findings stay', async function () {
    this.timeout(30_000);
    const result = await vscode.commands.executeCommand<ImportResult | undefined>(
      'fuzzwb.importFindings',
      'two_bugs',
      [vscode.Uri.file(folder)],
    );
    assert.equal(result, undefined);
    assert.equal(ours().length, 2);
  });
});
