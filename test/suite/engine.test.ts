// The commands and the engine connection in a real VS Code: fuzz the device, kill the engine.
import * as assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { suite, suiteSetup, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { FuzzWorkbenchApi } from '../../src/extension/extension';

const EXTENSION_ID = 'fuzzwb.fuzz-workbench';
const COMMANDS = [
  'fuzzwb.startFuzzing',
  'fuzzwb.stopFuzzing',
  'fuzzwb.importFindings',
  'fuzzwb.showCoverage',
  'fuzzwb.hideCoverage',
  'fuzzwb.reproduceCrash',
  'fuzzwb.debugCrash',
  'fuzzwb.minimizeCrash',
  'fuzzwb.openDashboard',
  'fuzzwb.createHarness',
];

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

async function api(): Promise<FuzzWorkbenchApi> {
  const ext = vscode.extensions.getExtension<FuzzWorkbenchApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  await waitFor('the extension is active', () => ext.isActive, 20_000);
  return ext.exports;
}

/** The extension's log channel file (the host writes one per channel under the logs folder). */
function channelLog(): string {
  const dir = env('FUZZWB_LOGS_DIR');
  const suffix = join(EXTENSION_ID, 'Fuzz Workbench.log');
  const file = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((rel) => join(dir, rel))
    .find((p) => p.endsWith(suffix));
  return file !== undefined ? readFileSync(file, 'utf8') : '';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

suite('Fuzz commands and the engine', () => {
  const workspace = env('FUZZWB_FIXTURE_DIR');
  const deviceC = join(workspace, 'device', 'device.c');
  const deviceUri = vscode.Uri.file(deviceC);
  /** Lines of the three planted bugs in device.c (see test/integration/triage/device.test.ts). */
  const planted = [
    'd->ram[dst + i] = d->fifo[i];',
    'len = d->last_desc->len;',
    'd->irq_counts[value % 64]++;',
  ].map(
    (code) =>
      readFileSync(deviceC, 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(code)) + 1,
  );
  const findingDiagnostics = (): vscode.Diagnostic[] =>
    vscode.languages.getDiagnostics(deviceUri).filter((d) => d.source === 'fuzzwb');

  suiteSetup(function () {
    this.timeout(10_000);
    // The seeds are one mutation from two of the bugs: the run stays short on a busy machine.
    const seeds = join(env('FUZZWB_EXTENSION_DIR'), 'test', 'fixtures', 'triage', 'device-seeds');
    cpSync(seeds, join(workspace, '.fuzzwb', 'corpus', 'device_fuzz'), { recursive: true });
  });

  /** Files these tests add to the shared fixture workspace; later suites expect it as it was. */
  const added: string[] = [];
  suiteTeardown(() => {
    for (const path of added) rmSync(path, { recursive: true, force: true });
  });

  test('every Fuzz command is registered and contributed with the "Fuzz" category', async () => {
    await api();
    const registered = new Set(await vscode.commands.getCommands(true));
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    const contributed = (
      ext?.packageJSON as { contributes: { commands: { command: string; category: string }[] } }
    ).contributes.commands;
    for (const id of COMMANDS) {
      assert.ok(registered.has(id), `${id} is registered`);
      assert.equal(contributed.find((c) => c.command === id)?.category, 'Fuzz', id);
    }
  });

  test('Start Fuzzing builds the device harness and a planted bug lands in Problems', async function () {
    this.timeout(150_000);
    const a = await api();
    await waitFor('the engine runs', () => a.enginePid() !== undefined, 30_000);
    const session = await vscode.commands.executeCommand<number | undefined>(
      'fuzzwb.startFuzzing',
      'device_fuzz',
    );
    assert.equal(typeof session, 'number', `a session started; log:\n${channelLog().slice(-3000)}`);
    assert.ok(existsSync(join(workspace, '.fuzzwb', 'build', 'device_fuzz', 'device_fuzz')));
    await waitFor(
      'a finding diagnostic in device.c',
      () => findingDiagnostics().length > 0,
      120_000,
    );
    const lines = findingDiagnostics().map((d) => d.range.start.line + 1);
    assert.ok(
      lines.every((l) => planted.includes(l)),
      `diagnostics at planted lines ${planted.join(',')}: got ${lines.join(',')}`,
    );
    await waitFor(
      'coverage totals in the state',
      () => (a.state.totals?.linesHit ?? 0) > 0,
      20_000,
    );
    assert.ok((a.state.status?.execs ?? 0) > 0, 'status notifications reached the state');
    // Coverage is keyed by the path the editor has open, so the gutter can find it.
    await waitFor(
      'device.c lines covered in the state',
      () => (a.state.coverage.counts(deviceC)?.linesHit ?? 0) > 0,
      20_000,
    );
  });

  test('Reproduce Crash shows the report in a read-only document', async function () {
    this.timeout(30_000);
    const a = await api();
    const artifact = a.state.findings()[0]?.record.artifact;
    assert.ok(artifact !== undefined, 'a finding from the previous test');
    const kind = await vscode.commands.executeCommand<string | undefined>(
      'fuzzwb.reproduceCrash',
      artifact,
    );
    assert.equal(kind, 'sanitizer');
    const doc = vscode.window.activeTextEditor?.document;
    assert.equal(doc?.uri.scheme, 'fuzzwb-report');
    assert.match(doc?.getText() ?? '', /AddressSanitizer/);
    assert.match(doc?.getText() ?? '', /device\.c:\d+/);
  });

  test('Debug Crash without the C/C++ extension runs gdb on the input in a terminal', async () => {
    const a = await api();
    const artifact = a.state.findings()[0]?.record.artifact;
    assert.ok(artifact !== undefined);
    assert.equal(vscode.extensions.getExtension('ms-vscode.cpptools'), undefined);
    const how = await vscode.commands.executeCommand<string | undefined>(
      'fuzzwb.debugCrash',
      artifact,
    );
    assert.equal(how, 'terminal');
    const terminal = vscode.window.terminals.find((t) => t.name.startsWith('Fuzz: '));
    assert.ok(terminal, vscode.window.terminals.map((t) => t.name).join());
    const opts = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(opts.shellPath, 'gdb');
    assert.deepEqual((opts.shellArgs as string[]).slice(-2), [
      join(workspace, '.fuzzwb', 'build', 'device_fuzz', 'device_fuzz'),
      artifact,
    ]);
    terminal.dispose();
  });

  test('killing the engine restarts it, logs the cause and keeps findings and coverage', async function () {
    this.timeout(60_000);
    const a = await api();
    const pid = a.enginePid();
    assert.ok(pid !== undefined, 'the engine runs');
    const before = findingDiagnostics().length;
    const linesHit = a.state.totals?.linesHit ?? 0;
    assert.ok(before > 0 && linesHit > 0, 'the previous test left a finding and coverage');
    process.kill(pid, 'SIGKILL');
    await waitFor('the old engine is gone', () => !isAlive(pid), 10_000);
    await waitFor(
      'a new engine runs',
      () => a.enginePid() !== undefined && a.enginePid() !== pid,
      30_000,
    );
    await waitFor('the cause is logged', () => /killed by SIGKILL/.test(channelLog()), 10_000);
    await waitFor(
      'findings reloaded from disk',
      () => /reloaded \d+ finding/.test(channelLog()),
      10_000,
    );
    assert.ok(findingDiagnostics().length >= before, 'the diagnostics stay');
    assert.ok((a.state.totals?.linesHit ?? 0) >= linesHit, 'the coverage stays');
    assert.equal(a.state.session?.running, false, 'the killed session is over');
    // The new engine answers requests: a stop finds nothing running.
    await vscode.commands.executeCommand('fuzzwb.stopFuzzing');
  });

  test('a harness that does not compile: Start Fuzzing puts the error in Problems', async function () {
    this.timeout(60_000);
    const broken = join(workspace, 'broken', 'broken_fuzz.c');
    added.push(join(workspace, 'broken'));
    mkdirSync(join(workspace, 'broken'), { recursive: true });
    writeFileSync(
      broken,
      '#include <stdint.h>\n#include <stddef.h>\n' +
        'int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {\n' +
        '  return no_such_function(data, size);\n}\n',
    );
    const session = await vscode.commands.executeCommand<number | undefined>(
      'fuzzwb.startFuzzing',
      'broken_fuzz',
    );
    assert.equal(session, undefined);
    const errors = vscode.languages
      .getDiagnostics(vscode.Uri.file(broken))
      .filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.ok(errors.length > 0, 'a build error in Problems');
    assert.equal(errors[0]?.range.start.line, 3);
    assert.match(errors[0]?.message ?? '', /no_such_function/);
  });

  test('Create Fuzz Harness writes a device harness for a function and opens it', async function () {
    this.timeout(30_000);
    const line =
      readFileSync(deviceC, 'utf8')
        .split('\n')
        .findIndex((l) => l.startsWith('void device_write(')) + 1;
    const file = await vscode.commands.executeCommand<string | undefined>(
      'fuzzwb.createHarness',
      deviceUri,
      line,
      'device_write',
      'device',
    );
    assert.ok(file !== undefined && existsSync(file), `a harness file: ${String(file)}`);
    added.push(file, join(workspace, 'fuzzwb.json'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file);
    assert.match(readFileSync(file, 'utf8'), /LLVMFuzzerTestOneInput/);
    assert.ok(existsSync(join(workspace, 'fuzzwb.json')), 'the target went into fuzzwb.json');
    // The code action offers the same on a function's first line, and not elsewhere.
    const doc = await vscode.workspace.openTextDocument(deviceUri);
    const offered = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      new vscode.Range(line - 1, 0, line - 1, 0),
    );
    assert.ok(offered.some((a) => a.title === 'Create fuzz harness for device_write'));
    const inside = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      new vscode.Range(line, 0, line, 0),
    );
    assert.ok(!inside.some((a) => a.title.startsWith('Create fuzz harness')));
  });
});
