// `npm run test:vscode`'s second half: runs test/suite/ inside a real VS Code driven by Chromium.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM, installedMarker } from './config.mjs';
import { serverDirs, startServer } from './server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = join(root, 'out', 'test-results');
const suiteOut = join(root, 'out', 'test', 'suite');
/** The whole run, build excluded; a hung workbench must not hold CI until its own limit. */
const timeoutMs = Number(process.env.FUZZWB_VSCODE_TIMEOUT_MS || 240_000);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function build() {
  const r = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

/** One CommonJS file per test file, unbundled: `vscode` and mocha are resolved at run time. */
async function compileSuite() {
  const dir = join(root, 'test', 'suite');
  const entries = readdirSync(dir).filter((name) => name.endsWith('.ts'));
  rmSync(suiteOut, { recursive: true, force: true });
  await esbuild.build({
    entryPoints: entries.map((name) => join(dir, name)),
    outdir: suiteOut,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
}

/** A copy of examples/device, so the workspace holds a *_fuzz.c file and nothing writes the repo. */
function makeFixture(stateDir) {
  const fixture = join(stateDir, 'workspace');
  cpSync(join(root, 'examples', 'device'), join(fixture, 'device'), { recursive: true });
  return fixture;
}

function workbenchUrl(port, fixture) {
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const payload = [
    ['extensionDevelopmentPath', remote(root)],
    ['extensionTestsPath', remote(join(suiteOut, 'index.js'))],
  ];
  const query = `folder=${encodeURIComponent(fixture)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return `http://127.0.0.1:${port}/?${query}`;
}

function isLoopback(url) {
  try {
    const { hostname, protocol } = new URL(url);
    if (protocol === 'data:' || protocol === 'blob:') return true;
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

/** Prints the suite's result lines as they arrive, in the shape node --test prints. */
function makeRelay(resultsFile) {
  let printed = 0;
  const totals = { passed: 0, failed: 0, ended: false };
  return {
    totals,
    poll() {
      if (!existsSync(resultsFile)) return;
      const lines = readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean);
      for (const line of lines.slice(printed)) {
        const e = JSON.parse(line);
        if (e.event === 'pass') console.log(`✔ ${e.title} (${e.ms} ms)`);
        if (e.event === 'fail') console.log(`✖ ${e.title}\n  ${e.error.replace(/\n/g, '\n  ')}`);
        if (e.event === 'end')
          Object.assign(totals, { passed: e.passed, failed: e.failed, ended: true });
      }
      printed = lines.length;
    },
  };
}

/** Logs the workbench hands to codeAutomationExit: { relativePath, contents }[]. */
function saveWorkbenchLogs(logs) {
  if (!Array.isArray(logs)) return;
  const dir = join(resultsDir, 'vscode-logs');
  for (const { relativePath, contents } of logs) {
    const file = join(dir, String(relativePath).replace(/\.\.|[^\w./-]/g, '_'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, String(contents));
  }
}

/**
 * A fresh profile opens the fixture in Restricted Mode. Trust is granted the way a user grants
 * it, from the Restricted Mode item, so the suite sees the untrusted-to-trusted transition.
 */
async function trustWorkspace(page) {
  try {
    // The status bar item opens the Workspace Trust editor, whose Trust button grants it.
    await page.getByText('Restricted Mode', { exact: true }).click({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Trust', exact: true }).click({ timeout: 30_000 });
  } catch (err) {
    const reason = err.message.split('\n')[0];
    throw new Error(`could not trust the workspace from the Restricted Mode item: ${reason}`);
  }
}

async function drive(port, fixture, relay) {
  const context = await chromium.launchPersistentContext(join(dirname(fixture), 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const consoleLines = [];
  let page;
  const blocked = new Set();
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLoopback(url)) return route.continue();
      blocked.add(new URL(url).origin);
      return route.abort('blockedbyclient');
    });
    let finish;
    const exited = new Promise((resolve) => (finish = resolve));
    await context.exposeFunction('codeAutomationExit', (code, logs) => {
      saveWorkbenchLogs(logs);
      finish(Number(code));
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (msg) => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
    await page.goto(workbenchUrl(port, fixture));
    await trustWorkspace(page);

    const poller = setInterval(() => relay.poll(), 250);
    let timer;
    const timedOut = new Promise(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)),
    );
    const code = await Promise.race([exited, timedOut]);
    clearInterval(poller);
    clearTimeout(timer);
    relay.poll();
    if (code === 'timeout') throw new Error(`the suite did not finish within ${timeoutMs} ms`);
    return code;
  } finally {
    // Taken on success and failure alike: the screen at the end tells what the workbench showed.
    await page?.screenshot({ path: join(resultsDir, 'vscode-suite.png') }).catch(() => {});
    writeFileSync(join(resultsDir, 'vscode-browser-console.log'), consoleLines.join('\n'));
    if (blocked.size > 0)
      console.log(`run-suite: blocked non-loopback requests to ${[...blocked].join(', ')}`);
    await context.close();
  }
}

async function main() {
  if (!existsSync(installedMarker)) {
    throw new Error('VS Code is not installed: run node scripts/vscode/install.mjs first');
  }
  build();
  await compileSuite();
  mkdirSync(resultsDir, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), 'fuzzwb-vscode-'));
  const fixture = makeFixture(stateDir);
  const resultsFile = join(resultsDir, 'vscode-suite.jsonl');
  rmSync(resultsFile, { force: true });
  const relay = makeRelay(resultsFile);

  let server;
  let code = 1;
  let harnessError;
  try {
    server = await startServer({
      stateDir,
      logFile: join(resultsDir, 'vscode-server.log'),
      env: {
        FUZZWB_SUITE_RESULTS: resultsFile,
        FUZZWB_EXTENSION_DIR: root,
        FUZZWB_FIXTURE_DIR: fixture,
        FUZZWB_LOGS_DIR: serverDirs(stateDir).logsDir,
        // No gallery: code-server's build falls back to open-vsx.org without this.
        EXTENSIONS_GALLERY: '{}',
      },
    });
    console.log(`run-suite: VS Code server on 127.0.0.1:${server.port}, workspace ${fixture}`);
    code = await drive(server.port, fixture, relay);
  } catch (err) {
    harnessError = err instanceof Error ? err.message : String(err);
  } finally {
    await server?.stop();
  }
  const green = !harnessError && relay.totals.ended && relay.totals.failed === 0 && code === 0;
  // A failed run keeps the server's and browser's state, logs included, for a look afterwards.
  if (green) rmSync(stateDir, { recursive: true, force: true });
  else console.log(`run-suite: kept the run's state in ${stateDir}`);

  const { passed, failed, ended } = relay.totals;
  if (harnessError) console.log(`✖ run-suite: ${harnessError}`);
  else if (!ended) console.log(`✖ run-suite: VS Code exited with ${code} before the suite ended`);
  // The harness's own failure counts once, so a run that never reached the tests is not green.
  const failedTotal = failed + (harnessError || !ended ? 1 : 0);
  console.log(`# screenshots and logs: ${basename(resultsDir)}/ in out/`);
  console.log(`${passed} passed, ${failedTotal} failed`);
  process.exit(failedTotal > 0 || code !== 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(`run-suite failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
