// One VS Code server and one headless Chromium on its workbench, on a temporary copy of a workspace.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { repoRoot } from '../helpers/paths';
import { loadVSCodeScripts } from './vscodeScripts';

/** Screenshots and logs of the E2E runs, kept with the other test output. */
export const resultsDir = join(repoRoot, 'out', 'test-results', 'e2e');

export interface HostOptions {
  /** A short name for this run: its logs are out/test-results/e2e/<name>-*.log. */
  name: string;
  /** Folders copied into the workspace, each under its own base name. */
  workspaceFrom: string[];
  /** Load this repository as the extension under development (not installed). */
  developmentExtension: boolean;
  /** Prepares the extensions folder before the server starts (e.g. installs a VSIX into it). */
  prepareExtensions?: (extensionsDir: string) => void;
  /** Grant workspace trust from the Restricted Mode item, as a user does. */
  trust: boolean;
  /** Added to the server's environment, which the extension host inherits. */
  env?: Record<string, string>;
}

export interface WorkbenchHost {
  page: Page;
  context: BrowserContext;
  /** The workspace folder (a temporary copy: nothing the run writes lands in the repository). */
  workspace: string;
  /** The extension host's logs, where the extension's log channel file lands. */
  logsDir: string;
  /** Stops the browser and the server; removes the temporary state unless `keep`. */
  close(keep: boolean): Promise<void>;
}

/** Fails with the next step to take when the VS Code server is not installed. */
export async function requireInstalledVSCode(): Promise<void> {
  const { config } = await loadVSCodeScripts();
  if (!existsSync(config.installedMarker)) {
    throw new Error('VS Code server is not installed: run node scripts/vscode/install.mjs');
  }
  const bundle = join(repoRoot, 'out', 'extension.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build`);
}

export async function openWorkbench(options: HostOptions): Promise<WorkbenchHost> {
  const { browser, server } = await loadVSCodeScripts();
  mkdirSync(resultsDir, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), `fuzzwb-e2e-${options.name}-`));
  const workspace = join(stateDir, 'workspace');
  for (const from of options.workspaceFrom) {
    cpSync(from, join(workspace, basename(from)), { recursive: true });
  }
  const dirs = server.serverDirs(stateDir);
  mkdirSync(dirs.extensionsDir, { recursive: true });
  options.prepareExtensions?.(dirs.extensionsDir);

  const running = await server.startServer({
    stateDir,
    logFile: join(resultsDir, `${options.name}-server.log`),
    // No gallery: code-server's build falls back to open-vsx.org without this.
    env: { EXTENSIONS_GALLERY: '{}', ...options.env },
  });
  let launched: Awaited<ReturnType<typeof browser.launchBrowser>> | undefined;
  try {
    launched = await browser.launchBrowser(join(stateDir, 'chromium'));
    const payload: [string, string][] = options.developmentExtension
      ? [['extensionDevelopmentPath', repoRoot]]
      : [];
    await launched.page.goto(browser.workbenchUrl(running.port, workspace, payload));
    if (options.trust) {
      await browser.trustWorkspace(launched.page);
      await closeTrustEditor(launched.page);
    }
  } catch (err) {
    await launched?.context.close();
    await running.stop();
    throw err;
  }
  const { context, page, blocked, consoleLines } = launched;

  return {
    page,
    context,
    workspace,
    logsDir: dirs.logsDir,
    async close(keep: boolean) {
      writeFileSync(
        join(resultsDir, `${options.name}-browser-console.log`),
        consoleLines.join('\n'),
      );
      await context.close().catch(() => {});
      await running.stop();
      if (blocked.size > 0) {
        throw new Error(`the workbench tried to reach ${[...blocked].join(', ')} (blocked)`);
      }
      if (keep) console.log(`# e2e ${options.name}: kept the run's state in ${stateDir}`);
      else rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * The Workspace Trust editor opens as a modal over the workbench and takes the keyboard; a user
 * closes it (its Close Modal Editor button) after granting trust, and so does the test.
 */
async function closeTrustEditor(page: Page): Promise<void> {
  const heading = page.getByText('You trust this folder', { exact: true });
  await heading.waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.modal-editor-part .action-label.codicon-close').first().click();
  await heading.waitFor({ state: 'hidden', timeout: 10_000 });
}
