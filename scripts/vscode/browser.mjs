// Headless Chromium on the VS Code server's workbench: loopback only, trust, and the page's URL.
import { chromium } from 'playwright-core';
import { CHROMIUM } from './config.mjs';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The workbench URL for `folder`. `payload` is VS Code's list of [name, value] pairs, e.g. the
 * extension development path; its paths are given as plain absolute paths on the server.
 */
export function workbenchUrl(port, folder, payload = []) {
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const pairs = payload.map(([name, path]) => [name, remote(path)]);
  let query = `folder=${encodeURIComponent(folder)}`;
  if (pairs.length > 0) query += `&payload=${encodeURIComponent(JSON.stringify(pairs))}`;
  return `http://127.0.0.1:${port}/?${query}`;
}

export function isLoopback(url) {
  try {
    const { hostname, protocol } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:') return true;
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

/**
 * Launches Chromium with its profile in `profileDir`. Every request that is not to the loopback
 * address is aborted; `blocked` collects the origins that tried, for the run to print.
 * Console lines of every page go to `consoleLines`.
 */
export async function launchBrowser(profileDir) {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const blocked = new Set();
  const consoleLines = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    blocked.add(new URL(url).origin);
    return route.abort('blockedbyclient');
  });
  context.on('page', (page) => watchConsole(page, consoleLines));
  const page = context.pages()[0] ?? (await context.newPage());
  watchConsole(page, consoleLines);
  return { context, page, blocked, consoleLines };
}

const watched = new WeakSet();
function watchConsole(page, lines) {
  if (watched.has(page)) return;
  watched.add(page);
  page.on('console', (msg) => lines.push(`[${msg.type()}] ${msg.text()}`));
}

/**
 * A fresh profile opens the folder in Restricted Mode. Trust is granted the way a user grants
 * it, from the Restricted Mode item, so the extension sees the untrusted-to-trusted transition.
 */
export async function trustWorkspace(page) {
  try {
    // The status bar item opens the Workspace Trust editor, whose Trust button grants it.
    await page.getByText('Restricted Mode', { exact: true }).click({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Trust', exact: true }).click({ timeout: 30_000 });
  } catch (err) {
    const reason = err.message.split('\n')[0];
    throw new Error(`could not trust the workspace from the Restricted Mode item: ${reason}`);
  }
}
