// `npm run package`: builds, then packs dist/fuzz-workbench-<version>.vsix for linux-x64 with vsce.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** The native parts are built for the machine that packs them, so the VSIX names that target. */
const TARGET = 'linux-x64';

/**
 * What a working install needs; vsce's allowlist (.vscodeignore) silently skips a file that does
 * not exist, so a VSIX without the engine would still be "packaged" without this check.
 */
const REQUIRED = [
  'out/extension.js',
  'out/engine.js',
  'out/fuzzwb-cc.js',
  'out/native/fuzzwb.node',
  'out/native/libfuzzwb_rt.a',
  'native/include/fuzzwb_shm.h',
  'bin/fuzzwb',
  'bin/fuzzwb-cc',
  'bin/fuzzwb-c++',
  'package.json',
  'README.md',
  'LICENSE',
];

const USAGE = 'usage: package.mjs [--no-build] [--out DIR]';

function parseArgs(argv) {
  const opts = { build: true, outDir: join(root, 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-build') opts.build = false;
    else if (arg === '--out' && argv[i + 1]) opts.outDir = resolve(argv[++i]);
    else throw new Error(`unknown argument ${arg}; ${USAGE}`);
  }
  return opts;
}

/** Runs a program with an argument array; throws one line naming it when it fails. */
function run(what, command, args) {
  // No stdin: vsce asks y/N questions on a terminal, and a question must fail, not hang CI.
  const r = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw new Error(`${what}: cannot run ${command}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal})`);
}

function checkHost() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the native parts are built for this machine (${process.platform}-${process.arch}); ` +
        `packaging for ${TARGET} must run on ${TARGET}`,
    );
  }
}

function checkRequired() {
  const missing = REQUIRED.filter((path) => !existsSync(join(root, path)));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}; run npm run build (or drop --no-build)`);
  }
}

/** vsce's own entry script, run with this Node rather than through npx and a shell. */
function vsceBin() {
  const manifestPath = require.resolve('@vscode/vsce/package.json');
  const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  return join(dirname(manifestPath), typeof bin === 'string' ? bin : bin.vsce);
}

function formatSize(bytes) {
  return bytes >= 1024 * 1024
    ? `${(bytes / (1024 * 1024)).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  checkHost();
  if (opts.build) run('npm run build', 'npm', ['run', '--silent', 'build']);
  checkRequired();

  const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  mkdirSync(opts.outDir, { recursive: true });
  const vsix = join(opts.outDir, `${name}-${version}.vsix`);
  run('vsce package', process.execPath, [
    vsceBin(),
    'package',
    '--target',
    TARGET,
    // esbuild has bundled every dependency into out/*.js; node_modules must not ship again.
    '--no-dependencies',
    '--allow-missing-repository',
    // README links point into this repository, which the VSIX has no URL for; keep them as written.
    '--no-rewrite-relative-links',
    '--out',
    vsix,
  ]);
  const shown = relative(process.cwd(), vsix).startsWith('..')
    ? vsix
    : relative(process.cwd(), vsix);
  console.log(`package: ${shown} (${formatSize(statSync(vsix).size)})`);
}

try {
  main();
} catch (err) {
  console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
