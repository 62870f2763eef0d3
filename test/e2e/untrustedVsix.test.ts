// The VSIX installed in VS Code stays inactive in an untrusted workspace and activates once trusted.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../helpers/paths';
import {
  activationLine,
  channelLines,
  EXTENSION_ID,
  extensionHostLines,
  waitForLog,
} from './hostLogs';
import { loadVSCodeScripts } from './vscodeScripts';
import { openWorkbench, requireInstalledVSCode, type WorkbenchHost } from './workbenchHost';
import { WorkbenchUi } from './workbenchUi';

const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

/**
 * A development extension (the route the other E2E tests use) is activated even in Restricted
 * Mode; only an installed extension shows what users get, so this test installs the VSIX.
 */
describe('installed from the VSIX', () => {
  let work: string;
  let host: WorkbenchHost | undefined;
  let failed = false;

  before(async () => {
    await requireInstalledVSCode();
    const { config } = await loadVSCodeScripts();
    work = mkdtempSync(join(tmpdir(), 'fuzzwb-e2e-vsix-'));
    execFileSync(
      process.execPath,
      [join(repoRoot, 'scripts', 'package.mjs'), '--no-build', '--out', work],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const vsix = join(work, `${name}-${version}.vsix`);
    host = await openWorkbench({
      name: 'untrusted-vsix',
      workspaceFrom: [join(repoRoot, 'examples', 'device')],
      developmentExtension: false,
      trust: false,
      prepareExtensions: (extensionsDir) => {
        execFileSync(
          config.nodeBin,
          [config.serverMain, '--install-extension', vsix, '--extensions-dir', extensionsDir],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
      },
    });
  });

  after(async () => {
    await host?.close(failed);
    rmSync(work, { recursive: true, force: true });
  });

  test('is not activated in an untrusted workspace', async (t) => {
    const h = host as WorkbenchHost;
    try {
      await h.page.getByText('Restricted Mode', { exact: true }).waitFor({ timeout: 60_000 });
      // The host logs this once every startup activation has run: ours would be among them.
      await waitForLog(
        h.page,
        'the extension host to finish its startup activations',
        () => extensionHostLines(h.logsDir).find((l) => l.includes('Eager extensions activated')),
        120_000,
      );
      // A workspaceContains activation can trail the eager ones by a moment.
      await h.page.waitForTimeout(3_000);
      assert.equal(activationLine(h.logsDir), undefined, `${EXTENSION_ID} was activated`);
      assert.deepEqual(channelLines(h.logsDir), []);
      const shot = await new WorkbenchUi(h.page).screenshot('untrusted-vsix');
      t.diagnostic(`screenshot: ${shot}`);
    } catch (err) {
      failed = true;
      throw err;
    }
  });

  test('is activated by workspaceContains once the user trusts the workspace', async () => {
    const h = host as WorkbenchHost;
    try {
      const { browser } = await loadVSCodeScripts();
      await browser.trustWorkspace(h.page);
      const line = await waitForLog(
        h.page,
        `${EXTENSION_ID} to activate`,
        () => activationLine(h.logsDir),
        60_000,
      );
      assert.match(line, /activationEvent: 'workspaceContains:/);
      // The channel exists only once activate() ran: the installed bundle works, not just loads.
      const first = await waitForLog(
        h.page,
        'a line in the Fuzz Workbench channel',
        () => channelLines(h.logsDir).find((l) => l.includes(`Fuzz Workbench ${version}`)),
        30_000,
      );
      assert.ok(first);
    } catch (err) {
      failed = true;
      throw err;
    }
  });
});
