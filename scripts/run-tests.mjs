// Compiles the TypeScript tests once and runs each named suite (test/<suite>/) with node --test.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'out', 'test-build');
const require = createRequire(import.meta.url);

/** Suites that node --test runs; test/suite/ is the VS Code extension-host suite. */
const SUITES = {
  unit: 'pure logic: no compilers, no addon, no processes of the target',
  integration: 'real compilers, sanitizers, targets and the native addon',
  e2e: 'the real workbench in VS Code server + Chromium, driven like a user (needs install.mjs)',
};

const USAGE =
  'usage: run-tests.mjs [--allow-empty] <suite>... [-- node-test-args] ' +
  `(suites: ${Object.keys(SUITES).join(', ')})`;

function parseArgs(argv) {
  const opts = { suites: [], allowEmpty: false, nodeArgs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      opts.nodeArgs = argv.slice(i + 1);
      break;
    }
    if (arg === '--allow-empty') opts.allowEmpty = true;
    else if (Object.hasOwn(SUITES, arg)) opts.suites.push(arg);
    else throw new Error(`unknown suite or flag: ${arg}; ${USAGE}`);
  }
  if (opts.suites.length === 0) throw new Error(USAGE);
  return opts;
}

/** Every compiled *.test.js below dir, sorted so runs are reproducible. */
function findTestFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.test.js'))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** Fresh compile: a stale .test.js of a deleted test must never run. */
function compile() {
  rmSync(buildDir, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.test.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('the tests do not compile (tsc errors above)');
}

/** Runs one suite; returns node --test's exit code. */
function runSuite(suite, { allowEmpty, nodeArgs }) {
  console.log(`\n=== ${suite} tests: ${SUITES[suite]} ===`);
  const files = findTestFiles(join(buildDir, 'test', suite));
  if (files.length === 0) {
    if (allowEmpty) {
      console.log(`no tests in ${suite}`);
      return 0;
    }
    console.error(`no tests in ${suite}: expected test/${suite}/**/*.test.ts`);
    return 1;
  }
  // The TAP reporter prints the "# pass N" / "# fail N" summary in a terminal too, not only in CI.
  const args = ['--enable-source-maps', '--test', '--test-reporter=tap', ...nodeArgs];
  const result = spawnSync(process.execPath, [...args, ...files.map((f) => relative(root, f))], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  compile();
  const failed = [];
  let code = 0;
  for (const suite of opts.suites) {
    const status = runSuite(suite, opts);
    if (status !== 0) {
      failed.push(suite);
      code = code || status;
    }
  }
  if (opts.suites.length > 1) {
    const summary = opts.suites.map((s) => `${s} ${failed.includes(s) ? 'FAILED' : 'passed'}`);
    console.log(`\n=== tests: ${summary.join(', ')} ===`);
  }
  process.exit(code);
}

try {
  main();
} catch (err) {
  console.error(`run-tests: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
